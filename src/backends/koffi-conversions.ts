/**
 * Conversions between the contract (camelCase, `null` for absent) and the legacy bridge's JSON
 * (the Rust DTOs' historical snake_case field names, described by the ts-rs declarations in
 * `src/generated/legacy/`).
 *
 * Only the DTOs' own field names are converted, each one by name. Free-form JSON fields (context,
 * result, inputs, cursor, payload, custom, handler_initialization, options, accumulated_results,
 * log fields, error.context, orchestration_metadata) are passed through untouched: their keys
 * belong to the user, never to this mapping.
 *
 * Inputs reaching the `toLegacy…` functions have already been checked and normalised by
 * `validate.ts` (absent optional fields are left out, which `JSON.stringify` keeps out).
 */
import type {
  BootstrapConfig,
  BootstrapResult,
  Checkpoint,
  CheckpointYieldData,
  DependencyResult,
  DispatchMetrics,
  DomainEvent,
  JsonValue,
  ListTasksParams,
  StepDefinition,
  StepEvent,
  StepExecutionResult,
  TaskInfo,
  TaskRequest,
  WorkerStatus,
  WorkflowStep,
} from '../contract.js';
import type { BootstrapResult as LegacyBootstrapResult } from '../generated/legacy/BootstrapResult.js';
import type { CheckpointYieldData as LegacyCheckpoint } from '../generated/legacy/CheckpointYieldData.js';
import type { DependencyResult as LegacyDependencyResult } from '../generated/legacy/DependencyResult.js';
import type { DispatchMetrics as LegacyDispatchMetrics } from '../generated/legacy/DispatchMetrics.js';
import type { DomainEvent as LegacyDomainEvent } from '../generated/legacy/DomainEvent.js';
import type { StepDefinition as LegacyStepDefinition } from '../generated/legacy/StepDefinition.js';
import type { StepEvent as LegacyStepEvent } from '../generated/legacy/StepEvent.js';
import type { TaskInfo as LegacyTaskInfo } from '../generated/legacy/TaskInfo.js';
import type { WorkerStatus as LegacyWorkerStatus } from '../generated/legacy/WorkerStatus.js';
import type { WorkflowStep as LegacyWorkflowStep } from '../generated/legacy/WorkflowStep.js';

export type {
  LegacyBootstrapResult,
  LegacyCheckpoint,
  LegacyDispatchMetrics,
  LegacyDomainEvent,
  LegacyStepEvent,
  LegacyWorkerStatus,
};

// ---------------------------------------------------------------------------------------------
// Inputs: contract -> legacy JSON
//
// The wire shapes of the inputs are declared here rather than taken from ts-rs: they say exactly
// what this adapter writes (JS numbers for the i64 `execution_time_ms`, no `requested_at` unless
// the caller gave one), whatever the generated declarations make of Rust's types.
// ---------------------------------------------------------------------------------------------

export interface LegacyBootstrapConfigJson {
  seed?: number;
  clock_start?: string;
  clock_tick_ms?: number;
  template_path?: string;
  namespaces?: string[];
  log_level?: string;
  step_timeout_ms?: number;
  starvation_threshold_ms?: number;
}

export interface LegacyTaskRequestJson {
  name: string;
  namespace: string;
  version: string;
  context: JsonValue;
  initiator: string;
  source_system: string;
  reason: string;
  tags?: string[];
  priority?: number;
  correlation_id?: string;
  parent_correlation_id?: string;
  idempotency_key?: string;
  options?: JsonValue;
  requested_at?: string;
}

export interface LegacyListTasksParamsJson {
  page?: number;
  per_page?: number;
  namespace?: string;
  status?: string;
}

export interface LegacyStepExecutionResultJson {
  step_uuid: string;
  success: boolean;
  result: JsonValue;
  status: string;
  metadata: {
    execution_time_ms: number;
    worker_id?: string;
    completed_at: string;
    retryable?: boolean;
    error_type?: string;
    error_code?: string;
    custom?: JsonValue;
  };
  error?: {
    message: string;
    error_type?: string;
    retryable?: boolean;
    status_code?: number;
    backtrace?: string[];
    context?: JsonValue;
  };
  orchestration_metadata?: JsonValue;
}

export interface LegacyCheckpointYieldDataJson {
  step_uuid: string;
  cursor: JsonValue;
  items_processed: number;
  accumulated_results?: JsonValue;
}

export function toLegacyBootstrapConfig(config: BootstrapConfig): LegacyBootstrapConfigJson {
  return {
    seed: config.seed,
    clock_start: config.clockStart,
    clock_tick_ms: config.clockTickMs,
    template_path: config.templatePath,
    namespaces: config.namespaces,
    log_level: config.logLevel,
    step_timeout_ms: config.stepTimeoutMs,
    starvation_threshold_ms: config.starvationThresholdMs,
  };
}

export function toLegacyTaskRequest(request: TaskRequest): LegacyTaskRequestJson {
  return {
    name: request.name,
    namespace: request.namespace,
    version: request.version,
    context: request.context,
    initiator: request.initiator,
    source_system: request.sourceSystem,
    reason: request.reason,
    tags: request.tags,
    priority: request.priority,
    correlation_id: request.correlationId,
    parent_correlation_id: request.parentCorrelationId,
    idempotency_key: request.idempotencyKey,
    options: request.options,
    requested_at: request.requestedAt,
  };
}

export function toLegacyListParams(params: ListTasksParams): LegacyListTasksParamsJson {
  return {
    page: params.page,
    per_page: params.perPage,
    namespace: params.namespace,
    status: params.status,
  };
}

export function toLegacyStepResult(result: StepExecutionResult): LegacyStepExecutionResultJson {
  const { metadata, error } = result;
  return {
    step_uuid: result.stepUuid,
    success: result.success,
    result: result.result,
    status: result.status,
    metadata: {
      execution_time_ms: metadata.executionTimeMs,
      worker_id: metadata.workerId,
      completed_at: metadata.completedAt,
      retryable: metadata.retryable,
      error_type: metadata.errorType,
      error_code: metadata.errorCode,
      custom: metadata.custom,
    },
    error:
      error === undefined
        ? undefined
        : {
            message: error.message,
            error_type: error.errorType,
            retryable: error.retryable,
            status_code: error.statusCode,
            backtrace: error.backtrace,
            context: error.context,
          },
    orchestration_metadata: result.orchestrationMetadata,
  };
}

export function toLegacyCheckpoint(data: CheckpointYieldData): LegacyCheckpointYieldDataJson {
  return {
    step_uuid: data.stepUuid,
    cursor: data.cursor,
    items_processed: data.itemsProcessed,
    accumulated_results: data.accumulatedResults,
  };
}

// ---------------------------------------------------------------------------------------------
// Outputs: legacy JSON -> contract
// ---------------------------------------------------------------------------------------------

/** Free-form JSON read back from the library; `undefined` (a missing key) reads as `null`. */
const json = (value: unknown): JsonValue => (value === undefined ? null : (value as JsonValue));
const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

export function fromLegacyBootstrapResult(data: LegacyBootstrapResult): BootstrapResult {
  return {
    success: data.success,
    status: data.status,
    message: data.message,
    workerId: data.worker_id,
  };
}

export function fromLegacyWorkerStatus(data: LegacyWorkerStatus): WorkerStatus {
  return {
    success: data.success,
    running: data.running,
    status: data.status,
    workerId: orNull(data.worker_id),
    inFlight: data.in_flight,
  };
}

export function fromLegacyTaskInfo(data: LegacyTaskInfo): TaskInfo {
  return {
    taskUuid: data.task_uuid,
    name: data.name,
    namespace: data.namespace,
    version: data.version,
    context: json(data.context),
    correlationId: data.correlation_id,
    parentCorrelationId: orNull(data.parent_correlation_id),
    initiator: data.initiator,
    sourceSystem: data.source_system,
    reason: data.reason,
    priority: orNull(data.priority),
    createdAt: data.created_at,
  };
}

export function fromLegacyCheckpoint(data: LegacyCheckpoint): Checkpoint {
  return {
    stepUuid: data.step_uuid,
    cursor: json(data.cursor),
    itemsProcessed: data.items_processed,
    accumulatedResults: json(data.accumulated_results),
  };
}

export function fromLegacyWorkflowStep(data: LegacyWorkflowStep): WorkflowStep {
  return {
    workflowStepUuid: data.workflow_step_uuid,
    taskUuid: data.task_uuid,
    name: data.name,
    attempts: data.attempts,
    maxAttempts: data.max_attempts,
    retryable: data.retryable,
    inputs: json(data.inputs),
    checkpoint: data.checkpoint == null ? null : fromLegacyCheckpoint(data.checkpoint),
    createdAt: data.created_at,
  };
}

export function fromLegacyStepDefinition(data: LegacyStepDefinition): StepDefinition {
  return {
    name: data.name,
    description: orNull(data.description),
    handlerCallable: data.handler_callable,
    handlerInitialization: json(data.handler_initialization),
    dependencies: data.dependencies,
    maxAttempts: data.max_attempts,
    retryable: data.retryable,
    backoffBaseMs: data.backoff_base_ms,
    timeoutMs: orNull(data.timeout_ms),
  };
}

export function fromLegacyDependencyResult(data: LegacyDependencyResult): DependencyResult {
  return {
    stepUuid: data.step_uuid,
    success: data.success,
    result: json(data.result),
    status: data.status,
    errorMessage: orNull(data.error_message),
    errorType: orNull(data.error_type),
    errorRetryable: orNull(data.error_retryable),
  };
}

export function fromLegacyStepEvent(data: LegacyStepEvent): StepEvent {
  const dependencyResults: Record<string, DependencyResult> = {};
  for (const [name, result] of Object.entries(data.dependency_results)) {
    if (result !== undefined) dependencyResults[name] = fromLegacyDependencyResult(result);
  }
  return {
    eventId: data.event_id,
    taskUuid: data.task_uuid,
    stepUuid: data.step_uuid,
    correlationId: data.correlation_id,
    traceId: orNull(data.trace_id),
    spanId: orNull(data.span_id),
    task: fromLegacyTaskInfo(data.task),
    workflowStep: fromLegacyWorkflowStep(data.workflow_step),
    stepDefinition: fromLegacyStepDefinition(data.step_definition),
    dependencyResults,
  };
}

export function fromLegacyDomainEvent(data: LegacyDomainEvent): DomainEvent {
  const m = data.metadata;
  return {
    eventId: data.event_id,
    eventName: data.event_name,
    eventVersion: data.event_version,
    metadata: {
      taskUuid: m.task_uuid,
      stepUuid: orNull(m.step_uuid),
      stepName: orNull(m.step_name),
      namespace: m.namespace,
      correlationId: m.correlation_id,
      firedAt: m.fired_at,
      firedBy: m.fired_by,
    },
    payload: json(data.payload),
  };
}

export function fromLegacyDispatchMetrics(data: LegacyDispatchMetrics): DispatchMetrics {
  return {
    pendingCount: data.pending_count,
    inFlightCount: data.in_flight_count,
    completedCount: data.completed_count,
    failedCount: data.failed_count,
    retriedCount: data.retried_count,
    checkpointCount: data.checkpoint_count,
    timedOutCount: data.timed_out_count,
    starvationWarnings: data.starvation_warnings,
    oldestPendingAgeMs: orNull(data.oldest_pending_age_ms),
    starvationDetected: data.starvation_detected,
  };
}
