/**
 * The one implementation of the contract over either bridge: for every operation
 *
 *   check (validate.ts) -> to wire (wire.ts) -> JSON text -> transport -> answer -> from wire
 *
 * The transports differ only in how text crosses (C strings through koffi, N-API strings through
 * the addon's `*Json` twins); both answer with the koffi-era C ABI's text and report failures the
 * same way, so one algorithm reads both: each operation's answer is decoded by its `ResultKind`
 * (transport.ts), and a failure becomes the `TaskerError` of the bridge's last error
 * (`legacy_last_error` / `lastErrorJson`: code, core message, recoverable).
 */
import type {
  BackendName,
  BootstrapConfig,
  BootstrapResult,
  CancelResponse,
  CheckpointYieldData,
  DispatchMetrics,
  DomainEvent,
  HealthResponse,
  JsonObject,
  ListTasksParams,
  OperationName,
  StepAuditResponse,
  StepEvent,
  StepExecutionResult,
  StepResponse,
  TaskerFfi,
  TaskListResponse,
  TaskRequest,
  TaskResponse,
  WorkerStatus,
} from '../contract.js';
import { TaskerError } from '../errors.js';
import type { JsonPolicy } from '../json-policy.js';
import { ArgumentChecks } from '../validate.js';
import { fromLastError } from './error-mapping.js';
import { WIRE, type Transport } from './transport.js';
import {
  fromWireBootstrapResult,
  fromWireDispatchMetrics,
  fromWireDomainEvent,
  fromWireStepEvent,
  fromWireStopResult,
  fromWireTransitionResult,
  fromWireWorkerStatus,
  toWireBootstrapConfig,
  toWireCheckpoint,
  toWireListParams,
  toWireStepResult,
  toWireTaskRequest,
  type BootstrapResultDto,
  type DispatchMetricsDto,
  type DomainEventDto,
  type StepEventDto,
  type StopResultDto,
  type TransitionResultDto,
  type WorkerStatusDto,
} from './wire.js';

export interface WireBackendOptions {
  /**
   * The rules for free-form JSON and strings (default: the contract's). Only the parity harness
   * sets another one, to show what the bridges do without the contract's rules.
   */
  policy?: JsonPolicy;
}

type Args = readonly (string | null)[];

interface FailureObject {
  success: false;
  error?: unknown;
}

const isFailure = (value: unknown): value is FailureObject =>
  typeof value === 'object' && value !== null && (value as { success?: unknown }).success === false;

export class WireBackend implements TaskerFfi {
  readonly backend: BackendName;
  /** The binary the transport loaded. */
  readonly libraryPath: string;
  private readonly checks: ArgumentChecks;

  constructor(
    private readonly transport: Transport,
    options: WireBackendOptions = {},
  ) {
    this.backend = transport.backend;
    this.libraryPath = transport.libraryPath;
    this.checks = new ArgumentChecks(options.policy);
  }

  // ------------------------------------------------------------------------------------------
  // The algorithm: one call, decoded by the operation's result kind
  // ------------------------------------------------------------------------------------------

  /** The bridge's last error, or (if it reported none) an internal error naming what was seen. */
  private failure(operation: OperationName, seen: string): TaskerError {
    const text = this.transport.lastError();
    if (text !== null) return fromLastError(text);
    return new TaskerError('INTERNAL', `Internal error: ${WIRE[operation].symbol} failed without reporting an error (${seen})`, {
      recoverable: true,
    });
  }

  private parse(operation: OperationName, text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new TaskerError('INTERNAL', `Internal error: ${WIRE[operation].symbol} returned malformed JSON: ${String(error)}`, {
        recoverable: true,
        cause: error,
      });
    }
  }

  /** Anything the transport itself throws (it should not) is an internal error, never a raw one. */
  private guard<T>(operation: OperationName, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (error instanceof TaskerError) throw error;
      throw new TaskerError('INTERNAL', `Internal error: ${WIRE[operation].symbol}: ${error instanceof Error ? error.message : String(error)}`, {
        recoverable: true,
        cause: error,
      });
    }
  }

  private int(operation: OperationName, args: Args = []): number {
    const value = this.guard(operation, () => this.transport.int(operation, args));
    if (value === -1) throw this.failure(operation, 'returned -1');
    return value;
  }

  private text(operation: OperationName, args: Args = []): string {
    const text = this.guard(operation, () => this.transport.text(operation, args));
    if (text === null) throw this.failure(operation, 'returned NULL');
    return text;
  }

  /** `lifecycle`, `bare` and `envelope`: a JSON object, `{"success":false,…}` on failure. */
  private object(operation: OperationName, args: Args = []): unknown {
    const value = this.parse(operation, this.text(operation, args));
    if (isFailure(value)) throw this.failure(operation, String(value.error));
    return value;
  }

  /** `optional`: JSON, or NULL for nothing (or for a failure, which the last error tells). */
  private optional(operation: OperationName, args: Args = []): unknown {
    const text = this.guard(operation, () => this.transport.text(operation, args));
    if (text !== null) return this.parse(operation, text);
    const error = this.transport.lastError();
    if (error !== null) throw fromLastError(error);
    return null;
  }

  /** `envelope`: the client envelope's data. */
  private client<T>(operation: OperationName, args: Args = []): T {
    return (this.object(operation, args) as { data: T }).data;
  }

  // ------------------------------------------------------------------------------------------
  // The contract
  // ------------------------------------------------------------------------------------------

  getVersion(): string {
    return this.text('getVersion');
  }

  getRustVersion(): string {
    return this.text('getRustVersion');
  }

  healthCheck(): boolean {
    return this.int('healthCheck') === 1;
  }

  isWorkerRunning(): boolean {
    return this.int('isWorkerRunning') === 1;
  }

  bootstrapWorker(config?: BootstrapConfig): BootstrapResult {
    const checked = this.checks.bootstrapConfig(config);
    const json = checked === undefined ? null : JSON.stringify(toWireBootstrapConfig(checked));
    return fromWireBootstrapResult(this.object('bootstrapWorker', [json]) as BootstrapResultDto);
  }

  getWorkerStatus(): WorkerStatus {
    return fromWireWorkerStatus(this.object('getWorkerStatus') as WorkerStatusDto);
  }

  stopWorker(): WorkerStatus {
    return fromWireStopResult(this.object('stopWorker') as StopResultDto);
  }

  transitionToGracefulShutdown(): WorkerStatus {
    return fromWireTransitionResult(this.object('transitionToGracefulShutdown') as TransitionResultDto);
  }

  pollStepEvents(): StepEvent | null {
    const data = this.optional('pollStepEvents');
    return data === null ? null : fromWireStepEvent(data as StepEventDto);
  }

  pollInProcessEvents(): DomainEvent | null {
    const data = this.optional('pollInProcessEvents');
    return data === null ? null : fromWireDomainEvent(data as DomainEventDto);
  }

  completeStepEvent(eventId: string, result: StepExecutionResult): boolean {
    const id = this.checks.id(eventId, 'eventId');
    const json = JSON.stringify(toWireStepResult(this.checks.stepExecutionResult(result)));
    return this.int('completeStepEvent', [id, json]) === 1;
  }

  checkpointYieldStepEvent(eventId: string, data: CheckpointYieldData): boolean {
    const id = this.checks.id(eventId, 'eventId');
    const json = JSON.stringify(toWireCheckpoint(this.checks.checkpointYieldData(data)));
    return this.int('checkpointYieldStepEvent', [id, json]) === 1;
  }

  getFfiDispatchMetrics(): DispatchMetrics {
    return fromWireDispatchMetrics(this.object('getFfiDispatchMetrics') as DispatchMetricsDto);
  }

  checkStarvationWarnings(): void {
    this.int('checkStarvationWarnings');
  }

  cleanupTimeouts(): void {
    this.int('cleanupTimeouts');
  }

  private log(operation: 'logError' | 'logWarn' | 'logInfo' | 'logDebug' | 'logTrace', message: string, fields?: JsonObject): void {
    const text = this.checks.argument(message, 'message');
    const checked = this.checks.logFields(fields);
    this.int(operation, [text, checked === undefined ? null : JSON.stringify(checked)]);
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
    const json = JSON.stringify(toWireTaskRequest(this.checks.taskRequest(request)));
    return this.client('clientCreateTask', [json]);
  }

  clientGetTask(taskUuid: string): TaskResponse {
    return this.client('clientGetTask', [this.checks.id(taskUuid, 'taskUuid')]);
  }

  clientListTasks(params?: ListTasksParams): TaskListResponse {
    const checked = this.checks.listTasksParams(params);
    // The C ABI takes the params as a required string: `{}` for the defaults.
    return this.client('clientListTasks', [JSON.stringify(checked === undefined ? {} : toWireListParams(checked))]);
  }

  clientCancelTask(taskUuid: string): CancelResponse {
    return this.client('clientCancelTask', [this.checks.id(taskUuid, 'taskUuid')]);
  }

  clientListTaskSteps(taskUuid: string): StepResponse[] {
    return this.client('clientListTaskSteps', [this.checks.id(taskUuid, 'taskUuid')]);
  }

  clientGetStep(taskUuid: string, stepUuid: string): StepResponse {
    return this.client('clientGetStep', [this.checks.id(taskUuid, 'taskUuid'), this.checks.id(stepUuid, 'stepUuid')]);
  }

  clientGetStepAuditHistory(taskUuid: string, stepUuid: string): StepAuditResponse[] {
    const task = this.checks.id(taskUuid, 'taskUuid');
    const step = this.checks.id(stepUuid, 'stepUuid');
    return this.client('clientGetStepAuditHistory', [task, step]);
  }

  clientHealthCheck(): HealthResponse {
    return this.client('clientHealthCheck');
  }
}
