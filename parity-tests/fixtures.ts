/**
 * The one fixture module of the harness: the requests, results and messages that the suites, the
 * benchmarks, the soak and the scripts build through a backend. (The Rust tests and the core floor
 * share theirs in crates/tasker-core/tests/common.)
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
} from '../src/contract.js';

/** The steps of `ecommerce/order_processing`, in order (a linear template we ship). */
export const ORDER_STEPS = ['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation'] as const;

export const LOG_MESSAGE = 'harness log record';

/** A request for the template `namespace/name` v1.0.0. */
export function taskRequest(namespace: string, name: string, context: JsonValue = { order_id: 1 }, overrides: Partial<TaskRequest> = {}): TaskRequest {
  return {
    name,
    namespace,
    version: '1.0.0',
    context,
    initiator: 'tasker-ffi-parity',
    sourceSystem: 'harness',
    reason: 'harness run',
    ...overrides,
  };
}

/** `ecommerce/order_processing`: linear, 4 steps. */
export const orderRequest = (context: JsonValue = { order_id: 1 }, overrides: Partial<TaskRequest> = {}): TaskRequest =>
  taskRequest('ecommerce', 'order_processing', context, overrides);

/** `analytics/report`: a diamond, 4 steps. */
export const reportRequest = (context: JsonValue = { report_id: 1 }, overrides: Partial<TaskRequest> = {}): TaskRequest =>
  taskRequest('analytics', 'report', context, overrides);

/** `batch/import`: its second step may checkpoint-yield. */
export const importRequest = (context: JsonValue = { import_id: 1 }, overrides: Partial<TaskRequest> = {}): TaskRequest =>
  taskRequest('batch', 'import', context, overrides);

const metadata = (): StepExecutionResult['metadata'] => ({ executionTimeMs: 1, completedAt: '2026-01-01T00:00:00.000Z' });

/** A successful result of the step `stepUuid` (or of the event's step); `metadata` replaces fields of the fixed metadata. */
export function successResult(
  step: string | Pick<StepEvent, 'stepUuid'>,
  result: JsonValue = { ok: true },
  metadataFields: Partial<StepExecutionResult['metadata']> = {},
): StepExecutionResult {
  return { stepUuid: typeof step === 'string' ? step : step.stepUuid, success: true, result, status: 'completed', metadata: { ...metadata(), ...metadataFields } };
}

/** A failure; `retryable: false` makes it permanent (tasker decides by `metadata.retryable`). */
export function failureResult(step: string | Pick<StepEvent, 'stepUuid'>, message: string, options: { retryable?: boolean } = {}): StepExecutionResult {
  const retryable = options.retryable ?? true;
  return {
    stepUuid: typeof step === 'string' ? step : step.stepUuid,
    success: false,
    result: {},
    status: retryable ? 'failed' : 'error',
    metadata: { ...metadata(), retryable },
    error: { message, errorType: 'HarnessError', retryable },
  };
}

/** A checkpoint at offset 100 whose accumulated results are `accumulatedResults`. */
export function checkpointData(stepUuid: string, accumulatedResults: JsonObject = { sum: 1 }): CheckpointYieldData {
  return { stepUuid, cursor: { offset: 100 }, itemsProcessed: 100, accumulatedResults };
}

/** A fresh engine on `ffi`: stops the running one (and all its state), then bootstraps with `config`. */
export function resetEngine(ffi: TaskerFfi, config: BootstrapConfig = { seed: 7 }): void {
  if (ffi.isWorkerRunning()) ffi.stopWorker();
  ffi.bootstrapWorker(config);
}

/** Our step-type fixtures (namespace `fixtures`): pass as `templatePath` to bootstrap with them. */
export const STEP_TYPE_TEMPLATES = 'crates/tasker-core/tests/fixtures/templates/step_types';

/** A request for the fixture template `fixtures/<name>` (needs `templatePath: STEP_TYPE_TEMPLATES`). */
export const fixtureRequest = (name: string, context: JsonValue = { order_id: 1 }, overrides: Partial<TaskRequest> = {}): TaskRequest =>
  taskRequest('fixtures', name, context, overrides);

/** A batchable step's result that creates one batch worker of `workerTemplate` over items 0..100. */
export const oneBatchOutcome = (workerTemplate: string): JsonObject => ({
  batch_processing_outcome: {
    type: 'create_batches',
    worker_template_name: workerTemplate,
    worker_count: 1,
    total_items: 100,
    cursor_configs: [{ batch_id: '001', start_cursor: 0, end_cursor: 100, batch_size: 100 }],
  },
});
