/**
 * Hostile input, as properties: fast-check makes a valid call of an operation that takes input
 * and injects ONE hostile thing at a random path of its arguments (any depth): a getter that
 * answers differently on every read, a getter that throws, a Proxy (counting reads; one trap may
 * throw), a revoked Proxy, a throwing `toJSON`, an own `__proto__` key, a hole in an array, a
 * 1–5 MB string, a lone surrogate, NUL in a string argument. Per case, on both bridges:
 *
 *   - the same outcome: the same `TaskerError` (a known code, the same message) or equal results;
 *   - every hostile getter and every proxied key is read at most once;
 *   - a rejected call leaves the engine state as it was (a probe of every task, step and audit row);
 *   - every error message is bounded (<= 4 KB);
 *   - no crash: the calls run in a long-lived child (hostile-child.ts); a crash fails the property
 *     with the plan that caused it.
 *
 * A second property writes templates of our own whose step names are `__proto__`, `constructor`,
 * `prototype`, … and checks that dependency results keyed by them are own properties, that no
 * object handed to JS gained a prototype, and that `__proto__` stays an own key where the data has it.
 *
 * Depth: FC_NUM_RUNS runs per operation (default 20); FC_SEED replays a seed. At the end one line
 * `hostile: …` sums up; TASKER_HOSTILE_REPORT=<file> also writes it as JSON.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { packageRoot } from '../../src/backends/locate.js';
import { isTaskerErrorCode } from '../../src/errors.js';
import { HOSTILE_OPERATIONS, hostilePlan, templateNamesPlan, type HostileOperation, type HostilePlan, type TemplateNamesPlan } from '../arbitraries/index.js';
import type { BackendRun, CaseReport, Request, TemplateNamesReport } from './hostile-child.js';
import { here, TEST_BACKENDS } from './support.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 20);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
/** The bound every error message must keep. */
const MAX_MESSAGE_BYTES = 4096;
/** A plan that takes longer than this (megabytes included) counts as hung. */
const CASE_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// The executor child: one process for the file, respawned after a crash
// ---------------------------------------------------------------------------------------------

class Executor {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private next = 1;
  private stderr = '';
  crashes = 0;

  private spawn(): Promise<void> {
    const child = fork(here('hostile-child.ts'), [], {
      cwd: packageRoot(),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: process.env,
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4096);
    });
    const ready = new Promise<void>((resolve, reject) => {
      this.waiting.set(0, { resolve: () => resolve(), reject });
    });
    child.on('message', (text: string) => {
      const message = JSON.parse(text) as { id: number; result?: unknown; error?: string };
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`executor threw: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
      if (this.waiting.size > 0) this.crashes += 1;
      const why = new Error(`the executor child died (exit ${String(code)}, signal ${String(signal)}); stderr: ${this.stderr.trim().slice(-600)}`);
      for (const waiter of this.waiting.values()) waiter.reject(why);
      this.waiting.clear();
    });
    return ready;
  }

  async run<T>(request: Request): Promise<T> {
    this.ready ??= this.spawn();
    await this.ready;
    const id = this.next++;
    const child = this.child;
    if (child === undefined) throw new Error('the executor child is gone');
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the executor took more than ${CASE_TIMEOUT_MS} ms on ${JSON.stringify(request).slice(0, 300)}`));
        child.kill('SIGKILL');
      }, CASE_TIMEOUT_MS);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send(JSON.stringify({ id, request }));
    });
  }

  close(): void {
    this.child?.disconnect();
    this.child = undefined;
  }
}

const executor = new Executor();

// ---------------------------------------------------------------------------------------------
// What ran
// ---------------------------------------------------------------------------------------------

const casesPerOp = new Map<HostileOperation, number>();
const rejectedPerOp = new Map<HostileOperation, number>();
let longest = { length: 0, op: 'none', message: '' };
let templateRuns = 0;
let trickyDependencies = 0;

function noteMessage(op: string, run: BackendRun): void {
  if (run.outcome.kind === 'threw' && run.outcome.messageLength > longest.length) {
    longest = { length: run.outcome.messageLength, op, message: run.outcome.message.slice(0, 160) };
  }
}

/** The assertions of one case (the child only measured). */
function check(plan: HostilePlan, report: CaseReport): void {
  const { napi, koffi } = report;
  const label = `${plan.op} with ${plan.thing.kind} at ${napi.path}`;
  // The same case on both: the fixture and the injection are deterministic.
  expect(koffi.path, label).toBe(napi.path);
  expect(koffi.before, `${label}: the fixtures differ`).toBe(napi.before);
  // Same outcome class: the same TaskerError (code and message), or the same result.
  expect(koffi.outcome, `${label}: napi and koffi disagree`).toEqual(napi.outcome);
  for (const [backend, run] of [['napi', napi], ['koffi', koffi]] as const) {
    expect(run.rereads, `${backend}: ${label}: a getter or proxied key was read more than once`).toEqual([]);
    expect(run.maxReads, `${backend}: ${label}`).toBeLessThanOrEqual(1);
    if (run.outcome.kind === 'threw') {
      // Only the contract's error, with a known code: never a raw TypeError from a proxy or a getter.
      expect({ errorClass: run.outcome.errorClass, knownCode: isTaskerErrorCode(run.outcome.code) }, `${backend}: ${label}: ${run.outcome.message}`).toEqual({
        errorClass: 'TaskerError',
        knownCode: true,
      });
      expect(Buffer.byteLength(run.outcome.message) <= MAX_MESSAGE_BYTES && run.outcome.messageLength <= MAX_MESSAGE_BYTES, `${backend}: ${label}: message of ${run.outcome.messageLength} chars: ${run.outcome.message.slice(0, 200)}`).toBe(true);
      expect(run.after, `${backend}: ${label}: a rejected call changed the engine state`).toBe(run.before);
    }
    noteMessage(plan.op, run);
  }
  // An accepted call changed both engines the same way.
  expect(koffi.after, `${label}: the state after the call differs`).toBe(napi.after);
  casesPerOp.set(plan.op, (casesPerOp.get(plan.op) ?? 0) + 1);
  if (napi.outcome.kind === 'threw') rejectedPerOp.set(plan.op, (rejectedPerOp.get(plan.op) ?? 0) + 1);
}

const params = (): fc.Parameters<[HostilePlan]> => ({ numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: false });

beforeAll(async () => {
  // Start the child (it loads both libraries) outside the first property's time.
  await executor.run({ type: 'case', plan: { op: 'clientGetTask', base: { json: {}, extra: null, text: 'x', flag: true, count: 0 }, pick: 0, thing: { kind: 'revokedProxy' } } });
}, 60_000);

afterAll(() => {
  executor.close();
});

// Both bridges run in every case (the child compares them), so this suite needs both.
describe.runIf(TEST_BACKENDS.length > 1)('hostile input: one hostile value anywhere in a valid call', () => {
  for (const op of HOSTILE_OPERATIONS) {
    test(`${op}: koffi and napi give the same typed outcome, read each getter at most once, keep the state on rejection, bound the message, never crash`, async () => {
      await fc.assert(
        fc.asyncProperty(hostilePlan(op), async (plan) => {
          check(plan, await executor.run<CaseReport>({ type: 'case', plan }));
        }),
        params(),
      );
    }, 120_000);
  }

  test('template step names __proto__, constructor, prototype, …: own dependency-result keys, plain prototypes, __proto__ kept as an own key, on both bridges', async () => {
    await fc.assert(
      fc.asyncProperty(templateNamesPlan, async (plan: TemplateNamesPlan) => {
        const report = await executor.run<TemplateNamesReport>({ type: 'templateNames', plan });
        for (const backend of ['napi', 'koffi'] as const) {
          expect(report[backend].violations, backend).toEqual([]);
          expect(report[backend].taskStatus, backend).toBe('complete');
          // Every step ran, each once; its own keys are its ancestors (checked in the child).
          expect(Object.keys(report[backend].dependencyKeys).sort(), backend).toEqual([...plan.names].sort());
        }
        expect(report.koffi).toEqual(report.napi);
        templateRuns += 1;
        trickyDependencies += report.napi.trickyDependencies;
      }),
      { numRuns: Math.max(3, Math.ceil(NUM_RUNS / 2)), ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 120_000);

  test('every operation ran cases, none crashed the executor, and the longest error message is bounded', () => {
    for (const op of HOSTILE_OPERATIONS) expect(casesPerOp.get(op) ?? 0, op).toBeGreaterThan(0);
    expect(templateRuns).toBeGreaterThan(0);
    expect(trickyDependencies, 'dependency results keyed by __proto__, constructor, … were checked').toBeGreaterThan(0);
    expect(executor.crashes).toBe(0);
    expect(longest.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const perOp = HOSTILE_OPERATIONS.map((op) => `${op} ${casesPerOp.get(op) ?? 0} (${rejectedPerOp.get(op) ?? 0} rejected)`).join(', ');
    const total = [...casesPerOp.values()].reduce((a, b) => a + b, 0);
    console.log(`hostile: ${NUM_RUNS} cases per op (${total} in all: ${perOp}); ${templateRuns} template-name runs (${trickyDependencies} dependency results keyed by a prototype name); longest error message ${longest.length} chars (${longest.op})`);
    const file = process.env.TASKER_HOSTILE_REPORT;
    if (file !== undefined && file !== '') {
      const target = path.resolve(packageRoot(), file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(
        target,
        `${JSON.stringify({ numRuns: NUM_RUNS, seed: SEED ?? null, casesPerOp: Object.fromEntries(casesPerOp), rejectedPerOp: Object.fromEntries(rejectedPerOp), templateRuns, trickyDependencies, longestErrorMessage: longest, crashes: executor.crashes }, null, 2)}\n`,
      );
    }
  });
});
