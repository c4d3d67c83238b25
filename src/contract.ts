/**
 * The one contract both bridges implement: idiomatic TypeScript (camelCase, `null` for absent,
 * data returned, `TaskerError` thrown). Both bridges are synchronous, so nothing here is a Promise.
 *
 * Client calls return the orchestration server's JSON as it is (snake_case), as both of tasker's
 * bridges did; its shapes are the ts-rs declarations generated from the Rust DTOs
 * (`src/generated/legacy`). Worker-side objects are camelCase; their timestamps and free-form
 * JSON are tasker's, untouched.
 */
import type { CancelResponse } from './generated/legacy/CancelResponse.js';
import type { HealthResponse } from './generated/legacy/HealthResponse.js';
import type { PaginationInfo } from './generated/legacy/PaginationInfo.js';
import type { StepAuditResponse } from './generated/legacy/StepAuditResponse.js';
import type { StepReadinessStatus } from './generated/legacy/StepReadinessStatus.js';
import type { StepResponse } from './generated/legacy/StepResponse.js';
import type { TaskListResponse } from './generated/legacy/TaskListResponse.js';
import type { TaskResponse } from './generated/legacy/TaskResponse.js';

export type {
  CancelResponse,
  HealthResponse,
  PaginationInfo,
  StepAuditResponse,
  StepReadinessStatus,
  StepResponse,
  TaskListResponse,
  TaskResponse,
};

export const BACKENDS = ['napi', 'koffi'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Any value JSON can carry. Free-form payloads (contexts, results, log fields) must be this. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Worker bootstrap configuration: our engine's settings. Every field is optional; tasker's own
 * bootstrap keys (`namespace`, `configPath`, …) had no effect on tasker's bridges and are not part
 * of the contract.
 */
export interface BootstrapConfig {
  /** Seed for ids; with a seed the engine runs on a fixed clock and is fully deterministic. */
  seed?: number;
  /** RFC 3339 start of the fixed clock (seeded engines only). */
  clockStart?: string;
  /** Milliseconds the fixed clock advances per state-changing call. */
  clockTickMs?: number;
  /** Extra folder of task templates (tasker's YAML TaskTemplate files). */
  templatePath?: string;
  namespaces?: string[];
  /** Lowest level of `log*` records written after bootstrap (default: `LOG_LEVEL`, `RUST_LOG`, else info). */
  logLevel?: LogLevel;
  /** Milliseconds a handed-out step may stay unanswered before `cleanupTimeouts` fails it (default 30 000). */
  stepTimeoutMs?: number;
  /** Milliseconds after which a handed-out step counts as starving (default 10 000). */
  starvationThresholdMs?: number;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface BootstrapResult {
  success: boolean;
  /** `started` or `already_running`. */
  status: string;
  message: string;
  /**
   * `typescript-worker-<uuid>`; `''` for `already_running`, whose koffi-era answer names no worker
   * (`getWorkerStatus().workerId` does).
   */
  workerId: string;
}

/**
 * The worker's state. `status` is tasker's: the worker core's state while it runs (`Running`, and
 * `Stopped` after a graceful shutdown began), `stopped` / `not_running` once it does not,
 * `transitioning` from `transitionToGracefulShutdown`.
 */
export interface WorkerStatus {
  success: boolean;
  running: boolean;
  status: string;
  workerId: string | null;
  /** The execution environment (`TASKER_ENV`, default `development`); `null` when not running. */
  environment: string | null;
}

export interface TaskRequest {
  name: string;
  namespace: string;
  version: string;
  /** The task's input; tasker requires a JSON object. */
  context: JsonValue;
  initiator: string;
  sourceSystem: string;
  reason: string;
  tags?: string[];
  priority?: number;
  /** A UUID; absent: a new one. */
  correlationId?: string;
  parentCorrelationId?: string;
  idempotencyKey?: string;
  options?: JsonValue;
  /** ISO 8601 / RFC 3339; absent means "now" by the engine's clock. */
  requestedAt?: string;
}

/** Tasker's list parameters: `limit` (1..=100, default 50) and `offset` become the server's page. */
export interface ListTasksParams {
  limit?: number;
  offset?: number;
  namespace?: string;
  status?: string;
}

/** The task a step belongs to, as the worker receives it. Timestamps are tasker's (`YYYY-MM-DD HH:MM:SS[.f]`, UTC). */
export interface TaskInfo {
  taskUuid: string;
  namedTaskUuid: string;
  name: string;
  namespace: string;
  version: string;
  context: JsonValue;
  correlationId: string;
  parentCorrelationId: string | null;
  complete: boolean;
  priority: number;
  initiator: string | null;
  sourceSystem: string | null;
  reason: string | null;
  tags: JsonValue;
  identityHash: string;
  createdAt: string;
  updatedAt: string;
  requestedAt: string;
}

export interface WorkflowStep {
  workflowStepUuid: string;
  taskUuid: string;
  namedStepUuid: string;
  /** The step's name (a batch worker instance: `<template>_<batch_id>`). */
  name: string;
  /** The template step it was made from (= `name` except for batch workers). */
  templateStepName: string;
  retryable: boolean;
  maxAttempts: number;
  /** Attempts before this one (tasker hands out the count from before the claim). */
  attempts: number;
  inProcess: boolean;
  processed: boolean;
  /** Step inputs (a batch worker: its `cursor`, `batch_metadata`, `is_no_op`, …). */
  inputs: JsonValue;
  results: JsonValue;
  backoffRequestSeconds: number | null;
  processedAt: string | null;
  lastAttemptedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Progress saved by an earlier checkpoint yield, in tasker's snake_case JSON (`cursor`,
   * `items_processed`, `accumulated_results`, …), or `null`.
   */
  checkpoint: JsonValue;
}

export interface HandlerDefinition {
  callable: string;
  method: string | null;
  resolver: string | null;
  initialization: JsonObject;
}

export interface RetryConfiguration {
  retryable: boolean;
  maxAttempts: number;
  /** `none`, `linear`, `exponential` or `fibonacci`. */
  backoff: string;
  backoffBaseMs: number | null;
  maxBackoffMs: number | null;
}

/** The template step a step runs, as the worker receives it. */
export interface StepDefinition {
  name: string;
  description: string | null;
  handler: HandlerDefinition;
  systemDependency: string | null;
  dependencies: string[];
  timeoutSeconds: number | null;
  retry: RetryConfiguration;
}

export interface DependencyError {
  message: string;
  errorType: string | null;
  retryable: boolean;
  statusCode: number | null;
  backtrace: string[] | null;
}

/** The recorded result of an ancestor step (every completed ancestor, not only the parents). */
export interface DependencyResult {
  stepUuid: string;
  success: boolean;
  result: JsonValue;
  status: string;
  error: DependencyError | null;
}

export interface StepEvent {
  eventId: string;
  taskUuid: string;
  stepUuid: string;
  correlationId: string;
  traceId: string | null;
  spanId: string | null;
  taskCorrelationId: string;
  parentCorrelationId: string | null;
  task: TaskInfo;
  workflowStep: WorkflowStep;
  stepDefinition: StepDefinition;
  /** Keyed by step name. */
  dependencyResults: Record<string, DependencyResult>;
}

export interface StepExecutionMetadata {
  executionTimeMs: number;
  workerId?: string;
  /** RFC 3339. */
  completedAt: string;
  /** Whether a failure may be retried (default `true`, as tasker's napi bridge; tasker decides retries by it). */
  retryable?: boolean;
  errorType?: string;
  errorCode?: string;
  custom?: JsonObject;
}

export interface StepExecutionError {
  message: string;
  errorType?: string;
  /** Default `false`, as tasker's napi bridge. */
  retryable?: boolean;
  statusCode?: number;
  backtrace?: string[];
  context?: JsonObject;
}

export interface StepExecutionResult {
  stepUuid: string;
  success: boolean;
  result: JsonValue;
  /** `completed`, `failed` or `error`. */
  status: 'completed' | 'failed' | 'error';
  metadata: StepExecutionMetadata;
  error?: StepExecutionError;
  /** tasker's orchestration metadata (snake_case: `headers`, `custom`, `error_context`, `backoff_hint`). */
  orchestrationMetadata?: JsonObject;
}

export interface CheckpointYieldData {
  stepUuid: string;
  cursor: JsonValue;
  itemsProcessed: number;
  /** Kept when it is an object (tasker keeps nothing else). */
  accumulatedResults?: JsonObject;
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

/** A domain event a step published (`publishes_events`), from the in-process bus. */
export interface DomainEvent {
  eventId: string;
  eventName: string;
  eventVersion: string;
  metadata: DomainEventMetadata;
  /** tasker's payload wrapper: `{task_sequence_step, execution_result, payload}`. */
  payload: JsonValue;
}

/** The handed-out steps not answered yet (tasker's pending map). */
export interface DispatchMetrics {
  pendingCount: number;
  starvationDetected: boolean;
  starvingEventCount: number;
  oldestPendingAgeMs: number | null;
  newestPendingAgeMs: number | null;
  oldestEventId: string | null;
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
  clientCancelTask(taskUuid: string): CancelResponse;
  clientListTaskSteps(taskUuid: string): StepResponse[];
  clientGetStep(taskUuid: string, stepUuid: string): StepResponse;
  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditResponse[];
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
