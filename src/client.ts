/**
 * `TaskerClient`: tasker's high-level client API (createTask, getTask, listTasks, cancelTask,
 * listTaskSteps, getStep, getStepAuditHistory, healthCheck) over either bridge.
 *
 * It keeps tasker's client defaults; a failure is rethrown as `TaskerClientError` with the same
 * `code`, message and `recoverable`, as tasker's client rethrew the bridge's error. Results are the
 * server's JSON (snake_case).
 */
import type {
  CancelResponse,
  HealthResponse,
  JsonValue,
  ListTasksParams,
  StepAuditResponse,
  StepResponse,
  TaskerFfi,
  TaskListResponse,
  TaskRequest,
  TaskResponse,
} from './contract.js';
import { TaskerClientError, TaskerError } from './errors.js';
import { loadBackend } from './select.js';

/** The fields of `createTask` that have the old client's defaults. */
type DefaultedField = 'namespace' | 'version' | 'context' | 'initiator' | 'sourceSystem' | 'reason';

/**
 * Options of `createTask`: a `TaskRequest` where only `name` is required. Defaults: `namespace`
 * `'default'`, `version` `'1.0.0'`, `context` `{}`, `initiator` `'tasker-core-typescript'`,
 * `sourceSystem` `'tasker-core'`, `reason` `'Task requested'`, `tags` `[]`; `requestedAt` is sent as
 * given (if absent, see `createTask` for what each backend does).
 */
export type CreateTaskOptions = Omit<TaskRequest, DefaultedField> & Partial<Pick<TaskRequest, DefaultedField>>;

export class TaskerClient {
  readonly ffi: TaskerFfi;

  /** A client over `ffi`, or over `loadBackend()` (napi unless `TASKER_FFI_BACKEND` says otherwise). */
  constructor(ffi: TaskerFfi = loadBackend()) {
    this.ffi = ffi;
  }

  /** Runs one client operation; its failure becomes a `TaskerClientError`. */
  private call<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof TaskerError) {
        throw new TaskerClientError(error.code, error.message, {
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
    return this.call(() => this.ffi.clientCreateTask(request));
  }

  getTask(taskUuid: string): TaskResponse {
    return this.call(() => this.ffi.clientGetTask(taskUuid));
  }

  /** tasker's defaults: `limit` 50, `offset` 0. */
  listTasks(params: ListTasksParams = {}): TaskListResponse {
    return this.call(() => this.ffi.clientListTasks(params));
  }

  cancelTask(taskUuid: string): CancelResponse {
    return this.call(() => this.ffi.clientCancelTask(taskUuid));
  }

  listTaskSteps(taskUuid: string): StepResponse[] {
    return this.call(() => this.ffi.clientListTaskSteps(taskUuid));
  }

  getStep(taskUuid: string, stepUuid: string): StepResponse {
    return this.call(() => this.ffi.clientGetStep(taskUuid, stepUuid));
  }

  getStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditResponse[] {
    return this.call(() => this.ffi.clientGetStepAuditHistory(taskUuid, stepUuid));
  }

  healthCheck(): HealthResponse {
    return this.call(() => this.ffi.clientHealthCheck());
  }
}
