/**
 * The soak harness, run small (the full run is `npm run soak`, reports/soak.md): each backend's
 * workload in its own child process ends with every C string freed, and a deliberately leaking
 * declaration (a `const char *` return koffi never frees) is caught by the same live-string check
 * the report uses. Deterministic: it asserts on counters, never on memory figures or speed.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import type { BackendName } from '../../src/index.js';
import { judgeWorkload, runWorkloadInChild } from './soak/index.js';
import type { WorkloadResult } from './soak/workload.js';
import { describeFailure, TEST_BACKENDS } from './support.js';

const CALLS = 20_000;
const LEAK_CALLS = 5_000;
const LEAK_EVERY = 10;
const runs = new Map<BackendName, WorkloadResult>();
let leaky: WorkloadResult | undefined;

beforeAll(async () => {
  const jobs: Promise<void>[] = TEST_BACKENDS.map(async (backend) => {
    const outcome = await runWorkloadInChild({ backend, calls: CALLS, samples: 10 });
    if (!outcome.ok || outcome.result === undefined) throw new Error(`${backend}: the soak child ${describeFailure(outcome)}`);
    runs.set(backend, outcome.result);
  });
  if (TEST_BACKENDS.includes('koffi')) {
    jobs.push(
      (async () => {
        const outcome = await runWorkloadInChild({ backend: 'koffi', calls: LEAK_CALLS, samples: 4, leakEvery: LEAK_EVERY });
        if (!outcome.ok || outcome.result === undefined) throw new Error(`koffi (leaking): the soak child ${describeFailure(outcome)}`);
        leaky = outcome.result;
      })(),
    );
  }
  await Promise.all(jobs);
}, 120_000);

describe.each(TEST_BACKENDS)('%s: the soak workload, run small', (backend) => {
  const result = (): WorkloadResult => runs.get(backend) as WorkloadResult;

  it(`makes at least ${CALLS.toLocaleString('en')} contract calls of the mix (create, poll, complete, get, list) with bounded engine state`, () => {
    const r = result();
    expect(r.calls).toBeGreaterThanOrEqual(CALLS);
    expect(r.counts.create).toBe(r.cycles);
    expect(r.counts.complete).toBe(r.cycles * 4);
    expect(r.counts.get).toBe(r.cycles);
    expect(r.counts.list).toBe(r.cycles);
    expect(r.engineRestarts).toBe(Math.floor((r.cycles - 1) / r.tasksPerEngine));
    expect(r.anomalies).toEqual([]);
  });

  it('samples memory after gc (the child runs with --expose-gc)', () => {
    const r = result();
    expect(r.gcExposed).toBe(true);
    expect(r.samples.length).toBeGreaterThanOrEqual(5);
    for (const s of r.samples) expect(s.rss).toBeGreaterThan(0);
  });

  it.runIf(backend === 'koffi')('ends with every C string freed (live strings 0 at every sample and at the end)', () => {
    const r = result();
    expect(r.liveStringsEnd).toBe(0);
    expect(r.liveStringsMax).toBe(0);
    expect(judgeWorkload(r)).toEqual({ pass: true, reasons: [] });
  });
});

describe('a deliberate leak is caught by the same check', () => {
  it.runIf(TEST_BACKENDS.includes('koffi'))('a `const char *` return that is never freed leaves exactly one live string per leaking call, and the verdict fails on it', () => {
    const r = leaky as WorkloadResult;
    expect(r.leakedCalls).toBe(Math.ceil(r.cycles / LEAK_EVERY));
    expect(r.leakedCalls).toBeGreaterThan(0);
    expect(r.liveStringsEnd).toBe(r.leakedCalls);
    const verdict = judgeWorkload(r);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toContain(`${r.leakedCalls} C strings not freed at the end`);
  });
});
