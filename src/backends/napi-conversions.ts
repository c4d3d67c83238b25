/**
 * Conversions between the contract and the napi addon's `Napi…` objects.
 *
 * The field names already agree (napi-rs camelCases the Rust DTOs), so these functions exist for
 * the two places where the shapes differ by nature: absent optional outputs (napi-rs leaves
 * `None` out, i.e. `undefined`; the contract says `null`), and inputs, which are rebuilt field by
 * field so that only the DTO's own fields cross the boundary. Free-form JSON is passed through
 * untouched, by reference.
 *
 * Inputs reaching the `toNapi…` functions have already been checked by `validate.ts`.
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
import type {
  NapiBootstrapConfig,
  NapiBootstrapResult,
  NapiCheckpointYieldData,
  NapiDependencyResult,
  NapiDispatchMetrics,
  NapiDomainEvent,
  NapiListTasksParams,
  NapiStepDefinition,
  NapiStepEvent,
  NapiStepExecutionResult,
  NapiTaskInfo,
  NapiTaskRequest,
  NapiWorkerStatus,
  NapiWorkflowStep,
} from './napi-addon.js';

const json = (value: unknown): JsonValue => (value === undefined ? null : (value as JsonValue));
const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

// ---------------------------------------------------------------------------------------------
// Inputs: contract -> napi
// ---------------------------------------------------------------------------------------------

export function toNapiBootstrapConfig(config: BootstrapConfig): NapiBootstrapConfig {
  return {
    seed: config.seed,
    clockStart: config.clockStart,
    clockTickMs: config.clockTickMs,
    templatePath: config.templatePath,
    namespaces: config.namespaces,
    logLevel: config.logLevel,
    stepTimeoutMs: config.stepTimeoutMs,
    starvationThresholdMs: config.starvationThresholdMs,
  };
}

export function toNapiTaskRequest(request: TaskRequest): NapiTaskRequest {
  return {
    name: request.name,
    namespace: request.namespace,
    version: request.version,
    context: request.context,
    initiator: request.initiator,
    sourceSystem: request.sourceSystem,
    reason: request.reason,
    tags: request.tags,
    priority: request.priority,
    correlationId: request.correlationId,
    parentCorrelationId: request.parentCorrelationId,
    idempotencyKey: request.idempotencyKey,
    options: request.options,
    requestedAt: request.requestedAt,
  };
}

export function toNapiListParams(params: ListTasksParams | undefined): NapiListTasksParams {
  // The addon takes a params object where the C ABI takes NULL for "defaults".
  if (params === undefined) return {};
  return {
    page: params.page,
    perPage: params.perPage,
    namespace: params.namespace,
    status: params.status,
  };
}

export function toNapiStepResult(result: StepExecutionResult): NapiStepExecutionResult {
  const { metadata, error } = result;
  return {
    stepUuid: result.stepUuid,
    success: result.success,
    result: result.result,
    status: result.status,
    metadata: {
      executionTimeMs: metadata.executionTimeMs,
      workerId: metadata.workerId,
      completedAt: metadata.completedAt,
      retryable: metadata.retryable,
      errorType: metadata.errorType,
      errorCode: metadata.errorCode,
      custom: metadata.custom,
    },
    error:
      error === undefined
        ? undefined
        : {
            message: error.message,
            errorType: error.errorType,
            retryable: error.retryable,
            statusCode: error.statusCode,
            backtrace: error.backtrace,
            context: error.context,
          },
    orchestrationMetadata: result.orchestrationMetadata,
  };
}

export function toNapiCheckpoint(data: CheckpointYieldData): NapiCheckpointYieldData {
  return {
    stepUuid: data.stepUuid,
    cursor: data.cursor,
    itemsProcessed: data.itemsProcessed,
    accumulatedResults: data.accumulatedResults,
  };
}

// ---------------------------------------------------------------------------------------------
// Outputs: napi -> contract
// ---------------------------------------------------------------------------------------------

export function fromNapiBootstrapResult(data: NapiBootstrapResult): BootstrapResult {
  return {
    success: data.success,
    status: data.status,
    message: data.message,
    workerId: data.workerId,
  };
}

export function fromNapiWorkerStatus(data: NapiWorkerStatus): WorkerStatus {
  return {
    success: data.success,
    running: data.running,
    status: data.status,
    workerId: orNull(data.workerId),
    inFlight: data.inFlight,
  };
}

export function fromNapiTaskInfo(data: NapiTaskInfo): TaskInfo {
  return {
    taskUuid: data.taskUuid,
    name: data.name,
    namespace: data.namespace,
    version: data.version,
    context: json(data.context),
    correlationId: data.correlationId,
    parentCorrelationId: orNull(data.parentCorrelationId),
    initiator: data.initiator,
    sourceSystem: data.sourceSystem,
    reason: data.reason,
    priority: orNull(data.priority),
    createdAt: data.createdAt,
  };
}

export function fromNapiCheckpoint(data: NapiCheckpointYieldData): Checkpoint {
  return {
    stepUuid: data.stepUuid,
    cursor: json(data.cursor),
    itemsProcessed: data.itemsProcessed,
    accumulatedResults: json(data.accumulatedResults),
  };
}

export function fromNapiWorkflowStep(data: NapiWorkflowStep): WorkflowStep {
  return {
    workflowStepUuid: data.workflowStepUuid,
    taskUuid: data.taskUuid,
    name: data.name,
    attempts: data.attempts,
    maxAttempts: data.maxAttempts,
    retryable: data.retryable,
    inputs: json(data.inputs),
    checkpoint: data.checkpoint == null ? null : fromNapiCheckpoint(data.checkpoint),
    createdAt: data.createdAt,
  };
}

export function fromNapiStepDefinition(data: NapiStepDefinition): StepDefinition {
  return {
    name: data.name,
    description: orNull(data.description),
    handlerCallable: data.handlerCallable,
    handlerInitialization: json(data.handlerInitialization),
    dependencies: data.dependencies,
    maxAttempts: data.maxAttempts,
    retryable: data.retryable,
    backoffBaseMs: data.backoffBaseMs,
    timeoutMs: orNull(data.timeoutMs),
  };
}

export function fromNapiDependencyResult(data: NapiDependencyResult): DependencyResult {
  return {
    stepUuid: data.stepUuid,
    success: data.success,
    result: json(data.result),
    status: data.status,
    errorMessage: orNull(data.errorMessage),
    errorType: orNull(data.errorType),
    errorRetryable: orNull(data.errorRetryable),
  };
}

export function fromNapiStepEvent(data: NapiStepEvent): StepEvent {
  const dependencyResults: Record<string, DependencyResult> = {};
  for (const [name, result] of Object.entries(data.dependencyResults)) {
    dependencyResults[name] = fromNapiDependencyResult(result);
  }
  return {
    eventId: data.eventId,
    taskUuid: data.taskUuid,
    stepUuid: data.stepUuid,
    correlationId: data.correlationId,
    traceId: orNull(data.traceId),
    spanId: orNull(data.spanId),
    task: fromNapiTaskInfo(data.task),
    workflowStep: fromNapiWorkflowStep(data.workflowStep),
    stepDefinition: fromNapiStepDefinition(data.stepDefinition),
    dependencyResults,
  };
}

export function fromNapiDomainEvent(data: NapiDomainEvent): DomainEvent {
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
      firedBy: m.firedBy,
    },
    payload: json(data.payload),
  };
}

export function fromNapiDispatchMetrics(data: NapiDispatchMetrics): DispatchMetrics {
  return {
    pendingCount: data.pendingCount,
    inFlightCount: data.inFlightCount,
    completedCount: data.completedCount,
    failedCount: data.failedCount,
    retriedCount: data.retriedCount,
    checkpointCount: data.checkpointCount,
    timedOutCount: data.timedOutCount,
    starvationWarnings: data.starvationWarnings,
    oldestPendingAgeMs: orNull(data.oldestPendingAgeMs),
    starvationDetected: data.starvationDetected,
  };
}
