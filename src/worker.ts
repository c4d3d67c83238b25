/**
 * `StepHandler` and `WorkerServer`: the worker side of tasker over either bridge.
 *
 * A `WorkerServer` bootstraps the worker, then runs a poll -> dispatch -> complete loop: each
 * `StepEvent` goes to the handler registered for `stepDefinition.handler.callable` (as tasker's
 * worker resolves it), and what the handler does becomes a `StepExecutionResult`:
 *   - returns a value (or `ctx.success(value)`)  -> `completed`;
 *   - throws, or returns `ctx.failure(...)`        -> `failed` (retryable: the engine retries per
 *     the step's retry policy) unless the error says `retryable: false`, then `error` (permanent);
 *   - returns `ctx.yieldCheckpoint(...)`           -> checkpoint-yield (the step comes back later
 *     with `ctx.checkpoint` set);
 *   - no handler for the callable                  -> `error` (permanent), `HandlerNotFound`.
 * The same code runs on both backends; only the `TaskerFfi` underneath differs.
 */
import type {
  BackendName,
  BootstrapConfig,
  BootstrapResult,
  DependencyResult,
  DomainEvent,
  JsonObject,
  JsonValue,
  StepEvent,
  StepExecutionResult,
  TaskerFfi,
  WorkerStatus,
} from './contract.js';
import { TaskerError } from './errors.js';
import { loadBackend } from './select.js';

// ---------------------------------------------------------------------------------------------
// What a handler returns
// ---------------------------------------------------------------------------------------------

const OUTCOME: unique symbol = Symbol('tasker.stepOutcome');

export interface StepSuccess {
  readonly [OUTCOME]: true;
  readonly kind: 'success';
  readonly result: JsonValue;
  /** Goes to `metadata.custom`. */
  readonly custom?: JsonObject;
}

export interface StepFailureDetails {
  /** Default `true`: the engine may retry. `false` makes the failure permanent (`status: error`). */
  retryable?: boolean;
  errorType?: string;
  errorCode?: string;
  statusCode?: number;
  context?: JsonObject;
  /** Result data to record with the failure (default `null`). */
  result?: JsonValue;
}

export interface StepFailure extends StepFailureDetails {
  readonly [OUTCOME]: true;
  readonly kind: 'failure';
  readonly message: string;
  readonly backtrace?: string[];
}

export interface CheckpointProgress {
  cursor: JsonValue;
  itemsProcessed: number;
  /** An object (tasker keeps nothing else). */
  accumulatedResults?: JsonObject;
}

export interface StepCheckpoint extends CheckpointProgress {
  readonly [OUTCOME]: true;
  readonly kind: 'checkpoint';
}

export type StepOutcome = StepSuccess | StepFailure | StepCheckpoint;

/** A handler returns an outcome, or plain result data (shorthand for success), or nothing (`null`). */
export type StepHandlerResult = StepOutcome | JsonValue | undefined | void;

export function stepSuccess(result: JsonValue, options: { custom?: JsonObject } = {}): StepSuccess {
  return { [OUTCOME]: true, kind: 'success', result, ...(options.custom === undefined ? {} : { custom: options.custom }) };
}

export function stepFailure(message: string, details: StepFailureDetails = {}): StepFailure {
  return { [OUTCOME]: true, kind: 'failure', message, ...details };
}

export function stepCheckpoint(progress: CheckpointProgress): StepCheckpoint {
  return { [OUTCOME]: true, kind: 'checkpoint', ...progress };
}

export function isStepOutcome(value: unknown): value is StepOutcome {
  return typeof value === 'object' && value !== null && (value as { [OUTCOME]?: unknown })[OUTCOME] === true;
}

/** Throw this from a handler to control how the failure is recorded. */
export class StepHandlerError extends Error {
  override readonly name: string = 'StepHandlerError';
  readonly retryable: boolean;
  readonly errorType: string | undefined;
  readonly errorCode: string | undefined;
  readonly statusCode: number | undefined;
  readonly context: JsonObject | undefined;

  constructor(message: string, details: Omit<StepFailureDetails, 'result'> & { cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = details.retryable ?? true;
    this.errorType = details.errorType;
    this.errorCode = details.errorCode;
    this.statusCode = details.statusCode;
    this.context = details.context;
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

export interface StepHandlerContext {
  readonly backend: BackendName;
  readonly workerId: string | null;
  readonly event: StepEvent;
  /** Progress saved by an earlier `yieldCheckpoint` of this step (read from tasker's checkpoint JSON), or `null`. */
  readonly checkpoint: CheckpointProgress | null;
  /** Results of this step's dependencies, by step name. */
  readonly dependencyResults: Record<string, DependencyResult>;
  /** The result data of dependency `stepName`; throws if the step has no such dependency. */
  dependencyResult(stepName: string): JsonValue;
  success(result: JsonValue, options?: { custom?: JsonObject }): StepSuccess;
  failure(message: string, details?: StepFailureDetails): StepFailure;
  /** Return this to yield a batch step; it is handed out again later with `checkpoint` set. */
  yieldCheckpoint(progress: CheckpointProgress): StepCheckpoint;
  log(level: 'error' | 'warn' | 'info' | 'debug' | 'trace', message: string, fields?: JsonObject): void;
}

export interface StepHandler {
  /** The callable(s) this handler serves, e.g. `ecommerce.validate_cart`. */
  readonly handlerCallable: string | readonly string[];
  call(event: StepEvent, context: StepHandlerContext): StepHandlerResult | Promise<StepHandlerResult>;
}

/** A `StepHandler` from a function. */
export function defineStepHandler(
  handlerCallable: string | readonly string[],
  call: (event: StepEvent, context: StepHandlerContext) => StepHandlerResult | Promise<StepHandlerResult>,
): StepHandler {
  return { handlerCallable, call };
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export interface WorkerServerOptions {
  /** A loaded backend, or the name of one (default: `loadBackend()`'s choice). */
  backend?: TaskerFfi | BackendName;
  handlers?: Iterable<StepHandler>;
  /** Passed to `bootstrapWorker`. */
  bootstrap?: BootstrapConfig;
  /** Pause between polls when idle, in the background loop and `runUntilIdle` (default 10 ms). */
  pollIntervalMs?: number;
  /** Handlers running at once (default 4). */
  concurrency?: number;
  /** Every so often the background loop runs the starvation check and timeout cleanup
   *  (default 1000 ms; 0 turns it off). */
  maintenanceIntervalMs?: number;
  /** Receives in-process domain events; when set, the server drains them on every poll. */
  onDomainEvent?: (event: DomainEvent) => void;
  /** Receives errors of the loop itself (a failed complete call, …). Default: `logError`. */
  onError?: (error: unknown, event: StepEvent | null) => void;
}

/**
 * What became of every step the server claimed: each dispatched step ends in exactly one of
 * `completed`, `failed`, `checkpoints` (handed out again later), `withdrawn` (the engine no longer
 * had it in flight: cancelled, timed out) or `released` (even a minimal failure was refused; the
 * engine's timeout cleanup hands it out again).
 */
export interface WorkerStats {
  /** Steps handed to a handler (or found to have none). */
  dispatched: number;
  completed: number;
  failed: number;
  checkpoints: number;
  withdrawn: number;
  released: number;
  /** Loop errors (a result the bridge refused, a poll that threw, …); each is also reported. */
  errors: number;
}

export interface RunUntilIdleOptions {
  /** Give up (throw) after dispatching this many steps (default 10 000). */
  maxSteps?: number;
  /** How many consecutive empty polls, with nothing in flight, count as idle (default 1). */
  idlePolls?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class WorkerServer {
  readonly ffi: TaskerFfi;
  readonly stats: WorkerStats = { dispatched: 0, completed: 0, failed: 0, checkpoints: 0, withdrawn: 0, released: 0, errors: 0 };
  private readonly handlers = new Map<string, StepHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: WorkerServerOptions;
  private workerId: string | null = null;
  private started = false;
  private looping = false;
  private timer: NodeJS.Timeout | undefined;
  private lastMaintenance = 0;

  constructor(options: WorkerServerOptions = {}) {
    this.options = options;
    const backend = options.backend;
    this.ffi = typeof backend === 'object' ? backend : loadBackend(backend === undefined ? {} : { backend });
    for (const handler of options.handlers ?? []) this.register(handler);
  }

  get backend(): BackendName {
    return this.ffi.backend;
  }

  get running(): boolean {
    return this.started;
  }

  /** Registers `handler` for each of its callables (a later registration replaces an earlier one). */
  register(handler: StepHandler): this {
    const callables = typeof handler.handlerCallable === 'string' ? [handler.handlerCallable] : handler.handlerCallable;
    for (const callable of callables) this.handlers.set(callable, handler);
    return this;
  }

  /**
   * Bootstraps the worker (an already running worker is reused) and, unless `poll: false`,
   * starts the background poll loop.
   */
  async start(options: { poll?: boolean } = {}): Promise<BootstrapResult> {
    const result = this.ffi.bootstrapWorker(this.options.bootstrap);
    this.workerId = result.workerId;
    this.started = true;
    if (options.poll !== false) this.startLoop();
    return result;
  }

  /** Dispatches until nothing is ready and nothing is in flight; returns the stats so far. */
  async runUntilIdle(options: RunUntilIdleOptions = {}): Promise<WorkerStats> {
    this.assertStarted('runUntilIdle');
    const maxSteps = options.maxSteps ?? 10_000;
    const idlePolls = options.idlePolls ?? 1;
    const startCount = this.stats.dispatched;
    let idle = 0;
    for (;;) {
      const dispatched = this.pump();
      if (this.stats.dispatched - startCount > maxSteps) {
        throw new TaskerError('INVALID_STATE', `Invalid state: runUntilIdle dispatched more than ${maxSteps} steps`);
      }
      if (this.inFlight.size > 0) {
        idle = 0;
        await Promise.race(this.inFlight);
        continue;
      }
      if (dispatched > 0) {
        idle = 0;
        continue;
      }
      idle += 1;
      if (idle >= idlePolls) return { ...this.stats };
      await sleep(this.options.pollIntervalMs ?? 10);
    }
  }

  /** Waits until every handler in flight has finished and its result is recorded. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Graceful stop: no new steps, in-flight ones finish, then the worker stops. */
  async stop(): Promise<WorkerStatus> {
    this.stopLoop();
    if (this.ffi.isWorkerRunning()) this.ffi.transitionToGracefulShutdown();
    await this.drain();
    this.started = false;
    return this.ffi.stopWorker();
  }

  // ------------------------------------------------------------------------------------------

  private assertStarted(operation: string): void {
    if (!this.started) {
      throw new TaskerError('WORKER_NOT_RUNNING', `Worker not started — call start() before ${operation}()`, {
        recoverable: true,
      });
    }
  }

  private startLoop(): void {
    if (this.looping) return;
    this.looping = true;
    const tick = () => {
      if (!this.looping) return;
      try {
        this.pump();
        this.maintenance();
      } catch (error) {
        this.reportError(error, null);
      }
      this.timer = setTimeout(tick, this.options.pollIntervalMs ?? 10);
    };
    tick();
  }

  private stopLoop(): void {
    this.looping = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private maintenance(): void {
    const every = this.options.maintenanceIntervalMs ?? 1000;
    if (every <= 0 || Date.now() - this.lastMaintenance < every) return;
    this.lastMaintenance = Date.now();
    this.ffi.checkStarvationWarnings();
    this.ffi.cleanupTimeouts();
  }

  /** Polls and dispatches while there is room; returns how many steps it dispatched. */
  private pump(): number {
    this.drainDomainEvents();
    const concurrency = Math.max(1, this.options.concurrency ?? 4);
    let dispatched = 0;
    while (this.inFlight.size < concurrency) {
      const event = this.ffi.pollStepEvents();
      if (event === null) break;
      dispatched += 1;
      this.stats.dispatched += 1;
      const run = this.execute(event).finally(() => {
        this.inFlight.delete(run);
        // Keep throughput up in the background loop: a freed slot is refilled at once.
        if (this.looping) {
          try {
            this.pump();
          } catch (error) {
            this.reportError(error, null);
          }
        }
      });
      this.inFlight.add(run);
    }
    return dispatched;
  }

  private drainDomainEvents(): void {
    const listener = this.options.onDomainEvent;
    if (listener === undefined) return;
    for (let event = this.ffi.pollInProcessEvents(); event !== null; event = this.ffi.pollInProcessEvents()) {
      listener(event);
    }
  }

  private context(event: StepEvent): StepHandlerContext {
    const ffi = this.ffi;
    return {
      backend: ffi.backend,
      workerId: this.workerId,
      event,
      checkpoint: checkpointProgress(event.workflowStep.checkpoint),
      dependencyResults: event.dependencyResults,
      dependencyResult(stepName: string): JsonValue {
        // Own keys only: `constructor` or `__proto__` is a dependency only if a step has that name.
        const dependency = Object.hasOwn(event.dependencyResults, stepName) ? event.dependencyResults[stepName] : undefined;
        if (dependency === undefined) {
          const known = Object.keys(event.dependencyResults).join(', ') || 'none';
          throw new StepHandlerError(`Step ${event.workflowStep.name} has no dependency ${stepName} (has: ${known})`, {
            retryable: false,
            errorType: 'MissingDependency',
          });
        }
        return dependency.result;
      },
      success: stepSuccess,
      failure: stepFailure,
      yieldCheckpoint: stepCheckpoint,
      log(level, message, fields) {
        const all: JsonObject = { task_uuid: event.taskUuid, step_uuid: event.stepUuid, step: event.workflowStep.name, ...fields };
        switch (level) {
          case 'error':
            return ffi.logError(message, all);
          case 'warn':
            return ffi.logWarn(message, all);
          case 'info':
            return ffi.logInfo(message, all);
          case 'debug':
            return ffi.logDebug(message, all);
          case 'trace':
            return ffi.logTrace(message, all);
        }
      },
    };
  }

  /** What the handler did, as an outcome; never throws, whatever the handler throws or returns. */
  private async runHandler(event: StepEvent): Promise<StepOutcome> {
    const callable = event.stepDefinition.handler.callable;
    const handler = this.handlers.get(callable);
    if (handler === undefined) {
      return stepFailure(`Handler not found: ${callable}`, { retryable: false, errorType: 'HandlerNotFound' });
    }
    const timeoutSeconds = event.stepDefinition.timeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    try {
      const call = Promise.resolve().then(() => handler.call(event, this.context(event)));
      const returned =
        timeoutSeconds === null || timeoutSeconds <= 0
          ? await call
          : await Promise.race([
              call,
              new Promise<never>((_, reject) => {
                const ms = timeoutSeconds * 1000;
                timer = setTimeout(() => reject(new StepHandlerError(`Handler execution timed out after ${ms}ms`, { errorType: 'HandlerTimeout' })), ms);
              }),
            ]);
      return isStepOutcome(returned) ? returned : stepSuccess(returned === undefined ? null : (returned as JsonValue));
    } catch (error) {
      return failureFromError(error);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /**
   * Runs one claimed step to a recorded outcome. If the bridge refuses the outcome (a result that
   * is not JSON, a message it cannot carry, …), a minimal failure built only from values this
   * server controls replaces it; if even that is refused, the step is counted as released (the
   * engine's timeout cleanup hands it out again). Never rejects.
   */
  private async execute(event: StepEvent): Promise<void> {
    const startedAt = performance.now();
    const outcome = await this.runHandler(event);
    const elapsedMs = Math.round(performance.now() - startedAt);
    try {
      this.record(event, outcome, elapsedMs);
      return;
    } catch (refused) {
      this.reportError(refused, event);
      try {
        this.record(event, minimalFailure(describeRefusal(outcome, refused)), elapsedMs);
        return;
      } catch (again) {
        this.reportError(again, event);
      }
    }
    this.stats.released += 1;
  }

  private record(event: StepEvent, outcome: StepOutcome, elapsedMs: number): void {
    if (outcome.kind === 'checkpoint') {
      const accepted = this.ffi.checkpointYieldStepEvent(event.eventId, {
        stepUuid: event.stepUuid,
        cursor: outcome.cursor,
        itemsProcessed: outcome.itemsProcessed,
        ...(outcome.accumulatedResults === undefined ? {} : { accumulatedResults: outcome.accumulatedResults }),
      });
      if (accepted) this.stats.checkpoints += 1;
      else this.stats.withdrawn += 1;
      return;
    }
    const accepted = this.ffi.completeStepEvent(event.eventId, toExecutionResult(event, outcome, elapsedMs, this.workerId));
    if (!accepted) {
      this.stats.withdrawn += 1;
      return;
    }
    if (outcome.kind === 'success') this.stats.completed += 1;
    else this.stats.failed += 1;
  }

  private reportError(error: unknown, event: StepEvent | null): void {
    this.stats.errors += 1;
    if (this.options.onError !== undefined) {
      try {
        this.options.onError(error, event);
      } catch {
        // a throwing listener must not take the loop down
      }
      return;
    }
    try {
      const message = error instanceof Error ? error.message : String(error);
      this.ffi.logError(`worker loop: ${message}`, event === null ? {} : { event_id: event.eventId, step_uuid: event.stepUuid });
    } catch {
      // logging must never take the loop down
    }
  }
}

/**
 * A step's checkpoint as tasker hands it out: `{step_uuid, cursor, items_processed,
 * accumulated_results}` right after a yield, or the stored record `{cursor, items_processed,
 * timestamp, accumulated_results, history}` after a retry. Both carry the three fields read here.
 */
function checkpointProgress(checkpoint: JsonValue): CheckpointProgress | null {
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) return null;
  const items = checkpoint.items_processed;
  const accumulated = checkpoint.accumulated_results;
  return {
    cursor: checkpoint.cursor ?? null,
    itemsProcessed: typeof items === 'number' ? items : 0,
    ...(typeof accumulated === 'object' && accumulated !== null && !Array.isArray(accumulated) ? { accumulatedResults: accumulated } : {}),
  };
}

/** Reads `key` of a value a handler threw; a throwing getter or a revoked Proxy reads as absent. */
function read(value: unknown, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Text for any value a handler threw: never throws (objects without `toString`, throwing getters, …). */
function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return 'a value that cannot be described';
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Longest failure message recorded; longer ones are cut (at a code point boundary). */
const MAX_MESSAGE = 2000;

/** A string the bridges always carry: well-formed UTF-16 without NUL, at most `max` characters. */
function carryable(text: string, max = MAX_MESSAGE): string {
  // A cut through a surrogate pair leaves a lone half, which the replacement below fixes.
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');
}

/** `value instanceof type`, false where asking throws (a revoked Proxy, a throwing `getPrototypeOf` trap). */
function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

function failureFromError(error: unknown): StepFailure {
  const isError = isInstance(error, Error);
  const isHandlerError = isInstance(error, StepHandlerError);
  const messageValue = isError || isHandlerError ? read(error, 'message') : error;
  const message = carryable(typeof messageValue === 'string' ? messageValue : describeThrown(messageValue));
  const stack = read(error, 'stack');
  const backtrace = typeof stack === 'string' ? stack.split('\n').map((line) => carryable(line, 500)).slice(0, 50) : undefined;
  const text = (key: string): string | undefined => {
    const value = read(error, key);
    return typeof value === 'string' ? carryable(value, 200) : undefined;
  };
  if (isHandlerError) {
    const statusCode = read(error, 'statusCode');
    const context = read(error, 'context');
    const details: StepFailureDetails = { retryable: read(error, 'retryable') !== false };
    const errorType = text('errorType');
    const errorCode = text('errorCode');
    if (errorType !== undefined) details.errorType = errorType;
    if (errorCode !== undefined) details.errorCode = errorCode;
    if (typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= 0 && statusCode <= 0xffff) details.statusCode = statusCode;
    if (typeof context === 'object' && context !== null && !Array.isArray(context)) details.context = context as JsonObject;
    return { ...stepFailure(message, details), ...(backtrace === undefined ? {} : { backtrace }) };
  }
  const errorType = isError ? (text('name') ?? 'Error') : 'Error';
  return { ...stepFailure(message, { retryable: read(error, 'retryable') !== false, errorType }), ...(backtrace === undefined ? {} : { backtrace }) };
}

/** Why an outcome was replaced: the bridge's refusal, in a message the bridges always carry. */
function describeRefusal(outcome: StepOutcome, refused: unknown): string {
  const why = refused instanceof TaskerError ? `${refused.code}: ${refused.message}` : describeThrown(read(refused, 'message') ?? refused);
  return carryable(`The ${outcome.kind === 'failure' ? 'failure' : outcome.kind === 'checkpoint' ? 'checkpoint' : 'result'} of the handler was refused (${why})`, 500);
}

/** A permanent failure made only of values this module controls: always valid on both bridges. */
function minimalFailure(message: string): StepFailure {
  return stepFailure(message, { retryable: false, errorType: 'InvalidHandlerResult' });
}

/** The `StepExecutionResult` recorded for `outcome` (success or failure). */
export function toExecutionResult(
  event: StepEvent,
  outcome: StepSuccess | StepFailure,
  executionTimeMs: number,
  workerId: string | null,
): StepExecutionResult {
  const metadata: StepExecutionResult['metadata'] = {
    executionTimeMs,
    completedAt: new Date().toISOString(),
  };
  if (workerId !== null) metadata.workerId = workerId;
  if (outcome.kind === 'success') {
    if (outcome.custom !== undefined) metadata.custom = outcome.custom;
    return { stepUuid: event.stepUuid, success: true, result: outcome.result, status: 'completed', metadata };
  }
  const retryable = outcome.retryable ?? true;
  metadata.retryable = retryable;
  if (outcome.errorType !== undefined) metadata.errorType = outcome.errorType;
  if (outcome.errorCode !== undefined) metadata.errorCode = outcome.errorCode;
  const error: NonNullable<StepExecutionResult['error']> = { message: outcome.message, retryable };
  if (outcome.errorType !== undefined) error.errorType = outcome.errorType;
  if (outcome.statusCode !== undefined) error.statusCode = outcome.statusCode;
  if (outcome.backtrace !== undefined) error.backtrace = outcome.backtrace;
  if (outcome.context !== undefined) error.context = outcome.context;
  return {
    stepUuid: event.stepUuid,
    success: false,
    result: outcome.result ?? null,
    status: retryable ? 'failed' : 'error',
    metadata,
    error,
  };
}
