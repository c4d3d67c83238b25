/**
 * The napi bridge: the napi-rs addon (`napi-ffi`), loaded through the loader the napi CLI
 * generates (`napi-ffi/index.cjs`).
 *
 * - `Napi…` objects become contract objects through the named functions of `napi-conversions.ts`
 *   (absent optional outputs: `undefined` -> `null`).
 * - `client*` envelopes become data or `TaskerError(errorCode, error, {recoverable})`; a thrown JS
 *   error with a known `.code` becomes a `TaskerError` with that code and message; anything else
 *   is `INTERNAL` (`error-mapping.ts`).
 * - Arguments go through the same checks as on the koffi side (`validate.ts`), so bad input gives
 *   the same `TaskerError` on both bridges instead of napi-rs' own conversion errors.
 */
import { createRequire } from 'node:module';

import type {
  BackendName,
  BootstrapConfig,
  BootstrapResult,
  CheckpointYieldData,
  DispatchMetrics,
  DomainEvent,
  HealthResponse,
  JsonObject,
  ListTasksParams,
  StepAuditRecord,
  StepEvent,
  StepExecutionResult,
  StepReadiness,
  TaskerFfi,
  TaskListResponse,
  TaskRequest,
  TaskResponse,
  WorkerStatus,
} from '../contract.js';
import {
  checkBootstrapConfig,
  checkCheckpointYieldData,
  checkId,
  checkListTasksParams,
  checkLogFields,
  checkStepExecutionResult,
  checkString,
  checkTaskRequest,
} from '../validate.js';
import { fromNapiClientFailure, fromNapiThrown } from './error-mapping.js';
import { loadFailed, resolveNapiModule } from './locate.js';
import { NAPI_EXPORTS, type NapiAddon, type NapiClientResult } from './napi-addon.js';
import {
  fromNapiBootstrapResult,
  fromNapiDispatchMetrics,
  fromNapiDomainEvent,
  fromNapiStepEvent,
  fromNapiWorkerStatus,
  toNapiBootstrapConfig,
  toNapiCheckpoint,
  toNapiListParams,
  toNapiStepResult,
  toNapiTaskRequest,
} from './napi-conversions.js';

export interface NapiBackendOptions {
  /**
   * The generated loader (`index.cjs`) or a `.node` file; default: `TASKER_NAPI_ADDON`, else
   * `napi-ffi/index.cjs` under the package root.
   */
  libraryPath?: string;
}

const requireNative = createRequire(import.meta.url);

function loadAddon(file: string): NapiAddon {
  let addon: unknown;
  try {
    addon = requireNative(file);
  } catch (error) {
    throw loadFailed('napi', file, error);
  }
  const missing = NAPI_EXPORTS.filter(
    (name) => typeof (addon as Record<string, unknown> | null)?.[name] !== 'function',
  );
  if (missing.length > 0) {
    throw loadFailed('napi', file, new Error(`the addon does not export ${missing.join(', ')}`));
  }
  return addon as NapiAddon;
}

/** Runs one addon call; whatever it throws comes out as a `TaskerError`. */
function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromNapiThrown(error);
  }
}

/** A `client*` envelope: its data, or its error thrown. */
function unwrapClient(call: () => NapiClientResult): unknown {
  const result = guarded(call);
  if (result.success) return result.data ?? null;
  throw fromNapiClientFailure(result);
}

export class NapiBackend implements TaskerFfi {
  readonly backend: BackendName = 'napi';
  /** The loader or `.node` file this instance required. */
  readonly libraryPath: string;
  private readonly addon: NapiAddon;

  constructor(options: NapiBackendOptions = {}) {
    this.libraryPath = resolveNapiModule(options.libraryPath);
    this.addon = loadAddon(this.libraryPath);
  }

  /** The empty call (`noop`): the floor of a napi call, for benchmarks. Not part of the contract. */
  noop(): void {
    this.addon.noop();
  }

  getVersion(): string {
    return guarded(() => this.addon.getVersion());
  }

  getRustVersion(): string {
    return guarded(() => this.addon.getRustVersion());
  }

  healthCheck(): boolean {
    return guarded(() => this.addon.healthCheck());
  }

  isWorkerRunning(): boolean {
    return guarded(() => this.addon.isWorkerRunning());
  }

  bootstrapWorker(config?: BootstrapConfig): BootstrapResult {
    const checked = checkBootstrapConfig(config);
    const input = checked === undefined ? undefined : toNapiBootstrapConfig(checked);
    return fromNapiBootstrapResult(guarded(() => this.addon.bootstrapWorker(input)));
  }

  getWorkerStatus(): WorkerStatus {
    return fromNapiWorkerStatus(guarded(() => this.addon.getWorkerStatus()));
  }

  stopWorker(): WorkerStatus {
    return fromNapiWorkerStatus(guarded(() => this.addon.stopWorker()));
  }

  transitionToGracefulShutdown(): WorkerStatus {
    return fromNapiWorkerStatus(guarded(() => this.addon.transitionToGracefulShutdown()));
  }

  pollStepEvents(): StepEvent | null {
    const event = guarded(() => this.addon.pollStepEvents());
    return event == null ? null : fromNapiStepEvent(event);
  }

  pollInProcessEvents(): DomainEvent | null {
    const event = guarded(() => this.addon.pollInProcessEvents());
    return event == null ? null : fromNapiDomainEvent(event);
  }

  completeStepEvent(eventId: string, result: StepExecutionResult): boolean {
    const id = checkId(eventId, 'eventId');
    const input = toNapiStepResult(checkStepExecutionResult(result));
    return guarded(() => this.addon.completeStepEvent(id, input));
  }

  checkpointYieldStepEvent(eventId: string, data: CheckpointYieldData): boolean {
    const id = checkId(eventId, 'eventId');
    const input = toNapiCheckpoint(checkCheckpointYieldData(data));
    return guarded(() => this.addon.checkpointYieldStepEvent(id, input));
  }

  getFfiDispatchMetrics(): DispatchMetrics {
    return fromNapiDispatchMetrics(guarded(() => this.addon.getFfiDispatchMetrics()));
  }

  checkStarvationWarnings(): void {
    guarded(() => this.addon.checkStarvationWarnings());
  }

  cleanupTimeouts(): void {
    guarded(() => this.addon.cleanupTimeouts());
  }

  private log(level: 'logError' | 'logWarn' | 'logInfo' | 'logDebug' | 'logTrace', message: string, fields?: JsonObject): void {
    const text = checkString(message, 'message');
    const checked = checkLogFields(fields);
    guarded(() => (checked === undefined ? this.addon[level](text) : this.addon[level](text, checked)));
  }

  logError(message: string, fields?: JsonObject): void {
    this.log('logError', message, fields);
  }

  logWarn(message: string, fields?: JsonObject): void {
    this.log('logWarn', message, fields);
  }

  logInfo(message: string, fields?: JsonObject): void {
    this.log('logInfo', message, fields);
  }

  logDebug(message: string, fields?: JsonObject): void {
    this.log('logDebug', message, fields);
  }

  logTrace(message: string, fields?: JsonObject): void {
    this.log('logTrace', message, fields);
  }

  clientCreateTask(request: TaskRequest): TaskResponse {
    const input = toNapiTaskRequest(checkTaskRequest(request));
    return unwrapClient(() => this.addon.clientCreateTask(input)) as TaskResponse;
  }

  clientGetTask(taskUuid: string): TaskResponse {
    const id = checkId(taskUuid, 'taskUuid');
    return unwrapClient(() => this.addon.clientGetTask(id)) as TaskResponse;
  }

  clientListTasks(params?: ListTasksParams): TaskListResponse {
    const input = toNapiListParams(checkListTasksParams(params));
    return unwrapClient(() => this.addon.clientListTasks(input)) as TaskListResponse;
  }

  clientCancelTask(taskUuid: string): TaskResponse {
    const id = checkId(taskUuid, 'taskUuid');
    return unwrapClient(() => this.addon.clientCancelTask(id)) as TaskResponse;
  }

  clientListTaskSteps(taskUuid: string): StepReadiness[] {
    const id = checkId(taskUuid, 'taskUuid');
    return unwrapClient(() => this.addon.clientListTaskSteps(id)) as StepReadiness[];
  }

  clientGetStep(taskUuid: string, stepUuid: string): StepReadiness {
    const task = checkId(taskUuid, 'taskUuid');
    const step = checkId(stepUuid, 'stepUuid');
    return unwrapClient(() => this.addon.clientGetStep(task, step)) as StepReadiness;
  }

  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditRecord[] {
    const task = checkId(taskUuid, 'taskUuid');
    const step = checkId(stepUuid, 'stepUuid');
    return unwrapClient(() => this.addon.clientGetStepAuditHistory(task, step)) as StepAuditRecord[];
  }

  clientHealthCheck(): HealthResponse {
    return unwrapClient(() => this.addon.clientHealthCheck()) as HealthResponse;
  }
}
