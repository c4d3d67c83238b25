/**
 * `TaskerClient`: tasker's high-level client API (createTask, getTask, listTasks, cancelTask,
 * listTaskSteps, getStep, getStepAuditHistory, healthCheck) over either bridge.
 *
 * It keeps the old client's defaults and its error wording: a failure is rethrown as
 * `TaskerClientError` with message `"<C symbol> failed: <core message>"` and the same `code`, e.g.
 * `client_create_task failed: Invalid argument: …`. Results are the server's JSON (snake_case).
 */
import type {
  HealthResponse,
  JsonValue,
  ListTasksParams,
  StepAuditRecord,
  StepReadiness,
  TaskerFfi,
  TaskListResponse,
  TaskRequest,
  TaskResponse,
} from './contract.js';
import { TaskerClientError, TaskerError } from './errors.js';
import { loadBackend } from './select.js';

/** Options of `createTask`; only `name` is required, the rest has the old client's defaults. */
export interface CreateTaskOptions {
  name: string;
  /** Default `'default'`. */
  namespace?: string;
  /** Default `'1.0.0'`. */
  version?: string;
  /** Default `{}`. */
  context?: JsonValue;
  /** Default `'tasker-core-typescript'`. */
  initiator?: string;
  /** Default `'tasker-core'`. */
  sourceSystem?: string;
  /** Default `'Task requested'`. */
  reason?: string;
  /** Default `[]`. */
  tags?: string[];
  priority?: number;
  correlationId?: string;
  parentCorrelationId?: string;
  idempotencyKey?: string;
  options?: JsonValue;
  /** Sent as given; if absent, see `createTask` for what each backend does. */
  requestedAt?: string;
}

export class TaskerClient {
  readonly ffi: TaskerFfi;

  /** A client over `ffi`, or over `loadBackend()` (napi unless `TASKER_FFI_BACKEND` says otherwise). */
  constructor(ffi: TaskerFfi = loadBackend()) {
    this.ffi = ffi;
  }

  /** Runs one client operation; its failure becomes the old client's `TaskerClientError`. */
  private call<T>(symbol: string, operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof TaskerError) {
        throw new TaskerClientError(error.code, `${symbol} failed: ${error.message}`, {
          recoverable: error.recoverable,
          cause: error,
        });
      }
      throw error;
    }
  }

  createTask(options: CreateTaskOptions): TaskResponse {
    const request: TaskRequest = {
      name: options.name,
      namespace: options.namespace ?? 'default',
      version: options.version ?? '1.0.0',
      context: options.context ?? {},
      initiator: options.initiator ?? 'tasker-core-typescript',
      sourceSystem: options.sourceSystem ?? 'tasker-core',
      reason: options.reason ?? 'Task requested',
      tags: options.tags ?? [],
    };
    if (options.priority !== undefined) request.priority = options.priority;
    if (options.correlationId !== undefined) request.correlationId = options.correlationId;
    if (options.parentCorrelationId !== undefined) request.parentCorrelationId = options.parentCorrelationId;
    if (options.idempotencyKey !== undefined) request.idempotencyKey = options.idempotencyKey;
    if (options.options !== undefined) request.options = options.options;
    if (options.requestedAt !== undefined) {
      request.requestedAt = options.requestedAt;
    } else if (this.ffi.backend === 'koffi') {
      // Historical fidelity (TAS-283): the koffi-era client stamped every request with
      // `new Date().toISOString()`; the napi path leaves `requested_at` to Rust. Kept on purpose
      // so the koffi path behaves as it did in production; do not "fix" it here.
      request.requestedAt = new Date().toISOString();
    }
    return this.call('client_create_task', () => this.ffi.clientCreateTask(request));
  }

  getTask(taskUuid: string): TaskResponse {
    return this.call('client_get_task', () => this.ffi.clientGetTask(taskUuid));
  }

  listTasks(params: ListTasksParams = {}): TaskListResponse {
    return this.call('client_list_tasks', () => this.ffi.clientListTasks(params));
  }

  cancelTask(taskUuid: string): TaskResponse {
    return this.call('client_cancel_task', () => this.ffi.clientCancelTask(taskUuid));
  }

  listTaskSteps(taskUuid: string): StepReadiness[] {
    return this.call('client_list_task_steps', () => this.ffi.clientListTaskSteps(taskUuid));
  }

  getStep(taskUuid: string, stepUuid: string): StepReadiness {
    return this.call('client_get_step', () => this.ffi.clientGetStep(taskUuid, stepUuid));
  }

  getStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditRecord[] {
    return this.call('client_get_step_audit_history', () => this.ffi.clientGetStepAuditHistory(taskUuid, stepUuid));
  }

  healthCheck(): HealthResponse {
    return this.call('client_health_check', () => this.ffi.clientHealthCheck());
  }
}
