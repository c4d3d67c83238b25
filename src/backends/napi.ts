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
 * - Transfer (`transfer` option). The operations that carry free-form JSON (poll, complete,
 *   checkpoint, log, every `client*`) use the addon's JSON-text twins by default (`'json'`): the
 *   core DTOs' JSON in N-API strings (length-prefixed, so no C-string problem), written with
 *   `JSON.stringify` and read with `JSON.parse` through the same named conversions as the legacy
 *   JSON (`koffi-conversions.ts`). The benchmarks measured napi-rs' object conversion of
 *   `serde_json::Value` (one N-API call per key and value) at 1.5-4x slower than JSON text at
 *   every payload size (docs/benchmarks.md). `'objects'` keeps the object exports for
 *   everything, for comparison. The other operations always use objects.
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
  checkArgument,
  checkBootstrapConfig,
  checkCheckpointYieldData,
  checkId,
  checkListTasksParams,
  checkLogFields,
  checkStepExecutionResult,
  checkTaskRequest,
} from '../validate.js';
import { fromNapiClientFailure, fromNapiThrown } from './error-mapping.js';
import { loadFailed, resolveNapiModule } from './locate.js';
import { NAPI_EXPORTS, type NapiAddon, type NapiClientJsonResult, type NapiClientResult } from './napi-addon.js';
import {
  fromLegacyDomainEvent,
  fromLegacyStepEvent,
  toLegacyCheckpoint,
  toLegacyListParams,
  toLegacyStepResult,
  toLegacyTaskRequest,
  type LegacyDomainEvent,
  type LegacyStepEvent,
} from './koffi-conversions.js';
import { TaskerError } from '../errors.js';
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
  /**
   * How free-form JSON crosses: `'json'` (default; JSON text in N-API strings, the faster) or
   * `'objects'` (napi-rs' object conversion for every operation).
   */
  transfer?: NapiTransfer;
}

export type NapiTransfer = 'json' | 'objects';

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

/** JSON text the addon wrote; unreadable text is an internal error, as on the koffi side. */
function parseResult(what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TaskerError('INTERNAL', `Internal error: ${what} returned malformed JSON: ${String(error)}`, {
      recoverable: true,
      cause: error,
    });
  }
}

/** A `client*Json` envelope: its data (parsed), or its error thrown. */
function unwrapClientJson(what: string, call: () => NapiClientJsonResult): unknown {
  const result = guarded(call);
  if (!result.success) throw fromNapiClientFailure(result);
  return result.dataJson == null ? null : parseResult(what, result.dataJson);
}

export class NapiBackend implements TaskerFfi {
  readonly backend: BackendName = 'napi';
  /** The loader or `.node` file this instance required. */
  readonly libraryPath: string;
  /** How free-form JSON crosses (see the module docs). */
  readonly transfer: NapiTransfer;
  private readonly addon: NapiAddon;
  private readonly json: boolean;

  constructor(options: NapiBackendOptions = {}) {
    this.libraryPath = resolveNapiModule(options.libraryPath);
    this.addon = loadAddon(this.libraryPath);
    this.transfer = options.transfer ?? 'json';
    this.json = this.transfer === 'json';
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
    if (this.json) {
      const text = guarded(() => this.addon.pollStepEventsJson());
      return text == null ? null : fromLegacyStepEvent(parseResult('pollStepEventsJson', text) as LegacyStepEvent);
    }
    const event = guarded(() => this.addon.pollStepEvents());
    return event == null ? null : fromNapiStepEvent(event);
  }

  pollInProcessEvents(): DomainEvent | null {
    if (this.json) {
      const text = guarded(() => this.addon.pollInProcessEventsJson());
      return text == null ? null : fromLegacyDomainEvent(parseResult('pollInProcessEventsJson', text) as LegacyDomainEvent);
    }
    const event = guarded(() => this.addon.pollInProcessEvents());
    return event == null ? null : fromNapiDomainEvent(event);
  }

  completeStepEvent(eventId: string, result: StepExecutionResult): boolean {
    const id = checkId(eventId, 'eventId');
    const checked = checkStepExecutionResult(result);
    if (this.json) {
      const text = JSON.stringify(toLegacyStepResult(checked));
      return guarded(() => this.addon.completeStepEventJson(id, text));
    }
    const input = toNapiStepResult(checked);
    return guarded(() => this.addon.completeStepEvent(id, input));
  }

  checkpointYieldStepEvent(eventId: string, data: CheckpointYieldData): boolean {
    const id = checkId(eventId, 'eventId');
    const checked = checkCheckpointYieldData(data);
    if (this.json) {
      const text = JSON.stringify(toLegacyCheckpoint(checked));
      return guarded(() => this.addon.checkpointYieldStepEventJson(id, text));
    }
    const input = toNapiCheckpoint(checked);
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
    const text = checkArgument(message, 'message');
    const checked = checkLogFields(fields);
    if (this.json) {
      const json = checked === undefined ? undefined : JSON.stringify(checked);
      const twin = `${level}Json` as const;
      guarded(() => (json === undefined ? this.addon[twin](text) : this.addon[twin](text, json)));
      return;
    }
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
    const checked = checkTaskRequest(request);
    if (this.json) {
      const text = JSON.stringify(toLegacyTaskRequest(checked));
      return unwrapClientJson('clientCreateTaskJson', () => this.addon.clientCreateTaskJson(text)) as TaskResponse;
    }
    const input = toNapiTaskRequest(checked);
    return unwrapClient(() => this.addon.clientCreateTask(input)) as TaskResponse;
  }

  clientGetTask(taskUuid: string): TaskResponse {
    const id = checkId(taskUuid, 'taskUuid');
    if (this.json) return unwrapClientJson('clientGetTaskJson', () => this.addon.clientGetTaskJson(id)) as TaskResponse;
    return unwrapClient(() => this.addon.clientGetTask(id)) as TaskResponse;
  }

  clientListTasks(params?: ListTasksParams): TaskListResponse {
    const checked = checkListTasksParams(params);
    if (this.json) {
      const text = checked === undefined ? undefined : JSON.stringify(toLegacyListParams(checked));
      return unwrapClientJson('clientListTasksJson', () => this.addon.clientListTasksJson(text)) as TaskListResponse;
    }
    const input = toNapiListParams(checked);
    return unwrapClient(() => this.addon.clientListTasks(input)) as TaskListResponse;
  }

  clientCancelTask(taskUuid: string): TaskResponse {
    const id = checkId(taskUuid, 'taskUuid');
    if (this.json) return unwrapClientJson('clientCancelTaskJson', () => this.addon.clientCancelTaskJson(id)) as TaskResponse;
    return unwrapClient(() => this.addon.clientCancelTask(id)) as TaskResponse;
  }

  clientListTaskSteps(taskUuid: string): StepReadiness[] {
    const id = checkId(taskUuid, 'taskUuid');
    if (this.json) {
      return unwrapClientJson('clientListTaskStepsJson', () => this.addon.clientListTaskStepsJson(id)) as StepReadiness[];
    }
    return unwrapClient(() => this.addon.clientListTaskSteps(id)) as StepReadiness[];
  }

  clientGetStep(taskUuid: string, stepUuid: string): StepReadiness {
    const task = checkId(taskUuid, 'taskUuid');
    const step = checkId(stepUuid, 'stepUuid');
    if (this.json) return unwrapClientJson('clientGetStepJson', () => this.addon.clientGetStepJson(task, step)) as StepReadiness;
    return unwrapClient(() => this.addon.clientGetStep(task, step)) as StepReadiness;
  }

  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditRecord[] {
    const task = checkId(taskUuid, 'taskUuid');
    const step = checkId(stepUuid, 'stepUuid');
    if (this.json) {
      const call = () => this.addon.clientGetStepAuditHistoryJson(task, step);
      return unwrapClientJson('clientGetStepAuditHistoryJson', call) as StepAuditRecord[];
    }
    return unwrapClient(() => this.addon.clientGetStepAuditHistory(task, step)) as StepAuditRecord[];
  }

  clientHealthCheck(): HealthResponse {
    if (this.json) return unwrapClientJson('clientHealthCheckJson', () => this.addon.clientHealthCheckJson()) as HealthResponse;
    return unwrapClient(() => this.addon.clientHealthCheck()) as HealthResponse;
  }
}
