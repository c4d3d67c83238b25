/**
 * One benchmark scenario per operation (and payload size, for the operations that carry free-form
 * JSON). A scenario says how to prepare a backend so that every measured call does the same work
 * on both backends, and what the one measured call is:
 *
 * - stateless and read-only calls, and calls that do the same work every time (create a task,
 *   log, enter graceful shutdown), run back to back, in batches (`batch: true`);
 * - stateful calls get their state set up before each call, untimed (`before`), and cleaned up
 *   after it (`after`): e.g. `completeStepEvent` gets a freshly polled event each time and the
 *   task is cancelled afterwards, so the engine never accumulates work that later calls scan.
 *
 * The set-up mirrors `crates/tasker-core/src/bench.rs`, which times the core's own share of each
 * operation with the same fixture.
 */
import {
  OPERATIONS,
  type BootstrapConfig,
  type JsonObject,
  type OperationName,
  type StepEvent,
  type TaskerFfi,
} from '../src/contract.js';
import { ArgumentChecks } from '../src/validate.js';
import {
  BENCH_CONFIG,
  LOG_MESSAGE,
  checkpointData,
  checkpointedBatchOutcome,
  checkpointedRequest,
  completeOrThrow,
  eventsFirstResult,
  eventsRequest,
  FIXTURE_CONFIG,
  orderRequest,
  pollOrThrow,
  readFixture,
  resetEngine,
  smallContext,
  smallResult,
  successResult,
  taskWithCompletedFirstStep,
} from './fixtures.js';
import { PAYLOAD_SIZES, type PayloadSize } from './payloads.js';

/** The contract's checks (the policy both backends use by default), for the validation floors. */
const checks = new ArgumentChecks();

/** A backend prepared for one scenario. */
export interface Prepared {
  /** The measured call. */
  call(): unknown;
  /** Untimed, before each measured call. */
  before?(): void;
  /**
   * Untimed, after each sample: gets what the last call returned and how many calls the sample
   * made (more than one for batched scenarios).
   */
  after?(returned: unknown, calls: number): void;
  /** Once, after the last call. */
  finish?(): void;
}

export interface Scenario {
  op: OperationName;
  /** The payload size, for operations that carry free-form JSON; `null` otherwise. */
  size: PayloadSize | null;
  /** Consecutive calls do the same work with no set-up in between: time them in batches. */
  batch: boolean;
  /** What the payload is, for the report. */
  payloadRole?: string;
  prepare(ffi: TaskerFfi, payload: JsonObject | null): Prepared;
  /**
   * The contract layer's own input checks for this call (`validate.ts` and the JSON policy),
   * timed on their own as a floor; absent when the call has no free-form input.
   */
  validate?(payload: JsonObject): () => unknown;
  /** Why `payload` is not input this operation accepts (then the scenario is not run), or `null`. */
  refuses?(payload: JsonObject): string | null;
}

/**
 * Why tasker's server would refuse `context` (its limits, docs/engine.md: at most 1 MiB of JSON,
 * nesting depth 10, 1000 keys in all, strings of 10 000 characters), or `null`.
 */
export function contextLimitViolation(context: JsonObject): string | null {
  if (Buffer.byteLength(JSON.stringify(context), 'utf8') > 1 << 20) return 'more than 1 MiB of JSON';
  let keys = 0;
  const walk = (value: unknown, depth: number): string | null => {
    if (depth > 10) return 'nested deeper than 10 levels';
    if (Array.isArray(value)) {
      for (const item of value) {
        const why = walk(item, depth + 1);
        if (why !== null) return why;
      }
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.values(value);
      keys += entries.length;
      if (keys > 1000) return 'more than 1000 keys';
      for (const item of entries) {
        const why = walk(item, depth + 1);
        if (why !== null) return why;
      }
    } else if (typeof value === 'string' && [...value].length > 10_000) return 'a string longer than 10 000 characters';
    return null;
  };
  return walk(context, 1);
}

/** `clientCreateTask` -> `client_create_task` (the core's and the C ABI's name). */
export function coreName(op: OperationName): string {
  return op.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function scenarioName(s: Pick<Scenario, 'op' | 'size'>): string {
  return `${s.op} [${s.size?.label ?? '-'}]`;
}

/** Payload bytes one engine may keep before the create benchmark starts a fresh one (untimed). */
const RETAINED_PAYLOAD_LIMIT = 256 << 20;

const engineRunning = (ffi: TaskerFfi): Prepared['finish'] => () => resetEngine(ffi);

function simple(op: OperationName, call: (ffi: TaskerFfi) => unknown): Scenario {
  return {
    op,
    size: null,
    batch: true,
    prepare(ffi) {
      resetEngine(ffi);
      return { call: () => call(ffi) };
    },
  };
}

/**
 * A call that starts or stops the worker: `before` (untimed) puts the engine in the state the call
 * starts from; the engine is left running for the next scenario.
 */
function lifecycle(op: OperationName, before: (ffi: TaskerFfi) => void, call: (ffi: TaskerFfi) => unknown): Scenario {
  return {
    op,
    size: null,
    batch: false,
    prepare(ffi) {
      resetEngine(ffi);
      return { before: () => before(ffi), call: () => call(ffi), finish: engineRunning(ffi) };
    },
  };
}

/** Read-only calls against the read fixture (5 tasks, the first with a completed step). */
function reader(op: OperationName, call: (ffi: TaskerFfi, task: string, step: string) => unknown, finish = false): Scenario {
  return {
    op,
    size: null,
    batch: true,
    prepare(ffi) {
      const { taskUuid, stepUuid } = readFixture(ffi);
      return { call: () => call(ffi, taskUuid, stepUuid), ...(finish ? { finish: engineRunning(ffi) } : {}) };
    },
  };
}

const LOG_OPS = ['logError', 'logWarn', 'logInfo', 'logDebug', 'logTrace'] as const;

function logScenario(level: (typeof LOG_OPS)[number], size: PayloadSize): Scenario {
  return {
    op: level,
    size,
    batch: true,
    payloadRole: 'log fields',
    prepare(ffi, payload) {
      resetEngine(ffi);
      const fields = payload ?? undefined;
      return { call: () => ffi[level](LOG_MESSAGE, fields) };
    },
    validate: (payload) => () => checks.logFields(payload),
  };
}

/**
 * A stateful call on a task of its own: `setUp` creates the task (untimed, before each call) and
 * returns its uuid; after each call the answer is checked and the task cancelled, so the engine
 * never accumulates work that later calls scan.
 */
function onFreshTask(
  ffi: TaskerFfi,
  op: OperationName,
  setUp: () => string,
  call: () => unknown,
  accepts: (returned: unknown) => boolean,
): Prepared {
  let task = '';
  return {
    before() {
      task = setUp();
    },
    call,
    after(returned) {
      if (!accepts(returned)) throw new Error(`${op} returned ${String(returned)}`);
      ffi.clientCancelTask(task);
    },
  };
}

/** A step's answer to a freshly polled event, carrying the payload (`body`). */
interface SubmissionSpec<Body> {
  op: 'completeStepEvent' | 'checkpointYieldStepEvent';
  size: PayloadSize;
  payloadRole: string;
  config?: BootstrapConfig;
  /** Creates a task and polls the event the call answers (untimed). */
  next(ffi: TaskerFfi): { task: string; event: StepEvent };
  body(stepUuid: string, payload: JsonObject): Body;
  submit(ffi: TaskerFfi, eventId: string, body: Body): unknown;
  /** The contract's checks of `body` (the validation floor). */
  check(body: Body): unknown;
}

/** Any well-formed step uuid: the validation floor checks the body alone. */
const SOME_STEP_UUID = '00000000-0000-4000-8000-000000000000';

function submission<Body>(spec: SubmissionSpec<Body>): Scenario {
  return {
    op: spec.op,
    size: spec.size,
    batch: false,
    payloadRole: spec.payloadRole,
    prepare(ffi, payload) {
      resetEngine(ffi, spec.config);
      let eventId = '';
      let body: Body;
      return onFreshTask(
        ffi,
        spec.op,
        () => {
          const { task, event } = spec.next(ffi);
          eventId = event.eventId;
          body = spec.body(event.stepUuid, payload ?? smallResult());
          return task;
        },
        () => spec.submit(ffi, eventId, body),
        (returned) => returned === true,
      );
    },
    validate: (payload) => {
      const body = spec.body(SOME_STEP_UUID, payload);
      return () => spec.check(body);
    },
  };
}

function sized(size: PayloadSize): Scenario[] {
  return [
    {
      op: 'clientCreateTask',
      size,
      batch: true,
      payloadRole: 'task context',
      // tasker's server refuses large contexts of this shape (too many keys): not a benchmark.
      refuses: (payload) => {
        const why = contextLimitViolation(payload);
        return why === null ? null : `tasker refuses a task context with ${why}`;
      },
      prepare(ffi, payload) {
        resetEngine(ffi);
        const request = orderRequest(payload ?? smallContext());
        let retained = 0;
        return {
          call: () => ffi.clientCreateTask(request),
          after(_returned, calls) {
            retained += size.bytes * calls;
            if (retained > RETAINED_PAYLOAD_LIMIT) {
              resetEngine(ffi);
              retained = 0;
            }
          },
        };
      },
      validate: (payload) => {
        const request = orderRequest(payload);
        return () => checks.taskRequest(request);
      },
    },
    submission({
      op: 'completeStepEvent',
      size,
      payloadRole: 'step result',
      next(ffi) {
        const task = ffi.clientCreateTask(orderRequest()).task_uuid;
        return { task, event: pollOrThrow(ffi) };
      },
      body: successResult,
      submit: (ffi, eventId, result) => ffi.completeStepEvent(eventId, result),
      check: (result) => checks.stepExecutionResult(result),
    }),
    submission({
      op: 'checkpointYieldStepEvent',
      size,
      payloadRole: 'accumulated results',
      // Only a batch worker may yield: the `checkpointed` fixture (as the core floor).
      config: FIXTURE_CONFIG,
      next(ffi) {
        const task = ffi.clientCreateTask(checkpointedRequest()).task_uuid;
        completeOrThrow(ffi, pollOrThrow(ffi), checkpointedBatchOutcome());
        return { task, event: pollOrThrow(ffi) };
      },
      body: checkpointData,
      submit: (ffi, eventId, data) => ffi.checkpointYieldStepEvent(eventId, data),
      check: (data) => checks.checkpointYieldData(data),
    }),
    logScenario('logInfo', size),
    {
      op: 'pollStepEvents',
      size,
      batch: false,
      payloadRole: 'dependency result',
      prepare(ffi, payload) {
        resetEngine(ffi);
        return onFreshTask(
          ffi,
          'pollStepEvents',
          () => taskWithCompletedFirstStep(ffi, payload ?? smallResult()).task_uuid,
          () => ffi.pollStepEvents(),
          (returned) => returned !== null,
        );
      },
    },
  ];
}

/** Every scenario: each of the 28 operations once, and the free-form ones at every size. */
export function allScenarios(sizes: readonly PayloadSize[] = PAYLOAD_SIZES): Scenario[] {
  const smallest = PAYLOAD_SIZES[0] as PayloadSize;
  const list: Scenario[] = [
    simple('getVersion', (ffi) => ffi.getVersion()),
    simple('getRustVersion', (ffi) => ffi.getRustVersion()),
    simple('healthCheck', (ffi) => ffi.healthCheck()),
    simple('isWorkerRunning', (ffi) => ffi.isWorkerRunning()),
    lifecycle('bootstrapWorker', (ffi) => void ffi.stopWorker(), (ffi) => ffi.bootstrapWorker(BENCH_CONFIG)),
    reader('getWorkerStatus', (ffi) => ffi.getWorkerStatus()),
    lifecycle(
      'stopWorker',
      (ffi) => {
        if (!ffi.isWorkerRunning()) ffi.bootstrapWorker(BENCH_CONFIG);
      },
      (ffi) => ffi.stopWorker(),
    ),
    reader('transitionToGracefulShutdown', (ffi) => ffi.transitionToGracefulShutdown(), true),
    {
      op: 'pollInProcessEvents',
      size: null,
      batch: false,
      prepare(ffi) {
        // The `events` fixture's first step publishes exactly one in-process event (as the core floor).
        resetEngine(ffi, FIXTURE_CONFIG);
        return onFreshTask(
          ffi,
          'pollInProcessEvents',
          () => {
            const task = ffi.clientCreateTask(eventsRequest()).task_uuid;
            completeOrThrow(ffi, pollOrThrow(ffi), eventsFirstResult());
            return task;
          },
          () => ffi.pollInProcessEvents(),
          (returned) => returned !== null,
        );
      },
    },
    reader('getFfiDispatchMetrics', (ffi) => ffi.getFfiDispatchMetrics()),
    reader('checkStarvationWarnings', (ffi) => ffi.checkStarvationWarnings()),
    reader('cleanupTimeouts', (ffi) => ffi.cleanupTimeouts()),
    reader('clientGetTask', (ffi, task) => ffi.clientGetTask(task)),
    reader('clientListTasks', (ffi) => ffi.clientListTasks()),
    {
      op: 'clientCancelTask',
      size: null,
      batch: false,
      prepare(ffi) {
        resetEngine(ffi);
        let task = '';
        return {
          before: () => {
            task = ffi.clientCreateTask(orderRequest()).task_uuid;
          },
          call: () => ffi.clientCancelTask(task),
        };
      },
    },
    reader('clientListTaskSteps', (ffi, task) => ffi.clientListTaskSteps(task)),
    reader('clientGetStep', (ffi, task, step) => ffi.clientGetStep(task, step)),
    reader('clientGetStepAuditHistory', (ffi, task, step) => ffi.clientGetStepAuditHistory(task, step)),
    reader('clientHealthCheck', (ffi) => ffi.clientHealthCheck()),
  ];
  // The other log levels once, with the smallest fields; logInfo at every size below.
  for (const level of LOG_OPS.filter((l) => l !== 'logInfo')) list.push(logScenario(level, smallest));
  for (const size of sizes) list.push(...sized(size));
  const covered = new Set(list.map((s) => s.op));
  const missing = OPERATIONS.filter((op) => !covered.has(op));
  if (missing.length > 0) throw new Error(`bench: no scenario for ${missing.join(', ')}`);
  return list;
}
