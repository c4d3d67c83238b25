/**
 * The bridges WITHOUT the contract, surface by surface:
 * - the legacy C symbols, through the koffi transport (C strings in, the C ABI's text or int out);
 * - the napi addon's `*Json` twins, through the napi transport (the same text);
 * - the napi addon's OBJECT exports, tasker's own napi surface (`pollStepEvents()` returns an
 *   object, `clientCreateTask(obj)` an envelope object, failures throw).
 *
 * The conversion-policy test uses `rawNapi`/`rawKoffi` to observe what each bridge does on its own
 * with each row's input; surfaces.test.ts checks the historical shapes of each surface and that the
 * object exports and the JSON twins give the same data (the oracle that our JSON transfer equals
 * tasker's object surface).
 *
 * Same libraries, same process: these share the engines of the contract's adapters.
 */
import { createRequire } from 'node:module';

import type {
  BootstrapConfig,
  BootstrapResult,
  CancelResponse,
  CheckpointYieldData,
  DependencyResult,
  DispatchMetrics,
  DomainEvent,
  HealthResponse,
  JsonObject,
  JsonValue,
  ListTasksParams,
  StepAuditResponse,
  StepDefinition,
  StepEvent,
  StepExecutionResult,
  StepResponse,
  TaskerFfi,
  TaskInfo,
  TaskListResponse,
  TaskRequest,
  TaskResponse,
  WorkerStatus,
  WorkflowStep,
} from '../../../src/contract.js';
import { fromLastError } from '../../../src/backends/error-mapping.js';
import { KoffiTransport } from '../../../src/backends/koffi-transport.js';
import { resolveLegacyLibrary, resolveNapiModule } from '../../../src/backends/locate.js';
import { NapiTransport } from '../../../src/backends/napi-transport.js';
import type { Transport } from '../../../src/backends/transport.js';
import { TaskerError } from '../../../src/errors.js';
import { attempt, type Outcome } from './lockstep.js';

// ---------------------------------------------------------------------------------------------
// The surfaces
// ---------------------------------------------------------------------------------------------

type NativeFunction = (...args: unknown[]) => unknown;

/** The napi addon itself (the module the napi transport loads; `require` caches it). */
export function napiAddon(): Record<string, NativeFunction> {
  return createRequire(import.meta.url)(resolveNapiModule()) as Record<string, NativeFunction>;
}

/** The legacy C symbols through koffi: raw text / int answers (no contract on top). */
export function legacySymbols(): Transport {
  return new KoffiTransport(resolveLegacyLibrary());
}

/** The addon's `*Json` twins: raw text / int answers. */
export function napiJsonTwins(): Transport {
  return new NapiTransport(resolveNapiModule());
}

/**
 * A raw failure as a `TaskerError` with the bridge's code and message. `recoverable` is left false:
 * a thrown napi error does not carry it, so raw observations compare code and message only.
 */
export function rawError(code: unknown, message: unknown): TaskerError {
  const error = fromLastError(JSON.stringify({ code, message: typeof message === 'string' ? message : String(message) }));
  return new TaskerError(error.code, error.message, { recoverable: false });
}

/** A thrown napi error (the addon puts our stable code in `.code`). */
export function napiThrown(error: unknown): TaskerError {
  const e = error as { code?: unknown; message?: unknown };
  return rawError(e.code, e.message ?? String(error));
}

/** A failed client envelope: it carries only the text (and `recoverable`), no code. */
export class EnvelopeFailure extends Error {
  override readonly name = 'EnvelopeFailure';
  constructor(
    message: string,
    readonly recoverable: boolean | undefined,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Raw bridges for the conversion-policy rows
// ---------------------------------------------------------------------------------------------

/** The raw operations the policy rows need. */
export interface RawBridge {
  readonly name: 'napi' | 'koffi';
  stop(): void;
  status(): Outcome;
  bootstrap(config?: unknown): Outcome;
  createTask(request: Record<string, unknown>): Outcome;
  getTask(id: unknown): Outcome;
  listTasks(params?: unknown): Outcome;
  logInfo(message: unknown, fields?: unknown): Outcome;
  poll(): Outcome;
  complete(eventId: unknown, result: Record<string, unknown>): Outcome;
}

/** A client envelope's data, or its error (what a careful caller would do). */
function envelopeData(envelope: { success: boolean; data?: unknown; error?: unknown; recoverable?: boolean }): unknown {
  if (envelope.success) return envelope.data ?? null;
  throw new EnvelopeFailure(String(envelope.error), envelope.recoverable);
}

/** The object exports, called with the caller's values as they are (napi-rs converts them). */
export function rawNapi(): RawBridge {
  const addon = napiAddon();
  const call = (name: string, ...args: unknown[]): unknown => {
    try {
      return (addon[name] as NativeFunction)(...args);
    } catch (error) {
      throw napiThrown(error);
    }
  };
  const client = (name: string, ...args: unknown[]): unknown => envelopeData(call(name, ...args) as { success: boolean });
  return {
    name: 'napi',
    stop: () => void call('stopWorker'),
    status: () => attempt(() => call('getWorkerStatus')),
    bootstrap: (config) => attempt(() => call('bootstrapWorker', config)),
    createTask: (request) => attempt(() => client('clientCreateTask', request)),
    getTask: (id) => attempt(() => client('clientGetTask', id)),
    listTasks: (params) => attempt(() => client('clientListTasks', params)),
    logInfo: (message, fields) => attempt(() => (fields === undefined ? call('logInfo', message) : call('logInfo', message, fields))),
    poll: () => attempt(() => call('pollStepEvents')),
    complete: (eventId, result) => attempt(() => call('completeStepEvent', eventId, result)),
  };
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** camelCase DTO keys to snake_case; `nested` keys one level further (free-form values below are left alone). */
function snakeKeys(value: unknown, nested: readonly string[] = []): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[snake(key)] = nested.includes(key) ? snakeKeys(item) : item;
  return out;
}

/** The C symbols with `JSON.stringify` of the snake_case DTO, as the koffi-era TypeScript worker called them. */
export function rawKoffi(): RawBridge {
  const c = legacySymbols();
  const lastError = (): Error => {
    const text = c.lastError();
    if (text === null) return new Error('failed without an error');
    const { code, message } = JSON.parse(text) as { code: unknown; message: unknown };
    return rawError(code, message);
  };
  const envelope = (text: string | null): unknown => {
    if (text === null) throw lastError();
    return envelopeData(JSON.parse(text) as { success: boolean });
  };
  const object = (text: string | null): unknown => {
    if (text === null) throw lastError();
    const parsed = JSON.parse(text) as { success?: unknown; error?: unknown };
    if (parsed.success === false) throw lastError();
    return parsed;
  };
  const status = (value: number): number => {
    if (value === -1) throw lastError();
    return value;
  };
  // A string argument: koffi takes only strings (a number would be read as an address).
  const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));
  const json = (value: unknown): string | null => (value === undefined ? null : (JSON.stringify(value) ?? null));
  return {
    name: 'koffi',
    stop: () => void c.text('stopWorker', []),
    status: () => attempt(() => object(c.text('getWorkerStatus', []))),
    bootstrap: (config) => attempt(() => object(c.text('bootstrapWorker', [json(snakeKeys(config))]))),
    createTask: (request) => attempt(() => envelope(c.text('clientCreateTask', [json(snakeKeys(request))]))),
    getTask: (id) => attempt(() => envelope(c.text('clientGetTask', [text(id)]))),
    listTasks: (params) => attempt(() => envelope(c.text('clientListTasks', [json(snakeKeys(params)) ?? '{}']))),
    logInfo: (message, fields) => attempt(() => status(c.int('logInfo', [text(message), json(fields)]))),
    poll: () =>
      attempt(() => {
        const event = c.text('pollStepEvents', []);
        if (event === null && c.lastError() !== null) throw lastError();
        return event === null ? null : (JSON.parse(event) as unknown);
      }),
    complete: (eventId, result) => attempt(() => status(c.int('completeStepEvent', [text(eventId), json(snakeKeys(result, ['metadata', 'error']))]))),
  };
}

// ---------------------------------------------------------------------------------------------
// tasker's napi object shapes -> the contract (the test-side mapping the oracle compares with
// src/backends/wire.ts's mapping of the JSON twins)
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const opt = <T>(value: unknown): T | null => (value === undefined ? null : (value as T));
const free = (value: unknown): JsonValue => (value === undefined ? null : (value as JsonValue));

export function objectBootstrapResult(o: Obj): BootstrapResult {
  return { success: o.success as boolean, status: o.status as string, message: o.message as string, workerId: (o.workerId as string | undefined) ?? '' };
}

/** `getWorkerStatus` / `stopWorker` / `transitionToGracefulShutdown` objects (one `WorkerStatus` type in tasker's addon). */
export function objectWorkerStatus(o: Obj, environment: 'keep' | 'none' = 'keep'): WorkerStatus {
  return {
    success: o.success as boolean,
    running: o.running as boolean,
    status: o.status as string,
    workerId: opt(o.workerId),
    environment: environment === 'keep' ? opt(o.environment) : null,
  };
}

function objectTask(o: Obj): TaskInfo {
  return {
    taskUuid: o.taskUuid as string,
    namedTaskUuid: o.namedTaskUuid as string,
    name: o.name as string,
    namespace: o.namespace as string,
    version: o.version as string,
    context: free(o.context),
    correlationId: o.correlationId as string,
    parentCorrelationId: opt(o.parentCorrelationId),
    complete: o.complete as boolean,
    priority: o.priority as number,
    initiator: opt(o.initiator),
    sourceSystem: opt(o.sourceSystem),
    reason: opt(o.reason),
    tags: free(o.tags),
    identityHash: o.identityHash as string,
    createdAt: o.createdAt as string,
    updatedAt: o.updatedAt as string,
    requestedAt: o.requestedAt as string,
  };
}

function objectWorkflowStep(o: Obj): WorkflowStep {
  return {
    workflowStepUuid: o.workflowStepUuid as string,
    taskUuid: o.taskUuid as string,
    namedStepUuid: o.namedStepUuid as string,
    name: o.name as string,
    templateStepName: o.templateStepName as string,
    retryable: o.retryable as boolean,
    maxAttempts: o.maxAttempts as number,
    attempts: o.attempts as number,
    inProcess: o.inProcess as boolean,
    processed: o.processed as boolean,
    inputs: free(o.inputs),
    results: free(o.results),
    backoffRequestSeconds: opt(o.backoffRequestSeconds),
    processedAt: opt(o.processedAt),
    lastAttemptedAt: opt(o.lastAttemptedAt),
    createdAt: o.createdAt as string,
    updatedAt: o.updatedAt as string,
    checkpoint: free(o.checkpoint),
  };
}

/** tasker's flat `NapiStepDefinition` (`handlerCallable`, `retryMaxAttempts`, …). */
function objectStepDefinition(o: Obj): StepDefinition {
  return {
    name: o.name as string,
    description: opt(o.description),
    handler: {
      callable: o.handlerCallable as string,
      method: opt(o.handlerMethod),
      resolver: opt(o.handlerResolver),
      initialization: ((o.handlerInitialization as JsonObject | null | undefined) ?? {}) as JsonObject,
    },
    systemDependency: opt(o.systemDependency),
    dependencies: o.dependencies as string[],
    timeoutSeconds: opt(o.timeoutSeconds),
    retry: {
      retryable: o.retryRetryable as boolean,
      maxAttempts: o.retryMaxAttempts as number,
      backoff: o.retryBackoff as string,
      backoffBaseMs: opt(o.retryBackoffBaseMs),
      maxBackoffMs: opt(o.retryMaxBackoffMs),
    },
  };
}

/**
 * tasker's `NapiDependencyResult` carries the error flat and without `statusCode`/`backtrace`:
 * the comparable part of a dependency result is what both surfaces carry (`comparableDependency`).
 */
function objectDependencyResult(o: Obj): DependencyResult {
  return {
    stepUuid: o.stepUuid as string,
    success: o.success as boolean,
    result: free(o.result),
    status: o.status as string,
    error:
      o.errorMessage === undefined
        ? null
        : { message: o.errorMessage as string, errorType: opt(o.errorType), retryable: (o.errorRetryable as boolean | undefined) ?? false, statusCode: null, backtrace: null },
  };
}

/** What both surfaces carry of a dependency result's error (tasker's object drops statusCode and backtrace). */
export function comparableDependency(result: DependencyResult): DependencyResult {
  return result.error === null ? result : { ...result, error: { ...result.error, statusCode: null, backtrace: null } };
}

export function objectStepEvent(o: Obj): StepEvent {
  const dependencyResults: Record<string, DependencyResult> = {};
  for (const [name, result] of Object.entries(o.dependencyResults as Obj)) {
    Object.defineProperty(dependencyResults, name, { value: objectDependencyResult(result as Obj), enumerable: true, writable: true, configurable: true });
  }
  return {
    eventId: o.eventId as string,
    taskUuid: o.taskUuid as string,
    stepUuid: o.stepUuid as string,
    correlationId: o.correlationId as string,
    traceId: opt(o.traceId),
    spanId: opt(o.spanId),
    taskCorrelationId: o.taskCorrelationId as string,
    parentCorrelationId: opt(o.parentCorrelationId),
    task: objectTask(o.task as Obj),
    workflowStep: objectWorkflowStep(o.workflowStep as Obj),
    stepDefinition: objectStepDefinition(o.stepDefinition as Obj),
    dependencyResults,
  };
}

export function objectDomainEvent(o: Obj): DomainEvent {
  const m = o.metadata as Obj;
  return {
    eventId: o.eventId as string,
    eventName: o.eventName as string,
    eventVersion: o.eventVersion as string,
    metadata: {
      taskUuid: m.taskUuid as string,
      stepUuid: opt(m.stepUuid),
      stepName: opt(m.stepName),
      namespace: m.namespace as string,
      correlationId: m.correlationId as string,
      firedAt: m.firedAt as string,
      firedBy: (m.firedBy as string | undefined) ?? '',
    },
    payload: free(o.payload),
  };
}

export function objectDispatchMetrics(o: Obj): DispatchMetrics {
  return {
    pendingCount: o.pendingCount as number,
    starvationDetected: o.starvationDetected as boolean,
    starvingEventCount: o.starvingEventCount as number,
    oldestPendingAgeMs: opt(o.oldestPendingAgeMs),
    newestPendingAgeMs: opt(o.newestPendingAgeMs),
    oldestEventId: opt(o.oldestEventId),
  };
}

/**
 * The same instant in both date formats of a domain event: `fired_at` is RFC 3339 on the C ABI
 * (`…+00:00`) and `DateTime<Utc>` Display in tasker's object (`… UTC`). Milliseconds since the epoch.
 */
export function firedAtMillis(text: string): number {
  const iso = text.endsWith(' UTC') ? `${text.slice(0, -4).replace(' ', 'T')}Z` : text;
  return Date.parse(iso);
}

// ---------------------------------------------------------------------------------------------
// The object exports as a contract-shaped surface (for the objects-vs-twins oracle)
// ---------------------------------------------------------------------------------------------

/**
 * tasker's napi object surface, each answer mapped to the contract's shape with the functions
 * above: client calls give the envelope's `data` or throw `EnvelopeFailure`; thrown napi errors
 * become `TaskerError`s with the addon's code. Only for valid inputs: the object surface converts
 * arguments its own (napi-era) way, which the conversion-policy rows cover.
 */
export class ObjectSurface implements TaskerFfi {
  readonly backend = 'napi' as const;
  private readonly addon = napiAddon();

  private call(name: string, ...args: unknown[]): unknown {
    try {
      return (this.addon[name] as NativeFunction)(...args);
    } catch (error) {
      throw napiThrown(error);
    }
  }

  private client<T>(name: string, ...args: unknown[]): T {
    return envelopeData(this.call(name, ...args) as { success: boolean }) as T;
  }

  getVersion = (): string => this.call('getVersion') as string;
  getRustVersion = (): string => this.call('getRustVersion') as string;
  healthCheck = (): boolean => this.call('healthCheck') as boolean;
  isWorkerRunning = (): boolean => this.call('isWorkerRunning') as boolean;
  bootstrapWorker = (config?: BootstrapConfig): BootstrapResult => objectBootstrapResult(this.call('bootstrapWorker', config) as Obj);
  getWorkerStatus = (): WorkerStatus => objectWorkerStatus(this.call('getWorkerStatus') as Obj);
  stopWorker = (): WorkerStatus => objectWorkerStatus(this.call('stopWorker') as Obj, 'none');
  transitionToGracefulShutdown = (): WorkerStatus => objectWorkerStatus(this.call('transitionToGracefulShutdown') as Obj, 'none');
  pollStepEvents = (): StepEvent | null => {
    const event = this.call('pollStepEvents') as Obj | null;
    return event === null ? null : objectStepEvent(event);
  };
  pollInProcessEvents = (): DomainEvent | null => {
    const event = this.call('pollInProcessEvents') as Obj | null;
    return event === null ? null : objectDomainEvent(event);
  };
  completeStepEvent = (eventId: string, result: StepExecutionResult): boolean => this.call('completeStepEvent', eventId, result) as boolean;
  checkpointYieldStepEvent = (eventId: string, data: CheckpointYieldData): boolean => this.call('checkpointYieldStepEvent', eventId, data) as boolean;
  getFfiDispatchMetrics = (): DispatchMetrics => objectDispatchMetrics(this.call('getFfiDispatchMetrics') as Obj);
  checkStarvationWarnings = (): void => void this.call('checkStarvationWarnings');
  cleanupTimeouts = (): void => void this.call('cleanupTimeouts');
  logError = (message: string, fields?: JsonObject): void => void this.call('logError', message, fields);
  logWarn = (message: string, fields?: JsonObject): void => void this.call('logWarn', message, fields);
  logInfo = (message: string, fields?: JsonObject): void => void this.call('logInfo', message, fields);
  logDebug = (message: string, fields?: JsonObject): void => void this.call('logDebug', message, fields);
  logTrace = (message: string, fields?: JsonObject): void => void this.call('logTrace', message, fields);
  clientCreateTask = (request: TaskRequest): TaskResponse => this.client('clientCreateTask', request);
  clientGetTask = (taskUuid: string): TaskResponse => this.client('clientGetTask', taskUuid);
  clientListTasks = (params?: ListTasksParams): TaskListResponse => this.client('clientListTasks', params ?? {});
  clientCancelTask = (taskUuid: string): CancelResponse => this.client('clientCancelTask', taskUuid);
  clientListTaskSteps = (taskUuid: string): StepResponse[] => this.client('clientListTaskSteps', taskUuid);
  clientGetStep = (taskUuid: string, stepUuid: string): StepResponse => this.client('clientGetStep', taskUuid, stepUuid);
  clientGetStepAuditHistory = (taskUuid: string, stepUuid: string): StepAuditResponse[] => this.client('clientGetStepAuditHistory', taskUuid, stepUuid);
  clientHealthCheck = (): HealthResponse => this.client('clientHealthCheck');
}
