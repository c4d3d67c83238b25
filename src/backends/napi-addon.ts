/**
 * The shape of the napi addon (`napi-ffi`), as its CLI-generated `napi-ffi/index.d.ts` declares
 * it. Kept here (rather than imported from the build output) so the TypeScript layer typechecks
 * before the addon is built; the napi CLI's `index.d.ts` stays the authority, and the behaviour
 * suite checks this mirror against the real addon.
 *
 * Optional output fields may come back `undefined` (napi-rs leaves `None` out); the contract
 * says `null` for absent, which `napi-conversions.ts` takes care of.
 */
import { OPERATIONS, type OperationName } from '../contract.js';

/** A JSON value crossing napi as a JS value (`serde_json::Value`). */
export type NapiJson = unknown;

export interface NapiBootstrapConfig {
  seed?: number;
  clockStart?: string;
  clockTickMs?: number;
  templatePath?: string;
  namespaces?: string[];
  logLevel?: string;
  stepTimeoutMs?: number;
  starvationThresholdMs?: number;
}

export interface NapiBootstrapResult {
  success: boolean;
  status: string;
  message: string;
  workerId: string;
}

export interface NapiWorkerStatus {
  success: boolean;
  running: boolean;
  status: string;
  workerId?: string | null;
  inFlight: number;
}

export interface NapiTaskInfo {
  taskUuid: string;
  name: string;
  namespace: string;
  version: string;
  context: NapiJson;
  correlationId: string;
  parentCorrelationId?: string | null;
  initiator: string;
  sourceSystem: string;
  reason: string;
  priority?: number | null;
  createdAt: string;
}

export interface NapiCheckpointYieldData {
  stepUuid: string;
  cursor: NapiJson;
  itemsProcessed: number;
  accumulatedResults?: NapiJson;
}

export interface NapiWorkflowStep {
  workflowStepUuid: string;
  taskUuid: string;
  name: string;
  attempts: number;
  maxAttempts: number;
  retryable: boolean;
  inputs?: NapiJson;
  checkpoint?: NapiCheckpointYieldData | null;
  createdAt: string;
}

export interface NapiStepDefinition {
  name: string;
  description?: string | null;
  handlerCallable: string;
  handlerInitialization: NapiJson;
  dependencies: string[];
  maxAttempts: number;
  retryable: boolean;
  backoffBaseMs: number;
  timeoutMs?: number | null;
}

export interface NapiDependencyResult {
  stepUuid: string;
  success: boolean;
  result: NapiJson;
  status: string;
  errorMessage?: string | null;
  errorType?: string | null;
  errorRetryable?: boolean | null;
}

export interface NapiStepEvent {
  eventId: string;
  taskUuid: string;
  stepUuid: string;
  correlationId: string;
  traceId?: string | null;
  spanId?: string | null;
  task: NapiTaskInfo;
  workflowStep: NapiWorkflowStep;
  stepDefinition: NapiStepDefinition;
  dependencyResults: Record<string, NapiDependencyResult>;
}

export interface NapiStepExecutionMetadata {
  executionTimeMs: number;
  workerId?: string;
  completedAt: string;
  retryable?: boolean;
  errorType?: string;
  errorCode?: string;
  custom?: NapiJson;
}

export interface NapiStepExecutionError {
  message: string;
  errorType?: string;
  retryable?: boolean;
  statusCode?: number;
  backtrace?: string[];
  context?: NapiJson;
}

export interface NapiStepExecutionResult {
  stepUuid: string;
  success: boolean;
  result: NapiJson;
  status: string;
  metadata: NapiStepExecutionMetadata;
  error?: NapiStepExecutionError;
  orchestrationMetadata?: NapiJson;
}

export interface NapiDomainEventMetadata {
  taskUuid: string;
  stepUuid?: string | null;
  stepName?: string | null;
  namespace: string;
  correlationId: string;
  firedAt: string;
  firedBy: string;
}

export interface NapiDomainEvent {
  eventId: string;
  eventName: string;
  eventVersion: string;
  metadata: NapiDomainEventMetadata;
  payload: NapiJson;
}

export interface NapiDispatchMetrics {
  pendingCount: number;
  inFlightCount: number;
  completedCount: number;
  failedCount: number;
  retriedCount: number;
  checkpointCount: number;
  timedOutCount: number;
  starvationWarnings: number;
  oldestPendingAgeMs?: number | null;
  starvationDetected: boolean;
}

export interface NapiTaskRequest {
  name: string;
  namespace: string;
  version: string;
  context: NapiJson;
  initiator: string;
  sourceSystem: string;
  reason: string;
  tags?: string[];
  priority?: number;
  correlationId?: string;
  parentCorrelationId?: string;
  idempotencyKey?: string;
  options?: NapiJson;
  requestedAt?: string;
}

export interface NapiListTasksParams {
  page?: number;
  perPage?: number;
  namespace?: string;
  status?: string;
}

/** tasker's client envelope; `data` is the server's snake_case JSON. */
export interface NapiClientResult {
  success: boolean;
  data?: unknown;
  error?: string | null;
  recoverable?: boolean | null;
  errorCode?: string | null;
}

/** The envelope of the `client*Json` twins: `dataJson` is the server's JSON as text. */
export interface NapiClientJsonResult {
  success: boolean;
  dataJson?: string | null;
  error?: string | null;
  recoverable?: boolean | null;
  errorCode?: string | null;
}

/**
 * The JSON-text twins of the operations that carry free-form JSON (napi-ffi/src/json.rs): the
 * same operations with JSON text in N-API strings (the core DTOs' snake_case JSON) instead of JS
 * objects. `NapiBackend` uses them by default (see its `transfer` option).
 */
export interface NapiJsonTransfer {
  pollStepEventsJson(): string | null;
  pollInProcessEventsJson(): string | null;
  completeStepEventJson(eventId: string, resultJson: string): boolean;
  checkpointYieldStepEventJson(eventId: string, checkpointJson: string): boolean;
  logErrorJson(message: string, fieldsJson?: string | null): void;
  logWarnJson(message: string, fieldsJson?: string | null): void;
  logInfoJson(message: string, fieldsJson?: string | null): void;
  logDebugJson(message: string, fieldsJson?: string | null): void;
  logTraceJson(message: string, fieldsJson?: string | null): void;
  clientCreateTaskJson(requestJson: string): NapiClientJsonResult;
  clientGetTaskJson(taskUuid: string): NapiClientJsonResult;
  clientListTasksJson(paramsJson?: string | null): NapiClientJsonResult;
  clientCancelTaskJson(taskUuid: string): NapiClientJsonResult;
  clientListTaskStepsJson(taskUuid: string): NapiClientJsonResult;
  clientGetStepJson(taskUuid: string, stepUuid: string): NapiClientJsonResult;
  clientGetStepAuditHistoryJson(taskUuid: string, stepUuid: string): NapiClientJsonResult;
  clientHealthCheckJson(): NapiClientJsonResult;
}

/** The addon's exports used by the contract. */
export interface NapiAddon extends NapiJsonTransfer {
  getVersion(): string;
  getRustVersion(): string;
  healthCheck(): boolean;
  isWorkerRunning(): boolean;
  bootstrapWorker(config?: NapiBootstrapConfig | null): NapiBootstrapResult;
  getWorkerStatus(): NapiWorkerStatus;
  stopWorker(): NapiWorkerStatus;
  transitionToGracefulShutdown(): NapiWorkerStatus;
  pollStepEvents(): NapiStepEvent | null;
  pollInProcessEvents(): NapiDomainEvent | null;
  completeStepEvent(eventId: string, result: NapiStepExecutionResult): boolean;
  checkpointYieldStepEvent(eventId: string, data: NapiCheckpointYieldData): boolean;
  getFfiDispatchMetrics(): NapiDispatchMetrics;
  checkStarvationWarnings(): void;
  cleanupTimeouts(): void;
  logError(message: string, fields?: NapiJson): void;
  logWarn(message: string, fields?: NapiJson): void;
  logInfo(message: string, fields?: NapiJson): void;
  logDebug(message: string, fields?: NapiJson): void;
  logTrace(message: string, fields?: NapiJson): void;
  clientCreateTask(request: NapiTaskRequest): NapiClientResult;
  clientGetTask(taskUuid: string): NapiClientResult;
  clientListTasks(params: NapiListTasksParams): NapiClientResult;
  clientCancelTask(taskUuid: string): NapiClientResult;
  clientListTaskSteps(taskUuid: string): NapiClientResult;
  clientGetStep(taskUuid: string, stepUuid: string): NapiClientResult;
  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): NapiClientResult;
  clientHealthCheck(): NapiClientResult;
}

/** Operations the addon also offers with JSON text at the boundary (`<name>Json`, napi-ffi/src/json.rs). */
export const JSON_TRANSFER_OPERATIONS = [
  'pollStepEvents',
  'pollInProcessEvents',
  'completeStepEvent',
  'checkpointYieldStepEvent',
  'logError',
  'logWarn',
  'logInfo',
  'logDebug',
  'logTrace',
  'clientCreateTask',
  'clientGetTask',
  'clientListTasks',
  'clientCancelTask',
  'clientListTaskSteps',
  'clientGetStep',
  'clientGetStepAuditHistory',
  'clientHealthCheck',
] as const satisfies readonly OperationName[];

type JsonExport = `${(typeof JSON_TRANSFER_OPERATIONS)[number]}Json`;

/** Every export of `NapiAddon`, checked when the addon loads. */
export const NAPI_EXPORTS: readonly (OperationName | JsonExport)[] & readonly (keyof NapiAddon)[] = [
  ...OPERATIONS,
  ...JSON_TRANSFER_OPERATIONS.map((op): JsonExport => `${op}Json`),
];
