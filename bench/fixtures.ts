/**
 * The benchmark fixture, built through a backend from the harness fixtures (parity-tests/fixtures.ts).
 * The core floor (crates/tasker-core/benches/core_floor.rs) times the same operations with the same
 * set-up natively, from the Rust tests' fixtures. Every engine is seeded with a clock that does not move (tick 0), so no retry, starvation
 * warning or timeout ever changes the work an iteration does.
 */
import type {
  BootstrapConfig,
  CheckpointYieldData,
  JsonObject,
  JsonValue,
  StepEvent,
  TaskerFfi,
  TaskRequest,
  TaskResponse,
} from '../src/contract.js';

import path from 'node:path';

import { packageRoot } from '../src/backends/locate.js';
import {
  checkpointData as harnessCheckpoint,
  fixtureRequest,
  LOG_MESSAGE,
  oneBatchOutcome,
  orderRequest as harnessOrder,
  STEP_TYPE_TEMPLATES,
  successResult,
} from '../parity-tests/fixtures.js';

export { LOG_MESSAGE, successResult };

export const BENCH_SEED = 7;
export const BENCH_CONFIG: BootstrapConfig = { seed: BENCH_SEED, clockTickMs: 0 };
/** The same, with our step-type fixtures (as the core floor's `fixture_engine`). */
export const FIXTURE_CONFIG: BootstrapConfig = { ...BENCH_CONFIG, templatePath: path.join(packageRoot(), STEP_TYPE_TEMPLATES) };

/** The context of tasks whose payload is elsewhere. */
export const smallContext = (): JsonObject => ({ order_id: 1, customer: 'bench' });
export const smallResult = (): JsonObject => ({ ok: true });

/** Tasks in the engine of the read-only benchmarks. */
export const READ_FIXTURE_TASKS = 5;

/** An `ecommerce/order_processing` request (linear, 4 steps). */
export const orderRequest = (context: JsonValue = smallContext()): TaskRequest => harnessOrder(context);

/** A `fixtures/checkpointed` request: a batchable step, then one batch worker that may yield. */
export const checkpointedRequest = (): TaskRequest => fixtureRequest('checkpointed', smallContext());

/** The result of `checkpointed`'s batchable step that creates its one batch worker. */
export const checkpointedBatchOutcome = (): JsonObject => oneBatchOutcome('chew');

/** A `fixtures/events` request: its first step publishes one in-process event on success. */
export const eventsRequest = (): TaskRequest => fixtureRequest('events', smallContext());

/** The result of `events`' first step that satisfies its event schema. */
export const eventsFirstResult = (): JsonObject => ({ member_id: 'bench' });

export const checkpointData = (stepUuid: string, accumulatedResults: JsonObject): CheckpointYieldData => harnessCheckpoint(stepUuid, accumulatedResults);

/** A fresh engine on `ffi` (stops the running one, with all its state). */
export function resetEngine(ffi: TaskerFfi, config: BootstrapConfig = BENCH_CONFIG): void {
  if (ffi.isWorkerRunning()) ffi.stopWorker();
  ffi.bootstrapWorker(config);
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
  return { taskUuid: probe.task_uuid, stepUuid: step.workflow_step_uuid };
}
