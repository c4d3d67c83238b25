/**
 * The benchmark fixture, built through a backend. It mirrors `crates/tasker-core/src/bench.rs`
 * (the "core" floor times the same operations with the same set-up natively): keep the two in
 * step. Every engine is seeded with a clock that does not move (tick 0), so no retry, starvation
 * warning or timeout ever changes the work an iteration does.
 */
import type {
  BootstrapConfig,
  CheckpointYieldData,
  JsonObject,
  JsonValue,
  StepEvent,
  StepExecutionResult,
  TaskerFfi,
  TaskRequest,
  TaskResponse,
} from '../src/contract.js';

export const BENCH_SEED = 7;
export const BENCH_CONFIG: BootstrapConfig = { seed: BENCH_SEED, clockTickMs: 0 };

/** The context of tasks whose payload is elsewhere. */
export const smallContext = (): JsonObject => ({ order_id: 1, customer: 'bench' });
export const smallResult = (): JsonObject => ({ ok: true });

export const LOG_MESSAGE = 'benchmark log record';
/** Tasks in the engine of the read-only benchmarks. */
export const READ_FIXTURE_TASKS = 5;

/** An `ecommerce/order_processing` request (linear, 4 steps). */
export function orderRequest(context: JsonValue = smallContext()): TaskRequest {
  return {
    name: 'order_processing',
    namespace: 'ecommerce',
    version: '1.0.0',
    context,
    initiator: 'bench',
    sourceSystem: 'tasker-ffi-bench',
    reason: 'call-overhead benchmark',
  };
}

/** A `batch/import` request: its second step may checkpoint-yield. */
export function importRequest(): TaskRequest {
  return { ...orderRequest(), name: 'import', namespace: 'batch' };
}

export function successResult(stepUuid: string, result: JsonValue): StepExecutionResult {
  return {
    stepUuid,
    success: true,
    result,
    status: 'completed',
    metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:00.000Z' },
  };
}

export function checkpointData(stepUuid: string, accumulatedResults: JsonValue): CheckpointYieldData {
  return { stepUuid, cursor: { offset: 100 }, itemsProcessed: 100, accumulatedResults };
}

/** A fresh engine on `ffi` (stops the running one, with all its state). */
export function resetEngine(ffi: TaskerFfi): void {
  if (ffi.isWorkerRunning()) ffi.stopWorker();
  ffi.bootstrapWorker(BENCH_CONFIG);
}

export function pollOrThrow(ffi: TaskerFfi): StepEvent {
  const event = ffi.pollStepEvents();
  if (event === null) throw new Error(`bench fixture (${ffi.backend}): no step was ready`);
  return event;
}

export function completeOrThrow(ffi: TaskerFfi, event: StepEvent, result: JsonValue): void {
  if (!ffi.completeStepEvent(event.eventId, successResult(event.stepUuid, result))) {
    throw new Error(`bench fixture (${ffi.backend}): event ${event.eventId} was not in flight`);
  }
}

/** An order task whose first step completed with `result`: its second step is ready. */
export function taskWithCompletedFirstStep(ffi: TaskerFfi, result: JsonValue): TaskResponse {
  const task = ffi.clientCreateTask(orderRequest());
  completeOrThrow(ffi, pollOrThrow(ffi), result);
  return task;
}

export interface ReadFixture {
  taskUuid: string;
  stepUuid: string;
}

/** A fresh engine with `READ_FIXTURE_TASKS` order tasks; the first has its first step completed. */
export function readFixture(ffi: TaskerFfi): ReadFixture {
  resetEngine(ffi);
  const probe = taskWithCompletedFirstStep(ffi, smallResult());
  for (let i = 1; i < READ_FIXTURE_TASKS; i += 1) ffi.clientCreateTask(orderRequest());
  const step = probe.steps[0];
  if (step === undefined) throw new Error('bench fixture: task without steps');
  return { taskUuid: probe.task_uuid, stepUuid: step.step_uuid };
}
