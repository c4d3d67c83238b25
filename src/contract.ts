/**
 * The one contract both bridges implement: idiomatic TypeScript (camelCase, `null` for absent,
 * data returned, `TaskerError` thrown). Both bridges are synchronous, so nothing here is a Promise.
 *
 * Client calls return the orchestration server's JSON as it is (snake_case); its shapes are the
 * ts-rs declarations generated from the Rust DTOs (`src/generated/legacy`).
 */
import type { TaskResponse } from './generated/legacy/TaskResponse.js';
import type { TaskListResponse } from './generated/legacy/TaskListResponse.js';
import type { StepReadiness } from './generated/legacy/StepReadiness.js';
import type { StepAuditRecord } from './generated/legacy/StepAuditRecord.js';
import type { HealthResponse } from './generated/legacy/HealthResponse.js';

export type { TaskResponse, TaskListResponse, StepReadiness, StepAuditRecord, HealthResponse };

export const BACKENDS = ['napi', 'koffi'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Any value JSON can carry. Free-form payloads (contexts, results, log fields) must be this. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface BootstrapConfig {
  /** Seed for ids; with a seed the engine runs on a fixed clock and is fully deterministic. */
  seed?: number;
  /** RFC 3339 start of the fixed clock (seeded engines only). */
  clockStart?: string;
  /** Milliseconds the fixed clock advances per read. */
  clockTickMs?: number;
  /** Extra folder of task templates (`*.json`). */
  templatePath?: string;
  namespaces?: string[];
  logLevel?: LogLevel;
  stepTimeoutMs?: number;
  starvationThresholdMs?: number;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface BootstrapResult {
  success: boolean;
  status: 'started' | 'already_running' | string;
  message: string;
  workerId: string;
}

export interface WorkerStatus {
  success: boolean;
  running: boolean;
  status: 'running' | 'stopped' | 'not_running' | 'shutting_down' | string;
  workerId: string | null;
  inFlight: number;
}

export interface TaskRequest {
  name: string;
  namespace: string;
  version: string;
  context: JsonValue;
  initiator: string;
  sourceSystem: string;
  reason: string;
  tags?: string[];
  priority?: number;
  correlationId?: string;
  parentCorrelationId?: string;
  idempotencyKey?: string;
  options?: JsonValue;
  /** ISO 8601 / RFC 3339; absent means "now" by the engine's clock. */
  requestedAt?: string;
}

export interface ListTasksParams {
  page?: number;
  perPage?: number;
  namespace?: string;
  status?: string;
}

export interface TaskInfo {
  taskUuid: string;
  name: string;
  namespace: string;
  version: string;
  context: JsonValue;
  correlationId: string;
  parentCorrelationId: string | null;
  initiator: string;
  sourceSystem: string;
  reason: string;
  priority: number | null;
  createdAt: string;
}

export interface CheckpointYieldData {
  stepUuid: string;
  cursor: JsonValue;
  itemsProcessed: number;
  accumulatedResults?: JsonValue;
}

/** A checkpoint as handed back inside a `WorkflowStep` (absent fields are `null`). */
export interface Checkpoint {
  stepUuid: string;
  cursor: JsonValue;
  itemsProcessed: number;
  accumulatedResults: JsonValue | null;
}

export interface WorkflowStep {
  workflowStepUuid: string;
  taskUuid: string;
  name: string;
  attempts: number;
  maxAttempts: number;
  retryable: boolean;
  inputs: JsonValue | null;
  checkpoint: Checkpoint | null;
  createdAt: string;
}

export interface StepDefinition {
  name: string;
  description: string | null;
  handlerCallable: string;
  handlerInitialization: JsonValue;
  dependencies: string[];
  maxAttempts: number;
  retryable: boolean;
  backoffBaseMs: number;
  timeoutMs: number | null;
}

export interface DependencyResult {
  stepUuid: string;
  success: boolean;
  result: JsonValue;
  status: string;
  errorMessage: string | null;
  errorType: string | null;
  errorRetryable: boolean | null;
}

export interface StepEvent {
  eventId: string;
  taskUuid: string;
  stepUuid: string;
  correlationId: string;
  traceId: string | null;
  spanId: string | null;
  task: TaskInfo;
  workflowStep: WorkflowStep;
  stepDefinition: StepDefinition;
  dependencyResults: Record<string, DependencyResult>;
}

export interface StepExecutionMetadata {
  executionTimeMs: number;
  workerId?: string;
  completedAt: string;
  retryable?: boolean;
  errorType?: string;
  errorCode?: string;
  custom?: JsonValue;
}

export interface StepExecutionError {
  message: string;
  errorType?: string;
  retryable?: boolean;
  statusCode?: number;
  backtrace?: string[];
  context?: JsonValue;
}

export interface StepExecutionResult {
  stepUuid: string;
  success: boolean;
  result: JsonValue;
  status: 'completed' | 'failed' | 'error';
  metadata: StepExecutionMetadata;
  error?: StepExecutionError;
  orchestrationMetadata?: JsonValue;
}

export interface DomainEventMetadata {
  taskUuid: string;
  stepUuid: string | null;
  stepName: string | null;
  namespace: string;
  correlationId: string;
  firedAt: string;
  firedBy: string;
}

export interface DomainEvent {
  eventId: string;
  eventName: string;
  eventVersion: string;
  metadata: DomainEventMetadata;
  payload: JsonValue;
}

export interface DispatchMetrics {
  pendingCount: number;
  inFlightCount: number;
  completedCount: number;
  failedCount: number;
  retriedCount: number;
  checkpointCount: number;
  timedOutCount: number;
  starvationWarnings: number;
  oldestPendingAgeMs: number | null;
  starvationDetected: boolean;
}

/** The 28 operations, one name each, identical on both bridges. */
export interface TaskerFfi {
  readonly backend: BackendName;

  getVersion(): string;
  getRustVersion(): string;
  healthCheck(): boolean;
  isWorkerRunning(): boolean;

  bootstrapWorker(config?: BootstrapConfig): BootstrapResult;
  getWorkerStatus(): WorkerStatus;
  stopWorker(): WorkerStatus;
  transitionToGracefulShutdown(): WorkerStatus;

  pollStepEvents(): StepEvent | null;
  pollInProcessEvents(): DomainEvent | null;
  completeStepEvent(eventId: string, result: StepExecutionResult): boolean;
  checkpointYieldStepEvent(eventId: string, data: CheckpointYieldData): boolean;

  getFfiDispatchMetrics(): DispatchMetrics;
  checkStarvationWarnings(): void;
  cleanupTimeouts(): void;

  logError(message: string, fields?: JsonObject): void;
  logWarn(message: string, fields?: JsonObject): void;
  logInfo(message: string, fields?: JsonObject): void;
  logDebug(message: string, fields?: JsonObject): void;
  logTrace(message: string, fields?: JsonObject): void;

  clientCreateTask(request: TaskRequest): TaskResponse;
  clientGetTask(taskUuid: string): TaskResponse;
  clientListTasks(params?: ListTasksParams): TaskListResponse;
  clientCancelTask(taskUuid: string): TaskResponse;
  clientListTaskSteps(taskUuid: string): StepReadiness[];
  clientGetStep(taskUuid: string, stepUuid: string): StepReadiness;
  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditRecord[];
  clientHealthCheck(): HealthResponse;
}

/** Every operation name of the contract, for suites that iterate over all of them. */
export const OPERATIONS = [
  'getVersion',
  'getRustVersion',
  'healthCheck',
  'isWorkerRunning',
  'bootstrapWorker',
  'getWorkerStatus',
  'stopWorker',
  'transitionToGracefulShutdown',
  'pollStepEvents',
  'pollInProcessEvents',
  'completeStepEvent',
  'checkpointYieldStepEvent',
  'getFfiDispatchMetrics',
  'checkStarvationWarnings',
  'cleanupTimeouts',
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
] as const satisfies readonly Exclude<keyof TaskerFfi, 'backend'>[];
export type OperationName = (typeof OPERATIONS)[number];
