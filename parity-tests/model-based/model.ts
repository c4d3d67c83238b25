/**
 * A TypeScript model of the embedded engine (crates/tasker-core/src/engine*): what every operation
 * returns and how it changes the state, for a seeded engine on its fixed clock. Ids the model
 * cannot know in advance (the seeded UUIDs) are learned from the real results the first time they
 * appear; everything else (statuses, attempts, timestamps, readiness, counts, metrics, domain events,
 * audit rows, errors) the model predicts, and the model-based test compares after every command.
 *
 * Semantics followed (engine.rs doc comment): the fixed clock advances one tick per read; create,
 * cancel, poll (unless shutting down), complete, checkpoint, starvation check (unless shutting
 * down) and timeout cleanup read it once after validating; queries peek. Retries back off
 * `base * 2^(attempts-1)` capped at 60 s; timeouts retry at once; checkpoint-yield is for batch steps
 * and keeps the attempt; cancel withdraws handed-out events; a permanent failure errors the task.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { CheckpointYieldData, DomainEvent, JsonValue, StepEvent, WorkerStatus } from '../../src/contract.js';
import type { TaskerErrorCode } from '../../src/errors.js';
import { packageRoot } from '../../src/backends/locate.js';

// ---------------------------------------------------------------------------------------------
// Templates (read from the shipped files, as the engine does)
// ---------------------------------------------------------------------------------------------

export interface ModelStepDef {
  readonly name: string;
  readonly description: string | null;
  readonly handlerCallable: string;
  readonly handlerInitialization: JsonValue;
  readonly dependencies: string[];
  readonly maxAttempts: number;
  readonly retryable: boolean;
  readonly backoffBaseMs: number;
  readonly timeoutMs: number | null;
  readonly batch: boolean;
  readonly deps: number[];
  readonly dependents: number[];
}

export interface ModelTemplate {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly steps: ModelStepDef[];
}

interface StepFile {
  name: string;
  description?: string;
  handler_callable: string;
  handler_initialization?: JsonValue;
  dependencies?: string[];
  max_attempts?: number;
  retryable?: boolean;
  backoff_base_ms?: number;
  timeout_ms?: number;
  batch?: boolean;
}

export const TEMPLATE_FILES = ['ecommerce/order_processing.json', 'analytics/report.json', 'batch/import.json'] as const;

function loadTemplate(file: string): ModelTemplate {
  const raw = JSON.parse(readFileSync(path.join(packageRoot(), 'crates/tasker-core/templates', file), 'utf8')) as {
    namespace: string;
    name: string;
    version: string;
    steps: StepFile[];
  };
  const index = new Map(raw.steps.map((s, i) => [s.name, i]));
  const deps = raw.steps.map((s) => (s.dependencies ?? []).map((d) => index.get(d) as number));
  return {
    namespace: raw.namespace,
    name: raw.name,
    version: raw.version,
    steps: raw.steps.map((s, i) => ({
      name: s.name,
      description: s.description ?? null,
      handlerCallable: s.handler_callable,
      handlerInitialization: s.handler_initialization ?? {},
      dependencies: s.dependencies ?? [],
      maxAttempts: s.max_attempts ?? 3,
      retryable: s.retryable ?? true,
      backoffBaseMs: s.backoff_base_ms ?? 1000,
      timeoutMs: s.timeout_ms ?? null,
      batch: s.batch ?? false,
      deps: deps[i] as number[],
      dependents: deps.flatMap((own, j) => (own.includes(i) ? [j] : [])),
    })),
  };
}

export const TEMPLATES: readonly ModelTemplate[] = TEMPLATE_FILES.map(loadTemplate);

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export type StepState = 'pending' | 'enqueued' | 'in_progress' | 'waiting_for_retry' | 'complete' | 'error' | 'cancelled';
export type TaskStatus = 'pending' | 'in_progress' | 'complete' | 'error' | 'cancelled';

const FINISHED: readonly StepState[] = ['complete', 'error', 'cancelled'];
const isActive = (status: TaskStatus): boolean => status === 'pending' || status === 'in_progress';

interface Outcome {
  success: boolean;
  status: string;
  result: JsonValue;
  errorMessage: string | null;
  errorType: string | null;
  errorRetryable: boolean | null;
}

export interface AuditRow {
  step_uuid: string;
  task_uuid: string;
  step_name: string;
  from_state: string | null;
  to_state: string;
  worker_id: string | null;
  success: boolean | null;
  execution_time_ms: number | null;
  recorded_at: string;
  result: JsonValue;
}

interface ModelStep {
  readonly def: ModelStepDef;
  uuid: string;
  state: StepState;
  attempts: number;
  availableAt: number | null;
  lastFailureAt: number | null;
  nextRetryAt: number | null;
  outcome: Outcome | null;
  checkpoint: { step_uuid: string; cursor: JsonValue; items_processed: number; accumulated_results: JsonValue } | null;
  claim: string | null;
  audit: AuditRow[];
}

/** The request fields a task keeps (and an idempotent replay is compared on). */
export interface ModelRequest {
  name: string;
  namespace: string;
  version: string;
  context: JsonValue;
  initiator: string;
  sourceSystem: string;
  reason: string;
  tags: string[] | null;
  priority: number | null;
  correlationId: string | null;
  idempotencyKey: string | null;
}

interface ModelTask {
  readonly template: ModelTemplate;
  readonly request: ModelRequest;
  uuid: string;
  correlationId: string;
  requestedAt: number;
  status: TaskStatus;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  steps: ModelStep[];
}

interface Claim {
  task: number;
  step: number;
  claimedAt: number;
  seq: number;
}

/** A domain event without its (random) event id. */
export type ModelDomainEvent = Omit<DomainEvent, 'eventId'>;

export const NOT_RUNNING = 'Worker not initialized — call bootstrapWorker() first';
export const CLOCK_START = Date.UTC(2026, 0, 1);
const STEP_TIMEOUT_MS = 30_000;
const STARVATION_THRESHOLD_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;
const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'in_progress', 'complete', 'error', 'cancelled'];

export const iso = (ms: number): string => new Date(ms).toISOString();

/** What an operation gives: a value, or a TaskerError (code and message). */
export type Expected = { ok: true; value: unknown } | { ok: false; code: TaskerErrorCode; message: string };

const fail = (code: TaskerErrorCode, message: string): Expected => ({ ok: false, code, message });
const ok = (value: unknown): Expected => ({ ok: true, value });

class Fail extends Error {
  constructor(readonly expected: Expected) {
    super('model error');
  }
}
const raise = (code: TaskerErrorCode, message: string): never => {
  throw new Fail(fail(code, message));
};

function uuidOrThrow(raw: string, what: string): string {
  // The commands only send canonical lowercase UUIDs or obvious non-UUIDs.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(raw)) raise('INVALID_REQUEST', `Invalid argument: Invalid ${what}: ${raw}`);
  return raw;
}

/** The state of one engine (or of none: `running` false). */
export class EngineModel {
  running = false;
  shuttingDown = false;
  workerId: string | null = null;
  private next = CLOCK_START;
  private tick = 1000;
  tasks: ModelTask[] = [];
  private idempotency = new Map<string, number>();
  inFlight = new Map<string, Claim>();
  private claimSeq = 0;
  events: ModelDomainEvent[] = [];
  counters = { completed: 0, failed: 0, retried: 0, checkpoints: 0, timedOut: 0, starvationWarnings: 0 };
  /** Every event id ever handed out (stale ids for the commands). */
  knownEvents: string[] = [];

  // ---- clock ----
  private read(): number {
    const now = this.next;
    this.next = now + this.tick;
    return now;
  }
  peek(): number {
    return this.next;
  }

  /** Runs an operation of the model: its value, or the TaskerError it predicts. */
  private run(body: () => unknown): Expected {
    if (!this.running) return fail('WORKER_NOT_RUNNING', NOT_RUNNING);
    try {
      return ok(body());
    } catch (error) {
      if (error instanceof Fail) return error.expected;
      throw error;
    }
  }

  // ---- lifecycle ----

  /** `bootstrapWorker({seed, clockTickMs})`; `learnWorkerId` gives the id the real engine chose. */
  bootstrap(clockTickMs: number, learnWorkerId: () => string): Expected {
    if (this.running) return ok({ success: true, status: 'already_running', message: 'Worker already running', workerId: this.workerId });
    Object.assign(this, new EngineModel());
    this.running = true;
    this.tick = clockTickMs;
    this.workerId = learnWorkerId();
    return ok({ success: true, status: 'started', message: 'Worker bootstrapped', workerId: this.workerId });
  }

  status(): WorkerStatus {
    if (!this.running) return { success: true, running: false, status: 'stopped', workerId: null, inFlight: 0 };
    return { success: true, running: true, status: this.shuttingDown ? 'shutting_down' : 'running', workerId: this.workerId, inFlight: this.inFlight.size };
  }

  stop(): WorkerStatus {
    if (!this.running) return { success: true, running: false, status: 'not_running', workerId: null, inFlight: 0 };
    const status: WorkerStatus = { ...this.status(), running: false, status: 'stopped' };
    Object.assign(this, new EngineModel());
    return status;
  }

  gracefulShutdown(): Expected {
    return this.run(() => {
      this.shuttingDown = true;
      return this.status();
    });
  }

  health(): Expected {
    return this.run(() => ({ healthy: true, status: this.shuttingDown ? 'shutting_down' : 'healthy', task_count: this.tasks.length }));
  }

  // ---- readiness ----

  private depsSatisfied(task: ModelTask, si: number): boolean {
    return (task.template.steps[si] as ModelStepDef).deps.every((d) => task.steps[d]?.state === 'complete');
  }

  private readySince(task: ModelTask, si: number, now: number): number | null {
    if (!isActive(task.status)) return null;
    const step = task.steps[si] as ModelStep;
    const since = step.state === 'pending' || step.state === 'enqueued' ? step.availableAt : step.state === 'waiting_for_retry' ? step.nextRetryAt : null;
    return since !== null && since <= now && this.depsSatisfied(task, si) ? since : null;
  }

  private readySteps(now: number): [number, number][] {
    const ready: [number, number][] = [];
    this.tasks.forEach((task, ti) => {
      if (!isActive(task.status)) return;
      task.steps.forEach((_, si) => {
        if (this.readySince(task, si, now) !== null) ready.push([ti, si]);
      });
    });
    return ready;
  }

  // ---- views (the server's snake_case JSON, as client calls return it) ----

  stepReadiness(task: ModelTask, si: number, now: number): Record<string, unknown> {
    const step = task.steps[si] as ModelStep;
    const def = step.def;
    const finished = FINISHED.includes(step.state);
    return {
      step_uuid: step.uuid,
      task_uuid: task.uuid,
      name: def.name,
      current_state: step.state,
      dependencies_satisfied: this.depsSatisfied(task, si),
      retry_eligible: !finished && (step.attempts === 0 || (def.retryable && step.attempts < def.maxAttempts)),
      ready_for_execution: this.readySince(task, si, now) !== null,
      attempts: step.attempts,
      max_attempts: def.maxAttempts,
      last_failure_at: step.lastFailureAt === null ? null : iso(step.lastFailureAt),
      next_retry_at: step.nextRetryAt === null ? null : iso(step.nextRetryAt),
      total_parents: def.deps.length,
      completed_parents: def.deps.filter((d) => task.steps[d]?.state === 'complete').length,
      results: step.outcome === null ? null : step.outcome.result,
    };
  }

  taskResponse(task: ModelTask, now: number): Record<string, unknown> {
    const count = (states: StepState[]): number => task.steps.filter((s) => states.includes(s.state)).length;
    const total = task.steps.length;
    const completed = count(['complete']);
    const ready = task.steps.filter((_, si) => this.readySince(task, si, now) !== null).length;
    const [executionStatus, recommendedAction] =
      task.status === 'cancelled'
        ? ['cancelled', 'none']
        : task.status === 'complete'
          ? ['all_complete', 'finalize_task']
          : task.status === 'error'
            ? ['blocked_by_failures', 'handle_failures']
            : ready > 0
              ? ['has_ready_steps', 'execute_ready_steps']
              : ['processing', 'wait_for_completion'];
    const recovering = task.steps.some((s) => s.state === 'waiting_for_retry');
    const health = task.status === 'cancelled' ? 'unknown' : task.status === 'error' ? 'blocked' : recovering ? 'recovering' : 'healthy';
    const r = task.request;
    return {
      task_uuid: task.uuid,
      name: r.name,
      namespace: r.namespace,
      version: r.version,
      status: task.status,
      created_at: iso(task.createdAt),
      updated_at: iso(task.updatedAt),
      completed_at: task.completedAt === null ? null : iso(task.completedAt),
      context: r.context,
      initiator: r.initiator,
      source_system: r.sourceSystem,
      reason: r.reason,
      priority: r.priority,
      tags: r.tags,
      correlation_id: task.correlationId,
      parent_correlation_id: null,
      total_steps: total,
      pending_steps: count(['pending', 'waiting_for_retry']),
      in_progress_steps: count(['in_progress', 'enqueued']),
      completed_steps: completed,
      failed_steps: count(['error']),
      ready_steps: ready,
      execution_status: executionStatus,
      recommended_action: recommendedAction,
      completion_percentage: total === 0 ? 0 : (completed / total) * 100,
      health_status: health,
      steps: task.steps.map((_, si) => this.stepReadiness(task, si, now)),
    };
  }

  metrics(): Expected {
    return this.run(() => {
      const now = this.peek();
      const ready = this.readySteps(now);
      let oldest: number | null = null;
      for (const [ti, si] of ready) {
        const since = this.readySince(this.tasks[ti] as ModelTask, si, now) as number;
        oldest = Math.max(oldest ?? 0, now - since);
      }
      return {
        pendingCount: ready.length,
        inFlightCount: this.inFlight.size,
        completedCount: this.counters.completed,
        failedCount: this.counters.failed,
        retriedCount: this.counters.retried,
        checkpointCount: this.counters.checkpoints,
        timedOutCount: this.counters.timedOut,
        starvationWarnings: this.counters.starvationWarnings,
        oldestPendingAgeMs: oldest === null ? null : Math.min(oldest, 0xffff_ffff),
        starvationDetected: oldest !== null && oldest > STARVATION_THRESHOLD_MS,
      };
    });
  }

  // ---- transitions, events ----

  private transition(ti: number, si: number, to: StepState, now: number, detail: Partial<AuditRow> = {}): void {
    const task = this.tasks[ti] as ModelTask;
    const step = task.steps[si] as ModelStep;
    step.audit.push({
      step_uuid: step.uuid,
      task_uuid: task.uuid,
      step_name: step.def.name,
      from_state: step.state,
      to_state: to,
      worker_id: detail.worker_id ?? null,
      success: detail.success ?? null,
      execution_time_ms: detail.execution_time_ms ?? null,
      recorded_at: iso(now),
      result: detail.result ?? null,
    });
    step.state = to;
  }

  private emit(name: string, ti: number, si: number | null, now: number, payload: JsonValue): void {
    const task = this.tasks[ti] as ModelTask;
    const step = si === null ? null : (task.steps[si] as ModelStep);
    this.events.push({
      eventName: name,
      eventVersion: '1.0',
      metadata: {
        taskUuid: task.uuid,
        stepUuid: step === null ? null : step.uuid,
        stepName: step === null ? null : step.def.name,
        namespace: task.request.namespace,
        correlationId: task.correlationId,
        firedAt: iso(now),
        firedBy: this.workerId as string,
      },
      payload,
    });
  }

  private failTask(ti: number, si: number, now: number, message: string): void {
    const task = this.tasks[ti] as ModelTask;
    if (!isActive(task.status)) return;
    task.status = 'error';
    task.updatedAt = now;
    this.emit('task.failed', ti, null, now, { failed_step: (task.steps[si] as ModelStep).def.name, error_message: message, requested_at: iso(task.requestedAt) });
  }

  private scheduleRetry(ti: number, si: number, now: number, delay: number, reason: string, detail: Partial<AuditRow>): void {
    const task = this.tasks[ti] as ModelTask;
    const step = task.steps[si] as ModelStep;
    task.updatedAt = now;
    step.lastFailureAt = now;
    step.nextRetryAt = now + delay;
    this.counters.retried += 1;
    this.transition(ti, si, 'waiting_for_retry', now, detail);
    this.emit('step.retry_scheduled', ti, si, now, {
      attempts: step.attempts,
      max_attempts: step.def.maxAttempts,
      backoff_ms: delay,
      next_retry_at: iso(now + delay),
      reason,
    });
  }

  private failStep(ti: number, si: number, now: number, message: string, detail: Partial<AuditRow>): void {
    const step = (this.tasks[ti] as ModelTask).steps[si] as ModelStep;
    step.lastFailureAt = now;
    this.transition(ti, si, 'error', now, detail);
    this.emit('step.failed', ti, si, now, { attempts: step.attempts, error_message: message, error_type: step.outcome?.errorType ?? null, permanent: true });
    this.failTask(ti, si, now, message);
  }

  private unlockDependents(ti: number, si: number, now: number): void {
    const task = this.tasks[ti] as ModelTask;
    for (const d of (task.steps[si] as ModelStep).def.dependents) {
      const dependent = task.steps[d] as ModelStep;
      if (this.depsSatisfied(task, d) && dependent.state === 'pending' && dependent.availableAt === null) dependent.availableAt = now;
    }
    task.updatedAt = now;
    if (task.steps.every((s) => s.state === 'complete') && isActive(task.status)) {
      task.status = 'complete';
      task.completedAt = now;
      this.emit('task.completed', ti, null, now, { total_steps: task.steps.length, requested_at: iso(task.requestedAt), completed_at: iso(now) });
    }
  }

  private release(eventId: string, claim: Claim): void {
    this.inFlight.delete(eventId);
    ((this.tasks[claim.task] as ModelTask).steps[claim.step] as ModelStep).claim = null;
  }

  // ---- client operations ----

  private findTask(raw: string): number {
    uuidOrThrow(raw, 'task UUID');
    const ti = this.tasks.findIndex((t) => t.uuid === raw);
    if (ti < 0) raise('NOT_FOUND', `Not found: Task ${raw}`);
    return ti;
  }

  /**
   * `clientCreateTask`. `request` is valid in shape; `requestedAt` an ISO string or null. The ids the
   * engine draws are learned from `learn` (the real response) when a task is created.
   */
  createTask(request: ModelRequest, requestedAt: string | null, learn: () => { task_uuid: string; correlation_id: string; steps: { step_uuid: string }[] }): Expected {
    return this.run(() => {
      const template = TEMPLATES.find((t) => t.namespace === request.namespace && t.name === request.name && t.version === request.version);
      if (template === undefined) raise('TEMPLATE_NOT_FOUND', `Task template not found: ${request.namespace}/${request.name}@${request.version}`);
      const key = request.idempotencyKey;
      if (key !== null && this.idempotency.has(key)) {
        const existing = this.tasks[this.idempotency.get(key) as number] as ModelTask;
        if (JSON.stringify(existing.request) !== JSON.stringify(request)) raise('INVALID_STATE', 'Invalid state: idempotency key reused with a different request');
        return this.taskResponse(existing, this.peek());
      }
      const now = this.read();
      const learned = learn();
      const task: ModelTask = {
        template: template as ModelTemplate,
        request,
        uuid: learned.task_uuid,
        correlationId: request.correlationId ?? learned.correlation_id,
        requestedAt: requestedAt === null ? now : Date.parse(requestedAt),
        status: 'pending',
        createdAt: now,
        updatedAt: now,
        completedAt: null,
        steps: (template as ModelTemplate).steps.map((def, si) => {
          const uuid = learned.steps[si]?.step_uuid ?? '';
          return {
            def,
            uuid,
            state: 'pending' as StepState,
            attempts: 0,
            availableAt: def.deps.length === 0 ? now : null,
            lastFailureAt: null,
            nextRetryAt: null,
            outcome: null,
            checkpoint: null,
            claim: null,
            audit: [],
          };
        }),
      };
      for (const step of task.steps) {
        step.audit.push({
          step_uuid: step.uuid,
          task_uuid: task.uuid,
          step_name: step.def.name,
          from_state: null,
          to_state: 'pending',
          worker_id: null,
          success: null,
          execution_time_ms: null,
          recorded_at: iso(now),
          result: null,
        });
      }
      if (key !== null) this.idempotency.set(key, this.tasks.length);
      this.tasks.push(task);
      return this.taskResponse(task, now);
    });
  }

  getTask(raw: string): Expected {
    return this.run(() => this.taskResponse(this.tasks[this.findTask(raw)] as ModelTask, this.peek()));
  }

  listTaskSteps(raw: string): Expected {
    return this.run(() => {
      const task = this.tasks[this.findTask(raw)] as ModelTask;
      return task.steps.map((_, si) => this.stepReadiness(task, si, this.peek()));
    });
  }

  private findStep(taskRaw: string, stepRaw: string): [number, number] {
    uuidOrThrow(taskRaw, 'task UUID');
    uuidOrThrow(stepRaw, 'step UUID');
    const ti = this.tasks.findIndex((t) => t.uuid === taskRaw);
    if (ti < 0) raise('NOT_FOUND', `Not found: Task ${taskRaw}`);
    const si = (this.tasks[ti] as ModelTask).steps.findIndex((s) => s.uuid === stepRaw);
    if (si < 0) raise('NOT_FOUND', `Not found: Step ${stepRaw}`);
    return [ti, si];
  }

  getStep(taskRaw: string, stepRaw: string): Expected {
    return this.run(() => {
      const [ti, si] = this.findStep(taskRaw, stepRaw);
      return this.stepReadiness(this.tasks[ti] as ModelTask, si, this.peek());
    });
  }

  auditHistory(taskRaw: string, stepRaw: string): Expected {
    return this.run(() => {
      const [ti, si] = this.findStep(taskRaw, stepRaw);
      return ((this.tasks[ti] as ModelTask).steps[si] as ModelStep).audit.slice(-1000);
    });
  }

  listTasks(params: { page?: number; perPage?: number; namespace?: string; status?: string }): Expected {
    return this.run(() => {
      const page = params.page ?? 1;
      if (page === 0) raise('INVALID_REQUEST', 'Invalid argument: page must be at least 1, got 0');
      const perPage = params.perPage ?? 25;
      if (perPage < 1 || perPage > 100) raise('INVALID_REQUEST', `Invalid argument: per_page must be between 1 and 100, got ${perPage}`);
      if (params.status !== undefined && !TASK_STATUSES.includes(params.status as TaskStatus)) {
        raise('INVALID_REQUEST', `Invalid argument: Invalid status filter "${params.status}" (expected one of ${TASK_STATUSES.join(', ')})`);
      }
      const now = this.peek();
      const matching = this.tasks.filter((t) => (params.namespace === undefined || t.request.namespace === params.namespace) && (params.status === undefined || t.status === params.status));
      const totalPages = Math.ceil(matching.length / perPage);
      return {
        tasks: matching.slice((page - 1) * perPage, (page - 1) * perPage + perPage).map((t) => this.taskResponse(t, now)),
        pagination: { page, per_page: perPage, total_count: matching.length, total_pages: totalPages, has_next: page < totalPages, has_previous: page > 1 },
      };
    });
  }

  cancelTask(raw: string): Expected {
    return this.run(() => {
      const ti = this.findTask(raw);
      const task = this.tasks[ti] as ModelTask;
      if (!isActive(task.status)) raise('INVALID_STATE', `Invalid state: Task ${task.uuid} is already ${task.status}`);
      const unfinished = task.steps.flatMap((s, si) => (FINISHED.includes(s.state) ? [] : [si]));
      const now = this.read();
      for (const si of unfinished) {
        const step = task.steps[si] as ModelStep;
        if (step.claim !== null) this.inFlight.delete(step.claim);
        step.claim = null;
        step.availableAt = null;
        step.nextRetryAt = null;
        this.transition(ti, si, 'cancelled', now, { worker_id: this.workerId });
      }
      task.status = 'cancelled';
      task.updatedAt = now;
      this.emit('task.cancelled', ti, null, now, { cancelled_steps: unfinished.length, requested_at: iso(task.requestedAt) });
      return this.taskResponse(task, now);
    });
  }

  // ---- worker operations ----

  /** `pollStepEvents`; the expected event has `eventId` from `learnEventId` (the real one). */
  poll(learnEventId: () => string): Expected {
    return this.run(() => {
      if (this.shuttingDown) return null;
      const now = this.read();
      const [first] = this.readySteps(now);
      if (first === undefined) return null;
      const [ti, si] = first;
      const task = this.tasks[ti] as ModelTask;
      const step = task.steps[si] as ModelStep;
      const eventId = learnEventId();
      if (step.state !== 'enqueued') step.attempts += 1;
      step.availableAt = null;
      step.nextRetryAt = null;
      step.claim = eventId;
      if (task.status === 'pending') task.status = 'in_progress';
      task.updatedAt = now;
      this.claimSeq += 1;
      this.inFlight.set(eventId, { task: ti, step: si, claimedAt: now, seq: this.claimSeq });
      this.knownEvents.push(eventId);
      this.transition(ti, si, 'in_progress', now, { worker_id: this.workerId });
      return this.stepEvent(eventId, ti, si);
    });
  }

  private stepEvent(eventId: string, ti: number, si: number): StepEvent {
    const task = this.tasks[ti] as ModelTask;
    const step = task.steps[si] as ModelStep;
    const def = step.def;
    const r = task.request;
    const dependencyResults: StepEvent['dependencyResults'] = {};
    for (const d of def.deps) {
      const dep = task.steps[d] as ModelStep;
      const o = dep.outcome;
      dependencyResults[dep.def.name] =
        o === null
          ? { stepUuid: dep.uuid, success: false, result: null, status: dep.state, errorMessage: null, errorType: null, errorRetryable: null }
          : { stepUuid: dep.uuid, success: o.success, result: o.result, status: o.status, errorMessage: o.errorMessage, errorType: o.errorType, errorRetryable: o.errorRetryable };
    }
    return {
      eventId,
      taskUuid: task.uuid,
      stepUuid: step.uuid,
      correlationId: task.correlationId,
      traceId: null,
      spanId: null,
      task: {
        taskUuid: task.uuid,
        name: r.name,
        namespace: r.namespace,
        version: r.version,
        context: r.context,
        correlationId: task.correlationId,
        parentCorrelationId: null,
        initiator: r.initiator,
        sourceSystem: r.sourceSystem,
        reason: r.reason,
        priority: r.priority,
        createdAt: iso(task.createdAt),
      },
      workflowStep: {
        workflowStepUuid: step.uuid,
        taskUuid: task.uuid,
        name: def.name,
        attempts: step.attempts,
        maxAttempts: def.maxAttempts,
        retryable: def.retryable,
        inputs: null,
        checkpoint:
          step.checkpoint === null
            ? null
            : { stepUuid: step.checkpoint.step_uuid, cursor: step.checkpoint.cursor, itemsProcessed: step.checkpoint.items_processed, accumulatedResults: step.checkpoint.accumulated_results },
        createdAt: iso(task.createdAt),
      },
      stepDefinition: {
        name: def.name,
        description: def.description,
        handlerCallable: def.handlerCallable,
        handlerInitialization: def.handlerInitialization,
        dependencies: def.dependencies,
        maxAttempts: def.maxAttempts,
        retryable: def.retryable,
        backoffBaseMs: def.backoffBaseMs,
        timeoutMs: def.timeoutMs,
      },
      dependencyResults,
    };
  }

  pollDomainEvent(): Expected {
    return this.run(() => this.events.shift() ?? null);
  }

  /** The claim of `eventId` checked against the reported step (unknown: null). */
  private claimFor(eventId: string, stepRaw: string): Claim | null {
    const claim = this.inFlight.get(eventId);
    if (claim === undefined) return null;
    const actual = ((this.tasks[claim.task] as ModelTask).steps[claim.step] as ModelStep).uuid;
    if (actual !== stepRaw) raise('INVALID_REQUEST', `Invalid argument: step_uuid ${stepRaw} does not match event ${eventId}, which is for step ${actual}`);
    return claim;
  }

  /** `completeStepEvent` with a (shape-valid) result in contract form. */
  complete(eventId: string, result: { stepUuid: string; success: boolean; result: JsonValue; status: string; metadata: { executionTimeMs: number; workerId?: string; errorType?: string; retryable?: boolean }; error?: { message: string; errorType?: string; retryable?: boolean } }): Expected {
    return this.run(() => {
      uuidOrThrow(eventId, 'event ID');
      uuidOrThrow(result.stepUuid, 'step UUID');
      const kind = result.status === 'completed' ? 'completed' : result.status === 'failed' ? 'failed' : result.status === 'error' ? 'error' : null;
      if (kind === null) raise('INVALID_REQUEST', `Invalid argument: Invalid step result status "${result.status}" (expected completed, failed or error)`);
      if (result.success !== (kind === 'completed')) {
        raise('INVALID_REQUEST', `Invalid argument: Inconsistent step result: success=${String(result.success)} with status "${result.status}"`);
      }
      const claim = this.claimFor(eventId, result.stepUuid);
      if (claim === null) return false;
      this.release(eventId, claim);
      const now = this.read();
      const { task: ti, step: si } = claim;
      const step = (this.tasks[ti] as ModelTask).steps[si] as ModelStep;
      const error = result.error;
      step.outcome = {
        success: result.success,
        status: result.status,
        result: result.result,
        errorMessage: error?.message ?? null,
        errorType: error?.errorType ?? result.metadata.errorType ?? null,
        errorRetryable: error?.retryable ?? result.metadata.retryable ?? null,
      };
      const serializedError =
        error === undefined ? null : { message: error.message, error_type: error.errorType ?? null, retryable: error.retryable ?? null, status_code: null, backtrace: null, context: null };
      const detail: Partial<AuditRow> = {
        worker_id: result.metadata.workerId ?? this.workerId,
        success: result.success,
        execution_time_ms: result.metadata.executionTimeMs,
        result: serializedError === null ? result.result : { result: result.result, error: serializedError },
      };
      if (kind === 'completed') {
        this.counters.completed += 1;
        this.transition(ti, si, 'complete', now, detail);
        this.emit('step.completed', ti, si, now, { attempts: step.attempts, execution_time_ms: result.metadata.executionTimeMs, result: result.result });
        this.unlockDependents(ti, si, now);
      } else {
        this.counters.failed += 1;
        const def = step.def;
        const retry = kind === 'failed' && def.retryable && step.attempts < def.maxAttempts && error?.retryable !== false && result.metadata.retryable !== false;
        if (retry) {
          const delay = Math.min(def.backoffBaseMs * 2 ** Math.min(step.attempts - 1, 31), MAX_BACKOFF_MS);
          this.scheduleRetry(ti, si, now, delay, 'failure', detail);
        } else {
          this.failStep(ti, si, now, error?.message ?? 'step failed', detail);
        }
      }
      return true;
    });
  }

  checkpoint(eventId: string, data: CheckpointYieldData): Expected {
    return this.run(() => {
      uuidOrThrow(eventId, 'event ID');
      uuidOrThrow(data.stepUuid, 'step UUID');
      const claim = this.claimFor(eventId, data.stepUuid);
      if (claim === null) return false;
      const { task: ti, step: si } = claim;
      const task = this.tasks[ti] as ModelTask;
      const step = task.steps[si] as ModelStep;
      if (!step.def.batch) {
        raise('INVALID_REQUEST', `Invalid argument: Step ${step.def.name} is not a batch step; only steps marked "batch": true in their template can checkpoint-yield`);
      }
      this.release(eventId, claim);
      const now = this.read();
      const stored = { step_uuid: data.stepUuid, cursor: data.cursor, items_processed: data.itemsProcessed, accumulated_results: data.accumulatedResults ?? null };
      task.updatedAt = now;
      step.checkpoint = stored;
      step.availableAt = now;
      this.counters.checkpoints += 1;
      this.transition(ti, si, 'enqueued', now, { worker_id: this.workerId, result: stored });
      this.emit('step.checkpointed', ti, si, now, { items_processed: data.itemsProcessed, cursor: data.cursor });
      return true;
    });
  }

  checkStarvation(): Expected {
    return this.run(() => {
      if (this.shuttingDown) return undefined;
      const now = this.read();
      let starving = 0;
      for (const [ti, si] of this.readySteps(now)) {
        const since = this.readySince(this.tasks[ti] as ModelTask, si, now) as number;
        if (now - since > STARVATION_THRESHOLD_MS) starving += 1;
      }
      this.counters.starvationWarnings += starving;
      return undefined;
    });
  }

  cleanupTimeouts(): Expected {
    return this.run(() => {
      const now = this.read();
      const expired = [...this.inFlight.entries()]
        .filter(([, claim]) => {
          const def = ((this.tasks[claim.task] as ModelTask).steps[claim.step] as ModelStep).def;
          return now - claim.claimedAt > (def.timeoutMs ?? STEP_TIMEOUT_MS);
        })
        .sort(([, a], [, b]) => a.seq - b.seq);
      for (const [eventId, claim] of expired) {
        this.release(eventId, claim);
        this.counters.timedOut += 1;
        const { task: ti, step: si } = claim;
        const step = (this.tasks[ti] as ModelTask).steps[si] as ModelStep;
        const retry = step.def.retryable && step.attempts < step.def.maxAttempts;
        step.outcome = { success: false, status: retry ? 'failed' : 'error', result: null, errorMessage: 'step timed out', errorType: 'timeout', errorRetryable: retry };
        const detail: Partial<AuditRow> = { worker_id: this.workerId, success: false, result: { error: { message: 'step timed out', error_type: 'timeout' } } };
        if (retry) this.scheduleRetry(ti, si, now, 0, 'timeout', detail);
        else this.failStep(ti, si, now, 'step timed out', detail);
      }
      return undefined;
    });
  }

  /** The events in flight, in hand-out order (for the commands' choices). */
  inFlightEvents(): { eventId: string; stepUuid: string; batch: boolean }[] {
    return [...this.inFlight.entries()].map(([eventId, claim]) => {
      const step = (this.tasks[claim.task] as ModelTask).steps[claim.step] as ModelStep;
      return { eventId, stepUuid: step.uuid, batch: step.def.batch };
    });
  }
}
