/**
 * The runtime-agnostic parity smoke: one backend, one fresh process, a fixed corpus of calls and
 * a seeded fast-check run. It needs no test runner (only `node:assert/strict`, which Node, Bun and
 * Deno all provide) so the very same file runs under each runtime.
 *
 * Two kinds of evidence come out of it:
 * - `failures`: checks of the contract that hold on ANY backend in ANY runtime (a semver version,
 *   the "Worker not initialized" error before bootstrap, the context of a task coming back
 *   deep-equal, idempotency keys, …). A failure here is a wrong answer on its own.
 * - `transcript`: every value returned or error thrown, in a canonical, key-sorted encoding that
 *   keeps what JSON would lose (`undefined`, `-0`, `NaN`, …). Engines are seeded and run on a fixed
 *   clock, so every runtime x backend must produce the SAME transcript: the orchestrator
 *   (`scripts/runtime-smoke.mjs`) compares them all to the reference (Node + napi), which is the
 *   parity check across bridges and across runtimes.
 *
 * The inputs stay in the domain where the contract already promises one behaviour (well-formed
 * Unicode, JSON without `-0`/`NaN`/unsafe integers, no NUL in plain strings): the edges where the
 * bridges convert differently are the parity suite's business (parity-tests/), not a smoke's.
 */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import type * as TaskerPackage from '../../src/index.js';
import type { JsonValue, StepEvent, StepExecutionResult, TaskerFfi, TaskRequest, TaskResponse } from '../../src/index.js';
import { orderRequest, successResult } from '../fixtures.js';

/** The package's public module, as `import('tasker-ffi-parity')` (dist/) or `src/index.ts` gives it. */
export type TaskerModule = typeof TaskerPackage;

export interface SmokeOptions {
  /** fast-check seed of the property runs. */
  seed: number;
  /** fast-check runs per property. */
  runs: number;
}

export const DEFAULT_SMOKE_OPTIONS: SmokeOptions = { seed: 20_260_283, runs: 40 };

/** The seeded engine every phase bootstraps: ids from the seed, a fixed clock. */
export const ENGINE_CONFIG = { seed: 283, clockStart: '2026-01-01T00:00:00Z', clockTickMs: 1 } as const;

export const NOT_INITIALIZED = 'Worker not initialized — call bootstrapWorker() first';
export const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
const LINEAR_ORDER = ['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation'];
const DIAMOND_ORDER = ['extract', 'transform_a', 'transform_b', 'merge'];

export interface TranscriptEntry {
  case: string;
  /** `{ returned: canonical value }` or `{ threw: { name, code, message, recoverable } }`. */
  outcome: unknown;
}

export interface SmokeFailure {
  case: string;
  message: string;
}

export interface SmokeOutcome {
  backend: string;
  transcript: TranscriptEntry[];
  failures: SmokeFailure[];
  /** Cases run (corpus steps plus one per property). */
  cases: number;
  /** fast-check runs executed, per property. */
  properties: Record<string, { runs: number; seed: number; failed: boolean }>;
}

// ---------------------------------------------------------------------------------------------
// Canonical encoding of values (for transcripts that cross process boundaries as JSON)
// ---------------------------------------------------------------------------------------------

/**
 * A JSON-safe form of `value` that two runs can compare as text: object keys sorted (the bridges
 * build objects in different key orders, which no caller can observe through the contract), and
 * tags for what JSON cannot carry (`undefined`, `-0`, `NaN`, `±Infinity`, `bigint`, a prototype
 * other than `Object.prototype`).
 */
export function canonical(value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
      return { $: 'undefined' };
    case 'number':
      if (Object.is(value, -0)) return { $: '-0' };
      return Number.isFinite(value) ? value : { $: String(value) };
    case 'bigint':
      return { $: 'bigint', value: value.toString() };
    case 'string':
    case 'boolean':
      return value;
    case 'function':
    case 'symbol':
      return { $: typeof value };
    default:
      break;
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(canonical);
  const proto = Object.getPrototypeOf(value) as object | null;
  const entries = Object.keys(value as object)
    .sort()
    .map((key) => [key, canonical((value as Record<string, unknown>)[key])] as const);
  // `Object.fromEntries` defines own properties, so a `__proto__` key stays a key.
  const plain = Object.fromEntries(entries);
  if (proto === Object.prototype || proto === null) return plain;
  return { $: 'object', proto: (proto as { constructor?: { name?: string } }).constructor?.name ?? '?', value: plain };
}

function describeThrown(error: unknown): { name: string; code: unknown; message: string; recoverable: unknown } {
  if (error instanceof Error) {
    const { code, recoverable } = error as Error & { code?: unknown; recoverable?: unknown };
    return { name: error.name, code: code ?? null, message: error.message, recoverable: recoverable ?? null };
  }
  return { name: typeof error, code: null, message: String(error), recoverable: null };
}

// ---------------------------------------------------------------------------------------------
// A session: records every call, runs the checks, never stops at the first failure
// ---------------------------------------------------------------------------------------------

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

class Session {
  readonly transcript: TranscriptEntry[] = [];
  readonly failures: SmokeFailure[] = [];
  cases = 0;

  constructor(
    readonly pkg: TaskerModule,
    readonly ffi: TaskerFfi,
  ) {}

  /** Runs `call`, records what it returned or threw, then `check`s it; a failed check is recorded. */
  step<T>(name: string, call: () => T, check?: (outcome: Outcome<T>) => void): Outcome<T> {
    this.cases += 1;
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: call() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.transcript.push({
      case: name,
      outcome: outcome.ok ? { returned: canonical(outcome.value) } : { threw: describeThrown(outcome.error) },
    });
    if (check !== undefined) this.check(name, () => check(outcome));
    return outcome;
  }

  /** Records (instead of throwing) a failed assertion. */
  check(name: string, assertion: () => void): void {
    try {
      assertion();
    } catch (error) {
      this.failures.push({ case: name, message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Records a value computed outside `step` (e.g. the outcome of a whole workflow run). */
  record(name: string, value: unknown): void {
    this.transcript.push({ case: name, outcome: { returned: canonical(value) } });
  }

  // ---- check builders ------------------------------------------------------------------------

  returns<T>(check: (value: T) => void = () => undefined): (outcome: Outcome<T>) => void {
    return (outcome) => {
      if (!outcome.ok) {
        const { name, code, message } = describeThrown(outcome.error);
        assert.fail(`expected a result, got ${name} ${String(code)}: ${message}`);
      }
      check(outcome.value);
    };
  }

  throwsTasker(code: string, message?: string | RegExp): (outcome: Outcome<unknown>) => void {
    return (outcome) => {
      assert.ok(!outcome.ok, `expected TaskerError ${code}, got a result: ${JSON.stringify(canonical(outcome.ok ? outcome.value : null))}`);
      assert.ok(outcome.error instanceof this.pkg.TaskerError, `expected a TaskerError, got ${describeThrown(outcome.error).name}`);
      assert.equal(outcome.error.code, code);
      if (typeof message === 'string') assert.equal(outcome.error.message, message);
      else if (message !== undefined) assert.match(outcome.error.message, message);
    };
  }
}

function request(overrides: Partial<TaskRequest> = {}): TaskRequest {
  const context = { order_id: 1001, items: [{ sku: 'A-1', price: 12.5, quantity: 2 }] };
  return orderRequest(context, { initiator: 'runtime-smoke', sourceSystem: 'parity-tests/runtimes', reason: 'runtime smoke', ...overrides });
}

// The smoke's own completion time (the transcripts of every runtime are compared with the committed ones).
function success(event: Pick<StepEvent, 'stepUuid'>, result: JsonValue): StepExecutionResult {
  return successResult(event, result, { completedAt: '2026-01-01T00:00:01Z' });
}

/** A context with the kinds of text and numbers every bridge must carry unchanged. */
const UNICODE_CONTEXT: JsonValue = {
  ascii: 'plain',
  latin: 'héllo wörld',
  cjk: '日本語のテキスト',
  emoji: '🚀👩‍💻🏳️‍🌈',
  rtl: 'مرحبا',
  escapes: 'quote " backslash \\ slash / tab \t newline \n',
  numbers: [0, 1, -1, 0.1, 1.5e300, -2.5e-300, 9_007_199_254_740_991, -9_007_199_254_740_991],
  flags: [true, false, null],
  nested: { a: { b: { c: { d: [[], {}, [{}]] } } } },
  '': 'empty key',
  'key with spaces and ü': 1,
};

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

function beforeBootstrap(s: Session): void {
  const { ffi } = s;
  s.step('getVersion', () => ffi.getVersion(), s.returns((v) => assert.match(v, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/)));
  s.step('getRustVersion', () => ffi.getRustVersion(), s.returns((v) => assert.ok(v.length > 0)));
  s.step('healthCheck', () => ffi.healthCheck(), s.returns((v) => assert.equal(v, true)));
  s.step('isWorkerRunning before bootstrap', () => ffi.isWorkerRunning(), s.returns((v) => assert.equal(v, false)));
  s.step(
    'getWorkerStatus before bootstrap',
    () => ffi.getWorkerStatus(),
    s.returns((v) => assert.deepEqual({ success: v.success, running: v.running, status: v.status }, { success: true, running: false, status: 'stopped' })),
  );
  s.step(
    'stopWorker before bootstrap',
    () => ffi.stopWorker(),
    s.returns((v) => assert.deepEqual({ success: v.success, running: v.running, status: v.status }, { success: true, running: false, status: 'not_running' })),
  );
  s.step('pollStepEvents before bootstrap', () => ffi.pollStepEvents(), s.throwsTasker('WORKER_NOT_RUNNING', NOT_INITIALIZED));
  s.step('clientCreateTask before bootstrap', () => ffi.clientCreateTask(request()), s.throwsTasker('WORKER_NOT_RUNNING', NOT_INITIALIZED));
  s.step('getFfiDispatchMetrics before bootstrap', () => ffi.getFfiDispatchMetrics(), s.throwsTasker('WORKER_NOT_RUNNING', NOT_INITIALIZED));
}

function clientCalls(s: Session): void {
  const { ffi } = s;
  s.step(
    'bootstrapWorker (seeded)',
    () => ffi.bootstrapWorker({ ...ENGINE_CONFIG }),
    s.returns((v) => {
      assert.equal(v.success, true);
      assert.equal(v.status, 'started');
      assert.match(v.workerId, /^typescript-worker-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }),
  );
  s.step('bootstrapWorker again', () => ffi.bootstrapWorker({ ...ENGINE_CONFIG }), s.returns((v) => assert.equal(v.status, 'already_running')));
  s.step('isWorkerRunning after bootstrap', () => ffi.isWorkerRunning(), s.returns((v) => assert.equal(v, true)));
  s.step('clientHealthCheck', () => ffi.clientHealthCheck(), s.returns((v) => assert.equal(v.healthy, true)));

  const order = s.step(
    'clientCreateTask order_processing, unicode context',
    () => ffi.clientCreateTask(request({ context: UNICODE_CONTEXT, tags: ['smoke', 'ünïcode'], priority: 5 })),
    s.returns((v) => {
      assert.equal(v.total_steps, 4);
      // Orchestrated at once: the first step is enqueued when the call returns.
      assert.equal(v.status, 'steps_in_process');
      assert.deepEqual(v.context, UNICODE_CONTEXT);
      assert.deepEqual(v.tags, ['smoke', 'ünïcode']);
      assert.deepEqual(
        v.steps.map((step) => step.name),
        LINEAR_ORDER,
      );
    }),
  );
  const report = s.step(
    'clientCreateTask analytics/report (diamond)',
    () => ffi.clientCreateTask(request({ name: 'report', namespace: 'analytics', context: { day: '2026-01-01' } })),
    s.returns((v) => assert.deepEqual(v.steps.map((step) => step.name), DIAMOND_ORDER)),
  );
  s.step(
    'clientCreateTask with an explicit requestedAt',
    () => ffi.clientCreateTask(request({ requestedAt: '2025-12-31T23:59:59.000Z', context: {} })),
    s.returns((v) => assert.deepEqual(v.context, {})),
  );
  s.step(
    'clientCreateTask of an unknown template',
    () => ffi.clientCreateTask(request({ name: 'no_such_template' })),
    s.throwsTasker('TEMPLATE_NOT_FOUND'),
  );
  s.step(
    'clientCreateTask with a number for name',
    () => ffi.clientCreateTask({ ...request(), name: 42 as unknown as string }),
    s.throwsTasker('INVALID_REQUEST', /^Invalid argument: /),
  );
  const first = s.step('clientCreateTask with an idempotency key', () => ffi.clientCreateTask(request({ idempotencyKey: 'smoke-key-1' })));
  s.step(
    'clientCreateTask with the same idempotency key',
    () => ffi.clientCreateTask(request({ idempotencyKey: 'smoke-key-1' })),
    s.returns((v) => assert.equal(v.task_uuid, first.ok ? first.value.task_uuid : undefined)),
  );

  if (!order.ok || !report.ok) return;
  const orderTask = order.value;
  s.step('clientGetTask', () => ffi.clientGetTask(orderTask.task_uuid), s.returns((v) => assert.equal(v.task_uuid, orderTask.task_uuid)));
  s.step('clientGetTask of a missing task', () => ffi.clientGetTask(MISSING_UUID), s.throwsTasker('NOT_FOUND'));
  s.step('clientGetTask of a non-UUID', () => ffi.clientGetTask('not-a-uuid'), s.throwsTasker('INVALID_REQUEST'));
  s.step(
    'clientListTasks page 1 of 2 per page',
    () => ffi.clientListTasks({ limit: 2, offset: 0 }),
    s.returns((v) => {
      assert.equal(v.tasks.length, 2);
      assert.equal(v.pagination.total_count, 4);
      assert.equal(v.pagination.total_pages, 2);
      assert.equal(v.pagination.has_next, true);
    }),
  );
  s.step(
    'clientListTasks namespace analytics',
    () => ffi.clientListTasks({ namespace: 'analytics' }),
    s.returns((v) => assert.deepEqual(v.tasks.map((t) => t.namespace), ['analytics'])),
  );
  s.step(
    'clientListTaskSteps',
    () => ffi.clientListTaskSteps(orderTask.task_uuid),
    s.returns((v) => assert.deepEqual(v.map((step) => step.name), LINEAR_ORDER)),
  );
}

function workerCalls(s: Session): void {
  const { ffi } = s;
  const tasks = s.step('clientListTasks (all)', () => ffi.clientListTasks({ limit: 50 }));
  if (!tasks.ok) return;

  // Drive every task to completion by hand: poll, complete with a result naming the step.
  const handled: string[] = [];
  /** Steps completed so far, by task. */
  const done = new Map<string, string[]>();
  for (let i = 0; i < 64; i += 1) {
    const polled = s.step(`pollStepEvents #${i}`, () => ffi.pollStepEvents());
    if (!polled.ok || polled.value === null) break;
    const event = polled.value;
    handled.push(`${event.task.name}/${event.taskUuid}/${event.workflowStep.name}`);
    const deps = Object.keys(event.dependencyResults).sort();
    const earlier = done.get(event.taskUuid) ?? [];
    // Every completed ancestor's result (tasker's transitive dependencies): the parents among
    // them, and nothing that was not completed before in this task.
    s.check(`pollStepEvents #${i}: dependencies of ${event.workflowStep.name}`, () => {
      for (const parent of event.stepDefinition.dependencies) assert.ok(deps.includes(parent), `missing parent ${parent}`);
      for (const name of deps) assert.ok(earlier.includes(name), `${name} was not completed before`);
    });
    done.set(event.taskUuid, [...earlier, event.workflowStep.name]);
    s.step(
      `completeStepEvent #${i}`,
      () => ffi.completeStepEvent(event.eventId, success(event, { step: event.workflowStep.name, unicode: 'ü🚀', n: i })),
      s.returns((v) => assert.equal(v, true)),
    );
  }
  s.check('every ready step was handed out in dependency order, each task to its end', () => {
    const byTask = new Map<string, { name: string; steps: string[] }>();
    for (const h of handled) {
      const [name = '', task = '', step = ''] = h.split('/');
      const entry = byTask.get(task) ?? { name, steps: [] };
      entry.steps.push(step);
      byTask.set(task, entry);
    }
    assert.ok(byTask.size >= 4, `only ${byTask.size} tasks were worked`);
    for (const { name, steps } of byTask.values()) {
      if (name === 'order_processing') assert.deepEqual(steps, LINEAR_ORDER);
      else {
        assert.equal(steps[0], 'extract');
        assert.equal(steps[3], 'merge');
        assert.deepEqual([...steps].sort(), [...DIAMOND_ORDER].sort());
      }
    }
  });

  s.step(
    'completeStepEvent with a non-UUID event id',
    () => ffi.completeStepEvent('not-a-uuid', success({ stepUuid: MISSING_UUID }, null)),
    s.throwsTasker('INVALID_REQUEST', /^Invalid argument: Invalid event ID: /),
  );
  s.step(
    'completeStepEvent of an unknown event',
    () => ffi.completeStepEvent(MISSING_UUID, success({ stepUuid: MISSING_UUID }, null)),
    s.returns((v) => assert.equal(v, false)),
  );

  /** The poll number `#n` at which `stepName` of `taskUuid` was handed out (its result names it). */
  const handledIndex = (stepName: string, taskUuid: string): number => handled.indexOf(`order_processing/${taskUuid}/${stepName}`);
  const first = tasks.value.tasks.find((t) => t.name === 'order_processing');
  if (first !== undefined) {
    s.step(
      'clientGetTask after completion',
      () => ffi.clientGetTask(first.task_uuid),
      s.returns((v) => {
        assert.equal(v.status, 'complete');
        assert.equal(v.completion_percentage, 100);
      }),
    );
    const steps = s.step('clientListTaskSteps after completion', () => ffi.clientListTaskSteps(first.task_uuid));
    const step = steps.ok ? steps.value[0] : undefined;
    if (step !== undefined) {
      s.step(
        'clientGetStep',
        () => ffi.clientGetStep(first.task_uuid, step.step_uuid),
        // The stored result is the whole StepExecutionResult; the handler's output is its `result`.
        s.returns((v) => assert.deepEqual((v.results as { result?: unknown }).result, { step: step.name, unicode: 'ü🚀', n: handledIndex(step.name, first.task_uuid) })),
      );
      s.step(
        'clientGetStepAuditHistory',
        () => ffi.clientGetStepAuditHistory(first.task_uuid, step.step_uuid),
        // One row per accepted result: in_progress -> enqueued_for_orchestration.
        s.returns((v) => {
          assert.equal(v.length, 1);
          assert.equal(v[0]?.from_state, 'in_progress');
          assert.equal(v[0]?.to_state, 'enqueued_for_orchestration');
          assert.equal(v[0]?.success, true);
        }),
      );
      s.step('clientGetStep of a missing step', () => ffi.clientGetStep(first.task_uuid, MISSING_UUID), s.throwsTasker('NOT_FOUND'));
    }
  }

  const cancel = s.step('clientCreateTask to cancel', () => ffi.clientCreateTask(request({ context: { cancel: true } })));
  if (cancel.ok) {
    s.step('clientCancelTask', () => ffi.clientCancelTask(cancel.value.task_uuid), s.returns((v) => assert.equal(v.cancelled, true)));
  }

  const events: string[] = [];
  for (let i = 0; i < 256; i += 1) {
    const polled = s.step(`pollInProcessEvents #${i}`, () => ffi.pollInProcessEvents());
    if (!polled.ok || polled.value === null) break;
    events.push(polled.value.eventName);
  }
  s.record('domain events (names, in order)', events);

  s.step(
    'getFfiDispatchMetrics',
    () => ffi.getFfiDispatchMetrics(),
    // Every handed-out step was answered: nothing is pending any more.
    s.returns((v) => assert.deepEqual({ pendingCount: v.pendingCount, starvationDetected: v.starvationDetected }, { pendingCount: 0, starvationDetected: false })),
  );
  s.step('checkStarvationWarnings', () => ffi.checkStarvationWarnings());
  s.step('cleanupTimeouts', () => ffi.cleanupTimeouts());
  for (const level of ['logError', 'logWarn', 'logInfo', 'logDebug', 'logTrace'] as const) {
    s.step(level, () => ffi[level](`runtime smoke ${level} ü🚀`, { level, nested: { n: 1 } }), s.returns());
  }
  s.step(
    'logInfo with fields that are not an object',
    () => ffi.logInfo('bad fields', [1, 2] as unknown as Record<string, JsonValue>),
    s.throwsTasker('INVALID_REQUEST'),
  );
  s.step(
    'transitionToGracefulShutdown',
    () => ffi.transitionToGracefulShutdown(),
    s.returns((v) => assert.equal(v.success, true)),
  );
  s.step(
    'stopWorker',
    () => ffi.stopWorker(),
    s.returns((v) => assert.deepEqual({ running: v.running }, { running: false })),
  );
  s.step('isWorkerRunning after stop', () => ffi.isWorkerRunning(), s.returns((v) => assert.equal(v, false)));
}

/** The high-level API (TaskerClient + WorkerServer with async handlers), as a worker would use it. */
async function workerServerRun(s: Session): Promise<void> {
  const { TaskerClient, WorkerServer, defineStepHandler } = s.pkg;
  const order: string[] = [];
  const handler = (callable: string) =>
    defineStepHandler(callable, async (event) => {
      order.push(event.workflowStep.name);
      await Promise.resolve();
      return { handled: event.workflowStep.name, deps: Object.keys(event.dependencyResults).sort() };
    });
  const server = new WorkerServer({
    backend: s.ffi,
    handlers: LINEAR_ORDER.map((name) => handler(`ecommerce.${name}`)),
    bootstrap: { ...ENGINE_CONFIG },
  });
  s.cases += 1;
  const name = 'WorkerServer runs ecommerce/order_processing to completion';
  try {
    await server.start({ poll: false });
    const client = new TaskerClient(s.ffi);
    const created = client.createTask({
      name: 'order_processing',
      namespace: 'ecommerce',
      context: { order_id: 7 },
      requestedAt: '2026-01-01T00:00:00.000Z',
    });
    const stats = await server.runUntilIdle();
    const task: TaskResponse = client.getTask(created.task_uuid);
    s.record(name, {
      status: task.status,
      order,
      stats,
      // Only the handler's output: the stored metadata carries WorkerServer's wall-clock time.
      steps: client.listTaskSteps(created.task_uuid).map((st) => (st.results as { result?: unknown }).result),
    });
    s.check(name, () => {
      assert.equal(task.status, 'complete');
      assert.deepEqual(order, LINEAR_ORDER);
      assert.equal(stats.completed, 4);
    });
  } catch (error) {
    s.record(name, { threw: describeThrown(error) });
    s.failures.push({ case: name, message: describeThrown(error).message });
  } finally {
    await server.stop().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Seeded properties
// ---------------------------------------------------------------------------------------------

/** Plain strings: well-formed Unicode without NUL (a C string would end there; see the module doc). */
const plainString = (maxLength = 24) =>
  fc.string({ unit: 'grapheme', maxLength }).filter((text) => !text.includes('\u0000'));

/** JSON values every bridge carries unchanged (no -0, NaN, ±Infinity; integers within 2^53). */
const contextValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.maxSafeInteger(),
    // Decimals with few digits: the koffi path parses JSON text with serde_json, whose default
    // float parser is not correctly rounded for every double (-9.083632174229271e91 comes back
    // as -9.083632174229273e91; napi carries the f64 as is). That is a bridge edge for the parity
    // suite (docs/runtimes.md), not something a runtime smoke should trip over.
    fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map((n) => (n === 0 ? 0 : n / 1000)),
    plainString(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(plainString(8), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

/** A task context: the contract takes any JSON, the core wants an object at the top. */
const contextObject: fc.Arbitrary<JsonValue> = fc.dictionary(plainString(8), contextValue, { maxKeys: 5, noNullPrototype: true });

const taskInput = fc.record(
  {
    template: fc.constantFrom({ namespace: 'ecommerce', name: 'order_processing' }, { namespace: 'analytics', name: 'report' }),
    context: contextObject,
    tags: fc.array(plainString(12), { maxLength: 3 }),
    priority: fc.integer({ min: -100, max: 100 }),
    idempotencyKey: fc.constantFrom('key-a', 'key-b', 'key-c'),
    reason: plainString(),
  },
  { requiredKeys: ['template', 'context', 'reason'] },
);

function runProperty(s: Session, name: string, property: fc.IProperty<never> | fc.IProperty<unknown>, options: SmokeOptions, properties: SmokeOutcome['properties']): void {
  s.cases += 1;
  const details = fc.check(property as fc.IProperty<unknown>, { seed: options.seed, numRuns: options.runs, endOnFailure: true });
  properties[name] = { runs: details.numRuns, seed: options.seed, failed: details.failed };
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    s.failures.push({ case: name, message: `${fc.defaultReportMessage(details) ?? 'property failed'}\nError: ${cause}` });
  }
}

function propertyRuns(s: Session, options: SmokeOptions, properties: SmokeOutcome['properties']): void {
  const { ffi } = s;
  s.step('bootstrapWorker (seeded, for the properties)', () => ffi.bootstrapWorker({ ...ENGINE_CONFIG }), s.returns((v) => assert.equal(v.status, 'started')));
  const byKey = new Map<string, { uuid: string; fingerprint: string }>();
  let run = 0;

  runProperty(
    s,
    'clientCreateTask/clientGetTask: the task comes back with the context, tags and priority it was given; an idempotency key seen before returns the first task',
    fc.property(taskInput, (input) => {
      const i = run++;
      const { namespace, name } = input.template;
      const sent = request({
        name,
        namespace,
        context: input.context,
        reason: input.reason,
        ...(input.tags === undefined ? {} : { tags: input.tags }),
        ...(input.priority === undefined ? {} : { priority: input.priority }),
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: `${name}:${input.idempotencyKey}` }),
      });
      const key = sent.idempotencyKey;
      const earlier = key === undefined ? undefined : byKey.get(key);
      const fingerprint = JSON.stringify(canonical(sent));
      // A key seen before returns the existing task, whatever the rest of the request (the engine's rule).
      const created = ffi.clientCreateTask(sent);
      s.record(`property createTask #${i}`, created);
      if (earlier !== undefined) {
        assert.equal(created.task_uuid, earlier.uuid, 'an idempotency key must return the first task');
        return;
      }
      if (key !== undefined) byKey.set(key, { uuid: created.task_uuid, fingerprint });
      assert.deepEqual(created.context, input.context);
      assert.equal(created.reason, input.reason);
      assert.deepEqual(created.tags ?? [], input.tags ?? []);
      // tasker's default priority is 0.
      assert.equal(created.priority, input.priority ?? 0);
      const fetched = ffi.clientGetTask(created.task_uuid);
      assert.deepEqual(fetched.context, input.context);
      assert.equal(fetched.task_uuid, created.task_uuid);
    }),
    options,
    properties,
  );

  runProperty(
    s,
    'completeStepEvent/clientGetStep: a step result comes back as it was sent',
    fc.property(contextValue, (result) => {
      const i = run++;
      let event = ffi.pollStepEvents();
      if (event === null) {
        ffi.clientCreateTask(request({ context: { refill: i } }));
        event = ffi.pollStepEvents();
      }
      assert.ok(event !== null, 'a fresh task must have a ready step');
      assert.equal(ffi.completeStepEvent(event.eventId, success(event, result)), true);
      const step = ffi.clientGetStep(event.taskUuid, event.stepUuid);
      s.record(`property completeStep #${i}`, step);
      assert.equal(step.current_state, 'complete');
      assert.deepEqual((step.results as { result?: unknown }).result, result);
    }),
    options,
    properties,
  );

  runProperty(
    s,
    'log*: any message and JSON fields are accepted',
    fc.property(plainString(64), fc.dictionary(plainString(8), contextValue, { maxKeys: 3, noNullPrototype: true }), (message, fields) => {
      ffi.logDebug(message, fields as Record<string, JsonValue>);
    }),
    options,
    properties,
  );

  s.step('stopWorker (after the properties)', () => ffi.stopWorker(), s.returns((v) => assert.equal(v.running, false)));
}

/** Runs the whole smoke on `ffi` (a freshly loaded backend in a fresh process). */
export async function runRuntimeSmoke(pkg: TaskerModule, ffi: TaskerFfi, options: SmokeOptions = DEFAULT_SMOKE_OPTIONS): Promise<SmokeOutcome> {
  const s = new Session(pkg, ffi);
  const properties: SmokeOutcome['properties'] = {};
  beforeBootstrap(s);
  clientCalls(s);
  workerCalls(s);
  await workerServerRun(s);
  propertyRuns(s, options, properties);
  return { backend: ffi.backend, transcript: s.transcript, failures: s.failures, cases: s.cases, properties };
}
