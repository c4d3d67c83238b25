/**
 * `StepHandler` and `WorkerServer`: the worker side of tasker over either bridge.
 *
 * A `WorkerServer` bootstraps the worker, then runs a poll -> dispatch -> complete loop: each
 * `StepEvent` goes to the handler registered for `stepDefinition.handlerCallable`, and what the
 * handler does becomes a `StepExecutionResult`:
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
  Checkpoint,
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
  readonly custom?: JsonValue;
}

export interface StepFailureDetails {
  /** Default `true`: the engine may retry. `false` makes the failure permanent (`status: error`). */
  retryable?: boolean;
  errorType?: string;
  errorCode?: string;
  statusCode?: number;
  context?: JsonValue;
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
  accumulatedResults?: JsonValue;
}

export interface StepCheckpoint extends CheckpointProgress {
  readonly [OUTCOME]: true;
  readonly kind: 'checkpoint';
}

export type StepOutcome = StepSuccess | StepFailure | StepCheckpoint;

/** A handler returns an outcome, or plain result data (shorthand for success), or nothing (`null`). */
export type StepHandlerResult = StepOutcome | JsonValue | undefined | void;

export function stepSuccess(result: JsonValue, options: { custom?: JsonValue } = {}): StepSuccess {
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
  readonly context: JsonValue | undefined;

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
  /** Progress saved by an earlier `yieldCheckpoint` of this step, or `null`. */
  readonly checkpoint: Checkpoint | null;
  /** Results of this step's dependencies, by step name. */
  readonly dependencyResults: Record<string, DependencyResult>;
  /** The result data of dependency `stepName`; throws if the step has no such dependency. */
  dependencyResult(stepName: string): JsonValue;
  success(result: JsonValue, options?: { custom?: JsonValue }): StepSuccess;
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

export interface WorkerStats {
  /** Steps handed to a handler (or found to have none). */
  dispatched: number;
  completed: number;
  failed: number;
  checkpoints: number;
  /** Loop errors (e.g. a complete call that threw). */
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
  readonly stats: WorkerStats = { dispatched: 0, completed: 0, failed: 0, checkpoints: 0, errors: 0 };
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
      checkpoint: event.workflowStep.checkpoint,
      dependencyResults: event.dependencyResults,
      dependencyResult(stepName: string): JsonValue {
        const dependency = event.dependencyResults[stepName];
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

  private async execute(event: StepEvent): Promise<void> {
    const startedAt = performance.now();
    const callable = event.stepDefinition.handlerCallable;
    const handler = this.handlers.get(callable);
    let outcome: StepOutcome;
    if (handler === undefined) {
      outcome = stepFailure(`No handler registered for ${callable}`, { retryable: false, errorType: 'HandlerNotFound' });
    } else {
      try {
        const returned = await handler.call(event, this.context(event));
        outcome = isStepOutcome(returned) ? returned : stepSuccess(returned === undefined ? null : (returned as JsonValue));
      } catch (error) {
        outcome = failureFromError(error);
      }
    }
    const elapsedMs = Math.round(performance.now() - startedAt);
    try {
      this.record(event, outcome, elapsedMs);
    } catch (error) {
      // A result the bridge refuses (e.g. not JSON) must not leave the step claimed forever.
      if (error instanceof TaskerError && error.code === 'INVALID_REQUEST' && outcome.kind !== 'failure') {
        this.reportError(error, event);
        try {
          this.record(event, stepFailure(`Handler result rejected: ${error.message}`, {
            retryable: false,
            errorType: 'InvalidHandlerResult',
          }), elapsedMs);
        } catch (again) {
          this.reportError(again, event);
        }
      } else {
        this.reportError(error, event);
      }
    }
  }

  private record(event: StepEvent, outcome: StepOutcome, elapsedMs: number): void {
    if (outcome.kind === 'checkpoint') {
      this.ffi.checkpointYieldStepEvent(event.eventId, {
        stepUuid: event.stepUuid,
        cursor: outcome.cursor,
        itemsProcessed: outcome.itemsProcessed,
        ...(outcome.accumulatedResults === undefined ? {} : { accumulatedResults: outcome.accumulatedResults }),
      });
      this.stats.checkpoints += 1;
      return;
    }
    const accepted = this.ffi.completeStepEvent(event.eventId, toExecutionResult(event, outcome, elapsedMs, this.workerId));
    if (!accepted) {
      this.reportError(new TaskerError('NOT_FOUND', `Not found: event ${event.eventId} was no longer in flight`), event);
      return;
    }
    if (outcome.kind === 'success') this.stats.completed += 1;
    else this.stats.failed += 1;
  }

  private reportError(error: unknown, event: StepEvent | null): void {
    this.stats.errors += 1;
    if (this.options.onError !== undefined) {
      this.options.onError(error, event);
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

function failureFromError(error: unknown): StepFailure {
  if (error instanceof StepHandlerError) {
    return {
      ...stepFailure(error.message, {
        retryable: error.retryable,
        ...(error.errorType === undefined ? {} : { errorType: error.errorType }),
        ...(error.errorCode === undefined ? {} : { errorCode: error.errorCode }),
        ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
        ...(error.context === undefined ? {} : { context: error.context }),
      }),
      ...(error.stack === undefined ? {} : { backtrace: error.stack.split('\n') }),
    };
  }
  if (error instanceof Error) {
    const retryable = (error as Error & { retryable?: unknown }).retryable;
    return {
      ...stepFailure(error.message, { retryable: retryable !== false, errorType: error.name }),
      ...(error.stack === undefined ? {} : { backtrace: error.stack.split('\n') }),
    };
  }
  return stepFailure(String(error), { retryable: true, errorType: 'Error' });
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
