/**
 * worker_threads terminated mid-call (soak/terminate.ts), run small on the harness build: each arm
 * in its own child process, N workers each loading one bridge and looping over string-returning
 * operations until `worker.terminate()` lands at a random moment.
 *
 * What the mechanism predicts, and is asserted: the koffi adapter (which frees each `char *` with
 * two native calls in the caller's frame, legacy-library.ts) leaves **exactly 0** C strings however
 * many terminations land mid-call; the pre-fix declaration (a koffi disposable whose dispose is
 * JavaScript, refused by Node once the worker is stopping) leaks, at most one string per
 * termination; napi has no C strings, and a terminated worker costs it no more than a worker does
 * (a loose RSS bound that a leaked isolate or addon instance per termination would break; the
 * figures themselves are the soak's, reports/soak.md).
 */
import { beforeAll, describe, expect, it } from 'vitest';

import type { TerminateArm, TerminateArmOptions, TerminateArmResult } from './soak/terminate.js';
import { TERMINATE_CHILD } from './soak/terminate.js';
import { describeFailure, requireTestHooks, runInChild, TEST_BACKENDS, testHooksLibrary } from './support.js';

const TERMINATIONS = 80;
const CONTROL_TERMINATIONS = 40;
/** A leaked isolate or addon instance costs megabytes; a worker's own churn tens of KiB. */
const RSS_BOUND_PER_TERMINATION = 1024 * 1024;

const results = new Map<TerminateArm, TerminateArmResult>();
const arms: TerminateArmOptions[] = [
  ...TEST_BACKENDS.map((backend) => ({ arm: backend, terminations: TERMINATIONS, libraryPath: testHooksLibrary(backend) })),
  ...(TEST_BACKENDS.includes('koffi') ? [{ arm: 'koffi-js-dispose' as const, terminations: CONTROL_TERMINATIONS, libraryPath: testHooksLibrary('koffi') }] : []),
];

beforeAll(async () => {
  requireTestHooks(TEST_BACKENDS);
  // One arm after the other: each keeps two workers busy, and the machine may have two cores.
  for (const options of arms) {
    const outcome = await runInChild<TerminateArmResult>(TERMINATE_CHILD, options, { timeoutMs: 60_000 });
    if (!outcome.ok || outcome.result === undefined) throw new Error(`${options.arm}: the terminations child ${describeFailure(outcome)}`);
    results.set(options.arm, outcome.result);
  }
}, 90_000);

const result = (arm: TerminateArm): TerminateArmResult => results.get(arm) as TerminateArmResult;

describe.each(TEST_BACKENDS)(`%s: ${TERMINATIONS} worker_threads terminated in a loop of string-returning calls`, (backend) => {
  it('every worker was terminated while looping, none crashed or failed otherwise, and most terminations landed mid-call', () => {
    const r = result(backend);
    expect(r.errors).toEqual([]);
    expect(r.failedWorkers).toBe(0);
    expect(r.terminations).toBe(TERMINATIONS);
    expect(r.calls).toBeGreaterThan(TERMINATIONS);
    expect(r.midCall).toBeGreaterThan(TERMINATIONS / 2);
  });

  it.runIf(backend === 'koffi')('koffi: exactly 0 C strings left, however many terminations landed mid-call', () => {
    const r = result('koffi');
    expect(r.liveStringsBefore).toBe(0);
    expect(r.leakedStrings).toBe(0);
    expect(r.liveStringsAfter).toBe(0);
  });

  it.runIf(backend === 'napi')('napi: no C strings to leak, and RSS per termination bounded (no isolate or addon instance kept)', () => {
    const r = result('napi');
    expect(r.liveStringsAfter).toBeNull();
    expect(r.rssPerTermination).toBeLessThan(RSS_BOUND_PER_TERMINATION);
  });
});

describe.runIf(TEST_BACKENDS.includes('koffi'))('control: the pre-fix declaration (a koffi disposable with a JavaScript dispose)', () => {
  // No upper bound: a thread may finish several calls between terminate() and V8 acting on it, and
  // each of them leaks (docs/reliability.md); what the control shows is that the old way leaks at all.
  it(`leaks C strings when its threads are terminated mid-call (at least one in ${CONTROL_TERMINATIONS})`, () => {
    const r = result('koffi-js-dispose');
    expect(r.failedWorkers).toBe(0);
    expect(r.leakedStrings).toBeGreaterThan(0);
  });
});
