/**
 * The legacy bridge: the C-ABI `cdylib` (docs/legacy-abi.md) loaded with koffi 3.
 *
 * - Every symbol is declared once, in `PROTOTYPES` below, as the C prototype of the ABI doc.
 * - Every `char *` the library returns is freed exactly once: it is declared with a koffi
 *   *disposable* type whose dispose function is the library's own `free_rust_string`, so koffi
 *   frees the pointer right after decoding it into a JS string (and NULL comes back as `null`).
 *   `liveStrings()` reads `legacy_live_strings()` so tests can prove nothing leaks.
 * - Envelopes become data or `TaskerError`; an `int` -1 or a NULL that means failure becomes
 *   the `TaskerError` of `legacy_last_error()`.
 * - Arguments are checked (`validate.ts`) before any call: koffi takes a number passed for a
 *   `const char *` as an address, so nothing but a string (or null where the ABI allows NULL)
 *   may ever reach a string parameter.
 */

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
import { TaskerError } from '../errors.js';
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
import { fromLegacyFailure, type LegacyFailureJson } from './error-mapping.js';
import {
  fromLegacyBootstrapResult,
  fromLegacyDispatchMetrics,
  fromLegacyDomainEvent,
  fromLegacyStepEvent,
  fromLegacyWorkerStatus,
  toLegacyBootstrapConfig,
  toLegacyCheckpoint,
  toLegacyListParams,
  toLegacyStepResult,
  toLegacyTaskRequest,
  type LegacyBootstrapResult,
  type LegacyDispatchMetrics,
  type LegacyDomainEvent,
  type LegacyStepEvent,
  type LegacyWorkerStatus,
} from './koffi-conversions.js';
import { openLegacyLibrary, type LegacyLibrary } from './legacy-library.js';
import { loadFailed, resolveLegacyLibrary } from './locate.js';

/** A C string owned by Rust: decoded, then freed with `free_rust_string`. */
type RustString = string | null;

/** The JS side of every symbol of the legacy library (docs/legacy-abi.md). */
interface LegacySymbols {
  get_version(): RustString;
  get_rust_version(): RustString;
  health_check(): number;
  is_worker_running(): number;
  bootstrap_worker(configJson: string | null): RustString;
  get_worker_status(): RustString;
  stop_worker(): RustString;
  transition_to_graceful_shutdown(): RustString;
  poll_step_events(): RustString;
  poll_in_process_events(): RustString;
  complete_step_event(eventId: string, resultJson: string): number;
  checkpoint_yield_step_event(eventId: string, checkpointJson: string): number;
  get_ffi_dispatch_metrics(): RustString;
  check_starvation_warnings(): number;
  cleanup_timeouts(): number;
  log_error(message: string, fieldsJson: string | null): number;
  log_warn(message: string, fieldsJson: string | null): number;
  log_info(message: string, fieldsJson: string | null): number;
  log_debug(message: string, fieldsJson: string | null): number;
  log_trace(message: string, fieldsJson: string | null): number;
  client_create_task(requestJson: string): RustString;
  client_get_task(taskUuid: string): RustString;
  client_list_tasks(paramsJson: string | null): RustString;
  client_cancel_task(taskUuid: string): RustString;
  client_list_task_steps(taskUuid: string): RustString;
  client_get_step(taskUuid: string, stepUuid: string): RustString;
  client_get_step_audit_history(taskUuid: string, stepUuid: string): RustString;
  client_health_check(): RustString;
  legacy_live_strings(): number | bigint;
  legacy_last_error(): RustString;
}
type SymbolName = keyof LegacySymbols;

/**
 * Every symbol, declared once, as the C prototype of docs/legacy-abi.md. `RustString` is a
 * `char *` the caller owns (a disposable type bound to this library's `free_rust_string`).
 * `free_rust_string` itself is declared separately, before this table, since the type needs it.
 */
const PROTOTYPES: { readonly [K in SymbolName]: string } = {
  get_version: 'RustString get_version(void)',
  get_rust_version: 'RustString get_rust_version(void)',
  health_check: 'int health_check(void)',
  is_worker_running: 'int is_worker_running(void)',
  bootstrap_worker: 'RustString bootstrap_worker(const char *config_json)',
  get_worker_status: 'RustString get_worker_status(void)',
  stop_worker: 'RustString stop_worker(void)',
  transition_to_graceful_shutdown: 'RustString transition_to_graceful_shutdown(void)',
  poll_step_events: 'RustString poll_step_events(void)',
  poll_in_process_events: 'RustString poll_in_process_events(void)',
  complete_step_event: 'int complete_step_event(const char *event_id, const char *result_json)',
  checkpoint_yield_step_event: 'int checkpoint_yield_step_event(const char *event_id, const char *checkpoint_json)',
  get_ffi_dispatch_metrics: 'RustString get_ffi_dispatch_metrics(void)',
  check_starvation_warnings: 'int check_starvation_warnings(void)',
  cleanup_timeouts: 'int cleanup_timeouts(void)',
  log_error: 'int log_error(const char *message, const char *fields_json)',
  log_warn: 'int log_warn(const char *message, const char *fields_json)',
  log_info: 'int log_info(const char *message, const char *fields_json)',
  log_debug: 'int log_debug(const char *message, const char *fields_json)',
  log_trace: 'int log_trace(const char *message, const char *fields_json)',
  client_create_task: 'RustString client_create_task(const char *request_json)',
  client_get_task: 'RustString client_get_task(const char *task_uuid)',
  client_list_tasks: 'RustString client_list_tasks(const char *params_json)',
  client_cancel_task: 'RustString client_cancel_task(const char *task_uuid)',
  client_list_task_steps: 'RustString client_list_task_steps(const char *task_uuid)',
  client_get_step: 'RustString client_get_step(const char *task_uuid, const char *step_uuid)',
  client_get_step_audit_history:
    'RustString client_get_step_audit_history(const char *task_uuid, const char *step_uuid)',
  client_health_check: 'RustString client_health_check(void)',
  legacy_live_strings: 'uint64_t legacy_live_strings(void)',
  legacy_last_error: 'RustString legacy_last_error(void)',
};

type Envelope = { success: true; data: unknown } | LegacyFailureJson;

export interface KoffiBackendOptions {
  /** The shared library; default: `TASKER_LEGACY_LIB`, else `target/{release,debug}/libtasker_legacy.so`. */
  libraryPath?: string;
}

export class KoffiBackend implements TaskerFfi {
  readonly backend: BackendName = 'koffi';
  /** The shared library this instance loaded. */
  readonly libraryPath: string;
  private readonly sym: LegacySymbols;
  private readonly library: LegacyLibrary;

  constructor(options: KoffiBackendOptions = {}) {
    this.libraryPath = resolveLegacyLibrary(options.libraryPath);
    try {
      this.library = openLegacyLibrary(this.libraryPath);
      const sym: Partial<Record<SymbolName, unknown>> = {};
      for (const name of Object.keys(PROTOTYPES) as SymbolName[]) sym[name] = this.library.func(PROTOTYPES[name]);
      this.sym = sym as LegacySymbols;
    } catch (error) {
      throw loadFailed('koffi', this.libraryPath, error);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Diagnostics (not part of the contract)
  // ------------------------------------------------------------------------------------------

  /** Strings the library handed out and that were not freed yet (`legacy_live_strings()`). */
  liveStrings(): number {
    return Number(this.sym.legacy_live_strings());
  }

  /** Strings this adapter has freed so far through `free_rust_string`. */
  freedStrings(): number {
    return this.library.freed();
  }

  // ------------------------------------------------------------------------------------------
  // The one way each kind of return becomes a result or a TaskerError
  // ------------------------------------------------------------------------------------------

  private parse(symbol: SymbolName, text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new TaskerError('INTERNAL', `Internal error: ${symbol} returned malformed JSON: ${String(error)}`, {
        recoverable: true,
        cause: error,
      });
    }
  }

  /** The error of a call that returned -1 or a failing NULL: `legacy_last_error()`. */
  private lastError(symbol: SymbolName): TaskerError {
    const text = this.sym.legacy_last_error();
    if (text === null) {
      return new TaskerError('INTERNAL', `Internal error: ${symbol} failed without reporting an error`, {
        recoverable: true,
      });
    }
    return fromLegacyFailure(this.parse('legacy_last_error', text) as LegacyFailureJson);
  }

  /** A `char *` envelope: its data, or its error thrown. */
  private unwrap(symbol: SymbolName, text: RustString): unknown {
    if (text === null) throw this.lastError(symbol);
    const envelope = this.parse(symbol, text) as Envelope;
    if (envelope.success === true) return envelope.data;
    throw fromLegacyFailure(envelope);
  }

  /** A `char *` that is NULL when there is nothing (or on error: then the last error is set). */
  private optional(symbol: SymbolName, text: RustString): unknown {
    if (text !== null) return this.parse(symbol, text);
    const pending = this.sym.legacy_last_error();
    if (pending === null) return null;
    throw fromLegacyFailure(this.parse('legacy_last_error', pending) as LegacyFailureJson);
  }

  /** An `int` status: -1 is failure (see the last error); anything else is returned. */
  private status(symbol: SymbolName, value: number): number {
    if (value === -1) throw this.lastError(symbol);
    return value;
  }

  private plainText(symbol: SymbolName, text: RustString): string {
    if (text === null) throw this.lastError(symbol);
    return text;
  }

  // ------------------------------------------------------------------------------------------
  // The contract
  // ------------------------------------------------------------------------------------------

  getVersion(): string {
    return this.plainText('get_version', this.sym.get_version());
  }

  getRustVersion(): string {
    return this.plainText('get_rust_version', this.sym.get_rust_version());
  }

  healthCheck(): boolean {
    return this.status('health_check', this.sym.health_check()) === 1;
  }

  isWorkerRunning(): boolean {
    return this.status('is_worker_running', this.sym.is_worker_running()) === 1;
  }

  bootstrapWorker(config?: BootstrapConfig): BootstrapResult {
    const checked = checkBootstrapConfig(config);
    const json = checked === undefined ? null : JSON.stringify(toLegacyBootstrapConfig(checked));
    const data = this.unwrap('bootstrap_worker', this.sym.bootstrap_worker(json));
    return fromLegacyBootstrapResult(data as LegacyBootstrapResult);
  }

  getWorkerStatus(): WorkerStatus {
    return fromLegacyWorkerStatus(this.unwrap('get_worker_status', this.sym.get_worker_status()) as LegacyWorkerStatus);
  }

  stopWorker(): WorkerStatus {
    return fromLegacyWorkerStatus(this.unwrap('stop_worker', this.sym.stop_worker()) as LegacyWorkerStatus);
  }

  transitionToGracefulShutdown(): WorkerStatus {
    const data = this.unwrap('transition_to_graceful_shutdown', this.sym.transition_to_graceful_shutdown());
    return fromLegacyWorkerStatus(data as LegacyWorkerStatus);
  }

  pollStepEvents(): StepEvent | null {
    const data = this.optional('poll_step_events', this.sym.poll_step_events());
    return data === null ? null : fromLegacyStepEvent(data as LegacyStepEvent);
  }

  pollInProcessEvents(): DomainEvent | null {
    const data = this.optional('poll_in_process_events', this.sym.poll_in_process_events());
    return data === null ? null : fromLegacyDomainEvent(data as LegacyDomainEvent);
  }

  completeStepEvent(eventId: string, result: StepExecutionResult): boolean {
    const id = checkId(eventId, 'eventId');
    const json = JSON.stringify(toLegacyStepResult(checkStepExecutionResult(result)));
    return this.status('complete_step_event', this.sym.complete_step_event(id, json)) === 1;
  }

  checkpointYieldStepEvent(eventId: string, data: CheckpointYieldData): boolean {
    const id = checkId(eventId, 'eventId');
    const json = JSON.stringify(toLegacyCheckpoint(checkCheckpointYieldData(data)));
    return this.status('checkpoint_yield_step_event', this.sym.checkpoint_yield_step_event(id, json)) === 1;
  }

  getFfiDispatchMetrics(): DispatchMetrics {
    const data = this.unwrap('get_ffi_dispatch_metrics', this.sym.get_ffi_dispatch_metrics());
    return fromLegacyDispatchMetrics(data as LegacyDispatchMetrics);
  }

  checkStarvationWarnings(): void {
    this.status('check_starvation_warnings', this.sym.check_starvation_warnings());
  }

  cleanupTimeouts(): void {
    this.status('cleanup_timeouts', this.sym.cleanup_timeouts());
  }

  private log(symbol: 'log_error' | 'log_warn' | 'log_info' | 'log_debug' | 'log_trace', message: string, fields?: JsonObject): void {
    const text = checkArgument(message, 'message');
    const checked = checkLogFields(fields);
    const json = checked === undefined ? null : JSON.stringify(checked);
    this.status(symbol, this.sym[symbol](text, json));
  }

  logError(message: string, fields?: JsonObject): void {
    this.log('log_error', message, fields);
  }

  logWarn(message: string, fields?: JsonObject): void {
    this.log('log_warn', message, fields);
  }

  logInfo(message: string, fields?: JsonObject): void {
    this.log('log_info', message, fields);
  }

  logDebug(message: string, fields?: JsonObject): void {
    this.log('log_debug', message, fields);
  }

  logTrace(message: string, fields?: JsonObject): void {
    this.log('log_trace', message, fields);
  }

  clientCreateTask(request: TaskRequest): TaskResponse {
    const json = JSON.stringify(toLegacyTaskRequest(checkTaskRequest(request)));
    return this.unwrap('client_create_task', this.sym.client_create_task(json)) as TaskResponse;
  }

  clientGetTask(taskUuid: string): TaskResponse {
    const id = checkId(taskUuid, 'taskUuid');
    return this.unwrap('client_get_task', this.sym.client_get_task(id)) as TaskResponse;
  }

  clientListTasks(params?: ListTasksParams): TaskListResponse {
    const checked = checkListTasksParams(params);
    const json = checked === undefined ? null : JSON.stringify(toLegacyListParams(checked));
    return this.unwrap('client_list_tasks', this.sym.client_list_tasks(json)) as TaskListResponse;
  }

  clientCancelTask(taskUuid: string): TaskResponse {
    const id = checkId(taskUuid, 'taskUuid');
    return this.unwrap('client_cancel_task', this.sym.client_cancel_task(id)) as TaskResponse;
  }

  clientListTaskSteps(taskUuid: string): StepReadiness[] {
    const id = checkId(taskUuid, 'taskUuid');
    return this.unwrap('client_list_task_steps', this.sym.client_list_task_steps(id)) as StepReadiness[];
  }

  clientGetStep(taskUuid: string, stepUuid: string): StepReadiness {
    const task = checkId(taskUuid, 'taskUuid');
    const step = checkId(stepUuid, 'stepUuid');
    return this.unwrap('client_get_step', this.sym.client_get_step(task, step)) as StepReadiness;
  }

  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditRecord[] {
    const task = checkId(taskUuid, 'taskUuid');
    const step = checkId(stepUuid, 'stepUuid');
    const data = this.unwrap('client_get_step_audit_history', this.sym.client_get_step_audit_history(task, step));
    return data as StepAuditRecord[];
  }

  clientHealthCheck(): HealthResponse {
    return this.unwrap('client_health_check', this.sym.client_health_check()) as HealthResponse;
  }
}
