/**
 * The one wire mapping: the contract (camelCase, `null` for absent) to and from the wire JSON of
 * the koffi-era C ABI, which both transports carry (docs/legacy-abi.md). The wire types are the
 * ts-rs declarations generated from the Rust DTOs (`src/generated/legacy/`); nothing here
 * redeclares them.
 *
 * Only the DTOs' own field names are mapped, each one by name. Free-form JSON (context, result,
 * inputs, results, checkpoint, cursor, payload, custom, initialization, options, accumulated
 * results, log fields, error context, orchestration metadata) passes through untouched: its keys
 * belong to the user. Inputs reaching the `toWire…` functions are already checked and normalised
 * (validate.ts): absent optional fields are left out, which `JSON.stringify` keeps out.
 */
import type {
  BootstrapConfig,
  BootstrapResult,
  CheckpointYieldData,
  DependencyResult,
  DispatchMetrics,
  DomainEvent,
  JsonObject,
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
import type { BootstrapConfig as WireBootstrapConfig } from '../generated/legacy/BootstrapConfig.js';
import type { BootstrapResultDto } from '../generated/legacy/BootstrapResultDto.js';
import type { CheckpointYieldData as WireCheckpoint } from '../generated/legacy/CheckpointYieldData.js';
import type { DependencyResultDto } from '../generated/legacy/DependencyResultDto.js';
import type { DispatchMetricsDto } from '../generated/legacy/DispatchMetricsDto.js';
import type { DomainEventDto } from '../generated/legacy/DomainEventDto.js';
import type { ListTasksParams as WireListTasksParams } from '../generated/legacy/ListTasksParams.js';
import type { StepDefinitionDto } from '../generated/legacy/StepDefinitionDto.js';
import type { StepEventDto } from '../generated/legacy/StepEventDto.js';
import type { StepExecutionResult as WireStepResult } from '../generated/legacy/StepExecutionResult.js';
import type { StopResultDto } from '../generated/legacy/StopResultDto.js';
import type { TaskDto } from '../generated/legacy/TaskDto.js';
import type { TaskRequest as WireTaskRequest } from '../generated/legacy/TaskRequest.js';
import type { TransitionResultDto } from '../generated/legacy/TransitionResultDto.js';
import type { WorkerStatusDto } from '../generated/legacy/WorkerStatusDto.js';
import type { WorkflowStepDto } from '../generated/legacy/WorkflowStepDto.js';

export type {
  BootstrapResultDto,
  DispatchMetricsDto,
  DomainEventDto,
  StepEventDto,
  StopResultDto,
  TransitionResultDto,
  WorkerStatusDto,
};

/** Free-form JSON read back; a missing key reads as `null`. */
const json = (value: unknown): JsonValue => (value === undefined ? null : (value as JsonValue));
const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

// ---------------------------------------------------------------------------------------------
// Inputs: contract -> wire
// ---------------------------------------------------------------------------------------------

export function toWireBootstrapConfig(config: BootstrapConfig): WireBootstrapConfig {
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

export function toWireTaskRequest(request: TaskRequest): WireTaskRequest {
  return {
    name: request.name,
    namespace: request.namespace,
    version: request.version,
    context: request.context,
    initiator: request.initiator,
    source_system: request.sourceSystem,
    reason: request.reason,
    tags: request.tags ?? [], // serde default: absent is empty
    priority: request.priority,
    correlation_id: request.correlationId,
    parent_correlation_id: request.parentCorrelationId,
    idempotency_key: request.idempotencyKey,
    options: request.options,
    requested_at: request.requestedAt,
  };
}

export function toWireListParams(params: ListTasksParams): WireListTasksParams {
  return { limit: params.limit, offset: params.offset, namespace: params.namespace, status: params.status };
}

/**
 * The completion as the wire parses it (tasker's `StepExecutionResult`). The defaults the two
 * historical bridges disagreed on are written out, as the napi era chose them: `metadata.retryable`
 * true, `error.retryable` false.
 */
export function toWireStepResult(result: StepExecutionResult): WireStepResult {
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
      retryable: metadata.retryable ?? true,
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
            retryable: error.retryable ?? false,
            status_code: error.statusCode,
            backtrace: error.backtrace,
            context: error.context,
          },
    orchestration_metadata: result.orchestrationMetadata,
  } as WireStepResult;
}

export function toWireCheckpoint(data: CheckpointYieldData): WireCheckpoint {
  return {
    step_uuid: data.stepUuid,
    cursor: data.cursor,
    items_processed: data.itemsProcessed,
    accumulated_results: data.accumulatedResults,
  } as WireCheckpoint;
}

// ---------------------------------------------------------------------------------------------
// Outputs: wire -> contract
// ---------------------------------------------------------------------------------------------

export function fromWireBootstrapResult(data: BootstrapResultDto): BootstrapResult {
  return { success: data.success, status: data.status, message: data.message, workerId: data.worker_id ?? '' };
}

/** `get_worker_status`: the running shape (`worker_core_status`, …) or the stopped one (`status`). */
export function fromWireWorkerStatus(data: WorkerStatusDto): WorkerStatus {
  return {
    success: data.success,
    running: data.running,
    status: data.worker_core_status ?? data.status ?? (data.running ? 'Running' : 'stopped'),
    workerId: orNull(data.worker_id),
    environment: orNull(data.environment),
  };
}

export function fromWireStopResult(data: StopResultDto): WorkerStatus {
  return { success: data.success, running: false, status: data.status, workerId: orNull(data.worker_id), environment: null };
}

/** The worker keeps running while it drains (tasker's `running` stays true until stop). */
export function fromWireTransitionResult(data: TransitionResultDto): WorkerStatus {
  return { success: data.success, running: true, status: data.status, workerId: orNull(data.worker_id), environment: null };
}

export function fromWireTask(data: TaskDto): TaskInfo {
  return {
    taskUuid: data.task_uuid,
    namedTaskUuid: data.named_task_uuid,
    name: data.name,
    namespace: data.namespace,
    version: data.version,
    context: json(data.context),
    correlationId: data.correlation_id,
    parentCorrelationId: orNull(data.parent_correlation_id),
    complete: data.complete,
    priority: data.priority,
    initiator: orNull(data.initiator),
    sourceSystem: orNull(data.source_system),
    reason: orNull(data.reason),
    tags: json(data.tags),
    identityHash: data.identity_hash,
    createdAt: data.created_at,
    updatedAt: data.updated_at,
    requestedAt: data.requested_at,
  };
}

export function fromWireWorkflowStep(data: WorkflowStepDto): WorkflowStep {
  return {
    workflowStepUuid: data.workflow_step_uuid,
    taskUuid: data.task_uuid,
    namedStepUuid: data.named_step_uuid,
    name: data.name,
    templateStepName: data.template_step_name,
    retryable: data.retryable,
    maxAttempts: data.max_attempts,
    attempts: data.attempts,
    inProcess: data.in_process,
    processed: data.processed,
    inputs: json(data.inputs),
    results: json(data.results),
    backoffRequestSeconds: orNull(data.backoff_request_seconds),
    processedAt: orNull(data.processed_at),
    lastAttemptedAt: orNull(data.last_attempted_at),
    createdAt: data.created_at,
    updatedAt: data.updated_at,
    checkpoint: json(data.checkpoint),
  };
}

export function fromWireStepDefinition(data: StepDefinitionDto): StepDefinition {
  const { handler, retry } = data;
  return {
    name: data.name,
    description: orNull(data.description),
    handler: {
      callable: handler.callable,
      // tasker leaves `method` and `resolver` out of the JSON when they are not set.
      method: orNull(handler.method),
      resolver: orNull(handler.resolver),
      initialization: (handler.initialization ?? {}) as JsonObject,
    },
    systemDependency: orNull(data.system_dependency),
    dependencies: data.dependencies,
    timeoutSeconds: orNull(data.timeout_seconds),
    retry: {
      retryable: retry.retryable,
      maxAttempts: retry.max_attempts,
      backoff: retry.backoff,
      backoffBaseMs: orNull(retry.backoff_base_ms),
      maxBackoffMs: orNull(retry.max_backoff_ms),
    },
  };
}

export function fromWireDependencyResult(data: DependencyResultDto): DependencyResult {
  const error = data.error;
  return {
    stepUuid: data.step_uuid,
    success: data.success,
    result: json(data.result),
    status: data.status,
    error:
      error == null
        ? null
        : {
            message: error.message,
            errorType: orNull(error.error_type),
            retryable: error.retryable,
            statusCode: orNull(error.status_code),
            backtrace: orNull(error.backtrace),
          },
  };
}

export function fromWireStepEvent(data: StepEventDto): StepEvent {
  // Keys are step names, i.e. data: an own property each, never a prototype (JSON.parse makes
  // `__proto__` an own key; so does defining it here).
  const dependencyResults: Record<string, DependencyResult> = {};
  for (const [name, result] of Object.entries(data.dependency_results)) {
    if (result !== undefined) {
      Object.defineProperty(dependencyResults, name, {
        value: fromWireDependencyResult(result),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return {
    eventId: data.event_id,
    taskUuid: data.task_uuid,
    stepUuid: data.step_uuid,
    correlationId: data.correlation_id,
    traceId: orNull(data.trace_id),
    spanId: orNull(data.span_id),
    taskCorrelationId: data.task_correlation_id,
    parentCorrelationId: orNull(data.parent_correlation_id),
    task: fromWireTask(data.task),
    workflowStep: fromWireWorkflowStep(data.workflow_step),
    stepDefinition: fromWireStepDefinition(data.step_definition),
    dependencyResults,
  };
}

/** The koffi-era domain event is camelCase already. */
export function fromWireDomainEvent(data: DomainEventDto): DomainEvent {
  const m = data.metadata;
  return {
    eventId: data.eventId,
    eventName: data.eventName,
    eventVersion: data.eventVersion,
    metadata: {
      taskUuid: m.taskUuid,
      stepUuid: orNull(m.stepUuid),
      stepName: orNull(m.stepName),
      namespace: m.namespace,
      correlationId: m.correlationId,
      firedAt: m.firedAt,
      firedBy: m.firedBy ?? '',
    },
    payload: json(data.payload),
  };
}

export function fromWireDispatchMetrics(data: DispatchMetricsDto): DispatchMetrics {
  return {
    pendingCount: data.pending_count,
    starvationDetected: data.starvation_detected,
    starvingEventCount: data.starving_event_count,
    oldestPendingAgeMs: orNull(data.oldest_pending_age_ms),
    newestPendingAgeMs: orNull(data.newest_pending_age_ms),
    oldestEventId: orNull(data.oldest_event_id),
  };
}
