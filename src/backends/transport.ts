/**
 * The two transports of the one wire (docs/legacy-abi.md): every operation is one function of the
 * koffi-era C ABI, taking text arguments and answering with text or an `int`. The koffi transport
 * calls the C symbols with C strings; the napi transport calls the addon's `<operation>Json` twins
 * with N-API strings; both answer with the same text. `WireBackend` (wire-backend.ts) is the one
 * algorithm over either.
 */
import { OPERATIONS, type BackendName, type OperationName } from '../contract.js';

/**
 * How an operation's answer says success or failure (the C ABI's conventions, per symbol):
 * - `text`: a plain string (the versions); NULL is a failure;
 * - `flag`: `int` 1 / 0; -1 is a failure;
 * - `status`: `int` 0; -1 is a failure (the historically `void` symbols);
 * - `accepted`: `int` 1 accepted / 0 not accepted; -1 is a failure;
 * - `lifecycle`: a JSON object; `{"success":false,"error":…}` is a failure;
 * - `optional`: JSON text, or NULL for "nothing" — and for a failure, told by the last error;
 * - `bare`: a JSON object without an envelope; `{"success":false,"error":…}` is a failure;
 * - `envelope`: the client envelope `{"success":true,"data":…}` or `{"success":false,"error":…}`.
 */
export type ResultKind = 'text' | 'flag' | 'status' | 'accepted' | 'lifecycle' | 'optional' | 'bare' | 'envelope';

export type IntKind = 'flag' | 'status' | 'accepted';

export interface WireOperation {
  /** The C symbol; the napi twin is the operation's name + `Json`. */
  readonly symbol: string;
  readonly kind: ResultKind;
  /** The C parameter names (all `const char *`); `?` marks one that may be NULL. */
  readonly params: readonly string[];
}

/** Every operation of the contract on the wire. */
export const WIRE: { readonly [K in OperationName]: WireOperation } = {
  getVersion: { symbol: 'get_version', kind: 'text', params: [] },
  getRustVersion: { symbol: 'get_rust_version', kind: 'text', params: [] },
  healthCheck: { symbol: 'health_check', kind: 'flag', params: [] },
  isWorkerRunning: { symbol: 'is_worker_running', kind: 'flag', params: [] },
  bootstrapWorker: { symbol: 'bootstrap_worker', kind: 'lifecycle', params: ['config_json?'] },
  getWorkerStatus: { symbol: 'get_worker_status', kind: 'lifecycle', params: [] },
  stopWorker: { symbol: 'stop_worker', kind: 'lifecycle', params: [] },
  transitionToGracefulShutdown: { symbol: 'transition_to_graceful_shutdown', kind: 'lifecycle', params: [] },
  pollStepEvents: { symbol: 'poll_step_events', kind: 'optional', params: [] },
  pollInProcessEvents: { symbol: 'poll_in_process_events', kind: 'optional', params: [] },
  completeStepEvent: { symbol: 'complete_step_event', kind: 'accepted', params: ['event_id', 'result_json'] },
  checkpointYieldStepEvent: { symbol: 'checkpoint_yield_step_event', kind: 'accepted', params: ['event_id', 'checkpoint_json'] },
  getFfiDispatchMetrics: { symbol: 'get_ffi_dispatch_metrics', kind: 'bare', params: [] },
  checkStarvationWarnings: { symbol: 'check_starvation_warnings', kind: 'status', params: [] },
  cleanupTimeouts: { symbol: 'cleanup_timeouts', kind: 'status', params: [] },
  logError: { symbol: 'log_error', kind: 'status', params: ['message', 'fields_json?'] },
  logWarn: { symbol: 'log_warn', kind: 'status', params: ['message', 'fields_json?'] },
  logInfo: { symbol: 'log_info', kind: 'status', params: ['message', 'fields_json?'] },
  logDebug: { symbol: 'log_debug', kind: 'status', params: ['message', 'fields_json?'] },
  logTrace: { symbol: 'log_trace', kind: 'status', params: ['message', 'fields_json?'] },
  clientCreateTask: { symbol: 'client_create_task', kind: 'envelope', params: ['request_json'] },
  clientGetTask: { symbol: 'client_get_task', kind: 'envelope', params: ['task_uuid'] },
  clientListTasks: { symbol: 'client_list_tasks', kind: 'envelope', params: ['params_json'] },
  clientCancelTask: { symbol: 'client_cancel_task', kind: 'envelope', params: ['task_uuid'] },
  clientListTaskSteps: { symbol: 'client_list_task_steps', kind: 'envelope', params: ['task_uuid'] },
  clientGetStep: { symbol: 'client_get_step', kind: 'envelope', params: ['task_uuid', 'step_uuid'] },
  clientGetStepAuditHistory: { symbol: 'client_get_step_audit_history', kind: 'envelope', params: ['task_uuid', 'step_uuid'] },
  clientHealthCheck: { symbol: 'client_health_check', kind: 'envelope', params: [] },
};

export const isIntKind = (kind: ResultKind): kind is IntKind => kind === 'flag' || kind === 'status' || kind === 'accepted';

/** Carries one call across a bridge. Arguments are already checked: strings, or null where allowed. */
export interface Transport {
  readonly backend: BackendName;
  /** The binary this transport loaded. */
  readonly libraryPath: string;
  /** An operation answering with text (NULL: `null`). */
  text(operation: OperationName, args: readonly (string | null)[]): string | null;
  /** An operation answering with an `int`. */
  int(operation: OperationName, args: readonly (string | null)[]): number;
  /** `legacy_last_error()`: this thread's last failure as JSON `{code, message, recoverable}`, or `null`. */
  lastError(): string | null;
}

/** A native function of the wire: text (or NULL) in, text, NULL or an `int` out. */
export type NativeFunction = (...args: (string | null)[]) => unknown;

/** The native functions of one binary: one per operation, and its last-error function. */
export interface FunctionTable {
  readonly functions: Record<OperationName, NativeFunction>;
  readonly lastError: () => string | null;
}

/** Builds the per-operation part of a table from `find` (which throws or returns the function). */
export function functionsOf(find: (operation: OperationName) => NativeFunction): Record<OperationName, NativeFunction> {
  return Object.fromEntries(OPERATIONS.map((operation) => [operation, find(operation)])) as Record<OperationName, NativeFunction>;
}

/** Both transports are a table of native functions over text; only how the table is loaded differs. */
export class FunctionTableTransport implements Transport {
  constructor(
    readonly backend: BackendName,
    readonly libraryPath: string,
    private readonly table: FunctionTable,
  ) {}

  text(operation: OperationName, args: readonly (string | null)[]): string | null {
    return this.table.functions[operation](...args) as string | null;
  }

  int(operation: OperationName, args: readonly (string | null)[]): number {
    return this.table.functions[operation](...args) as number;
  }

  lastError(): string | null {
    return this.table.lastError();
  }
}
