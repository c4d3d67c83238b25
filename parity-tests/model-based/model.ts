/**
 * A TypeScript model of the embedded engine (docs/engine.md, crates/tasker-core/src/engine) for
 * the shipped templates: tasker's task and step states, tasker's readiness rule, the retry
 * decision, the dispatch queue, cancel, timeouts, paging. Ids the model cannot know in advance
 * (seeded UUIDs) are learned from the real results the first time they appear; everything else
 * it predicts, and the model-based test compares after every command.
 *
 * Time: the engines run on the fixed clock with a tick (>= 61 s) longer than any backoff of the
 * shipped templates (<= 30 s) and than the 30 s step timeout, so a retry is due at the next clock
 * read and every claim handed out before the last read has timed out at the next cleanup. Which
 * calls read the clock is the model's business: poll (unless shutting down), create, complete,
 * cancel and cleanup; queries do not.
 */
import type { TaskerErrorCode } from '../../src/errors.js';

// ---------------------------------------------------------------------------------------------
// Templates (the shipped ones, as the engine creates their steps)
// ---------------------------------------------------------------------------------------------

export interface ModelStepDef {
  readonly name: string;
  readonly parents: readonly number[];
  readonly retryable: boolean;
  readonly maxAttempts: number;
}

export interface ModelTemplate {
  readonly namespace: string;
  readonly name: string;
  /** The steps a new task gets (`initial_step_set`: batch workers and convergences come later). */
  readonly steps: readonly ModelStepDef[];
}

const step = (name: string, parents: number[], maxAttempts = 3, retryable = true): ModelStepDef => ({ name, parents, maxAttempts, retryable });

/** crates/tasker-core/templates: ecommerce/order_processing, analytics/report, batch/import. */
export const TEMPLATES: readonly ModelTemplate[] = [
  {
    namespace: 'ecommerce',
    name: 'order_processing',
    steps: [step('validate_cart', []), step('process_payment', [0]), step('update_inventory', [1]), step('send_confirmation', [2], 5)],
  },
  {
    namespace: 'analytics',
    name: 'report',
    steps: [step('extract', [], 2), step('transform_a', [0], 2), step('transform_b', [0], 2), step('merge', [1, 2], 1, false)],
  },
  // Without a batch outcome the batchable step creates nothing: the task is its one step.
  { namespace: 'batch', name: 'import', steps: [step('prepare_import', [])] },
];

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export type StepState = 'pending' | 'enqueued' | 'in_progress' | 'waiting_for_retry' | 'complete' | 'error' | 'cancelled';
export type TaskState = 'steps_in_process' | 'evaluating_results' | 'waiting_for_dependencies' | 'complete' | 'blocked_by_failures' | 'cancelled';

interface ModelStep {
  readonly def: ModelStepDef;
  uuid: string;
  state: StepState;
  attempts: number;
  /** The clock read at which a retry is due (null: none scheduled). */
  retryAt: number | null;
  result: unknown;
  /** Audit rows, oldest first: `[from, to, success]`. */
  audit: [string, string, boolean][];
}

interface ModelTask {
  readonly template: ModelTemplate;
  readonly idempotencyKey: string | null;
  uuid: string;
  state: TaskState;
  steps: ModelStep[];
}

interface Claim {
  task: number;
  step: number;
  readAt: number;
  seq: number;
}

export const NOT_RUNNING = 'Worker not initialized — call bootstrapWorker() first';

/** What an operation gives: a value, or a TaskerError (code and message, or its start). */
export type Expected = { ok: true; value: unknown } | { ok: false; code: TaskerErrorCode; message: string; prefix?: boolean };

const ok = (value: unknown): Expected => ({ ok: true, value });

class Fail extends Error {
  constructor(readonly expected: Expected) {
    super('model error');
  }
}
const raise = (code: TaskerErrorCode, message: string, prefix = false): never => {
  throw new Fail({ ok: false, code, message, prefix });
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FINISHED: readonly StepState[] = ['complete', 'error', 'cancelled'];
const BUSY: readonly StepState[] = ['in_progress', 'enqueued'];

/** The state of one engine (or of none: `running` false). */
export class EngineModel {
  running = false;
  shuttingDown = false;
  workerId: string | null = null;
  tasks: ModelTask[] = [];
  /** Claims handed out and not answered (tasker's pending map), by event id. */
  pending = new Map<string, Claim>();
  /** Enqueued steps in dispatch order. */
  queue: [number, number][] = [];
  counters = { completed: 0, retries: 0, permanent: 0, timedOut: 0, cancelled: 0 };
  /** Every event id ever handed out (stale ids for the commands). */
  knownEvents: string[] = [];
  private reads = 0;
  private seq = 0;

  private read(): number {
    this.reads += 1;
    return this.reads;
  }

  /** `ids`: `[raw, what]` pairs the bridges parse before they look for a worker. */
  private run(body: () => unknown, ids: [string, string][] = []): Expected {
    for (const [raw, what] of ids) {
      if (!UUID.test(raw)) return { ok: false, code: 'INVALID_REQUEST', message: `Invalid argument: Invalid ${what}: `, prefix: true };
    }
    if (!this.running) return { ok: false, code: 'WORKER_NOT_RUNNING', message: NOT_RUNNING };
    try {
      return ok(body());
    } catch (error) {
      if (error instanceof Fail) return error.expected;
      throw error;
    }
  }

  // ---- lifecycle ----

  bootstrap(learnWorkerId: () => string): Expected {
    if (this.running) return ok({ success: true, status: 'already_running' });
    Object.assign(this, new EngineModel());
    this.running = true;
    this.workerId = learnWorkerId();
    return ok({ success: true, status: 'started' });
  }

  status(): { running: boolean; status: string; workerId: string | null } {
    if (!this.running) return { running: false, status: 'stopped', workerId: null };
    return { running: true, status: this.shuttingDown ? 'Stopped' : 'Running', workerId: this.workerId };
  }

  stop(): { running: boolean; status: string; workerId: string | null } {
    const was = this.running ? { running: false, status: 'stopped', workerId: this.workerId } : { running: false, status: 'not_running', workerId: null };
    Object.assign(this, new EngineModel());
    return was;
  }

  gracefulShutdown(): Expected {
    return this.run(() => {
      this.shuttingDown = true;
      return { running: true, status: 'transitioning', workerId: this.workerId };
    });
  }

  // ---- readiness and orchestration (tasker's rules) ----

  /** tasker's `ready_for_execution` at clock read `now`. */
  private isReady(task: ModelTask, s: ModelStep, now: number): boolean {
    return (
      (s.state === 'pending' || s.state === 'waiting_for_retry') &&
      s.def.parents.every((p) => task.steps[p]?.state === 'complete') &&
      (s.attempts === 0 || (s.def.retryable && s.attempts < s.def.maxAttempts)) &&
      (s.retryAt === null || s.retryAt <= now)
    );
  }

  private executionStatus(task: ModelTask, now: number): string {
    if (task.steps.some((s) => s.state === 'error')) return 'blocked_by_failures';
    if (task.steps.some((s) => this.isReady(task, s, now))) return 'has_ready_steps';
    if (task.steps.some((s) => BUSY.includes(s.state))) return 'processing';
    if (task.steps.every((s) => s.state === 'complete')) return 'all_complete';
    return 'waiting_for_dependencies';
  }

  private finalize(ti: number, now: number): void {
    const task = this.tasks[ti] as ModelTask;
    switch (this.executionStatus(task, now)) {
      case 'all_complete':
        task.state = 'complete';
        return;
      case 'blocked_by_failures':
        task.state = 'blocked_by_failures';
        return;
      case 'has_ready_steps':
        task.steps.forEach((s, si) => {
          if (this.isReady(task, s, now)) {
            s.state = 'enqueued';
            this.queue.push([ti, si]);
          }
        });
        task.state = 'steps_in_process';
        return;
      case 'waiting_for_dependencies':
        task.state = 'waiting_for_dependencies';
        return;
      default:
        // Siblings still run: the task stays evaluating its results.
        task.state = 'evaluating_results';
    }
  }

  /** A step result accepted: the step moves on, then its task is coordinated. */
  private accept(ti: number, si: number, now: number, success: boolean, retryable: boolean, result: unknown): void {
    const task = this.tasks[ti] as ModelTask;
    const s = task.steps[si] as ModelStep;
    s.result = result;
    s.audit.push(['in_progress', success ? 'enqueued_for_orchestration' : 'enqueued_as_error_for_orchestration', success]);
    if (success) {
      s.state = 'complete';
      this.counters.completed += 1;
    } else if (retryable && s.def.retryable && s.attempts < s.def.maxAttempts) {
      // Every retry of the shipped templates backs off > 0 ms and < one tick.
      s.state = 'waiting_for_retry';
      s.retryAt = now + 1;
      this.counters.retries += 1;
    } else {
      s.state = 'error';
      this.counters.permanent += 1;
    }
    if (task.state === 'steps_in_process' || task.state === 'evaluating_results') this.finalize(ti, now);
  }

  // ---- views (projections of the server's JSON) ----

  taskView(task: ModelTask): Record<string, unknown> {
    const now = this.reads + 1; // queries look at the clock's next reading
    const count = (state: StepState) => task.steps.filter((s) => s.state === state).length;
    const total = task.steps.length;
    const completed = count('complete');
    const executionStatus = this.executionStatus(task, now);
    return {
      task_uuid: task.uuid,
      namespace: task.template.namespace,
      name: task.template.name,
      status: task.state,
      execution_status: executionStatus,
      health_status: executionStatus === 'blocked_by_failures' ? 'blocked' : 'healthy',
      total_steps: total,
      pending_steps: count('pending'),
      in_progress_steps: count('in_progress'),
      completed_steps: completed,
      failed_steps: count('error'),
      ready_steps: task.steps.filter((s) => this.isReady(task, s, now)).length,
      completion_percentage: Math.round((completed / total) * 10_000) / 100,
      steps: task.steps.map((s) => this.stepView(task, s, now)),
    };
  }

  stepView(task: ModelTask, s: ModelStep, now = this.reads + 1): Record<string, unknown> {
    return {
      name: s.def.name,
      current_state: s.state,
      attempts: s.attempts,
      max_attempts: s.def.maxAttempts,
      ready_for_execution: this.isReady(task, s, now),
      dependencies_satisfied: s.def.parents.every((p) => task.steps[p]?.state === 'complete'),
      total_parents: s.def.parents.length,
      completed_parents: s.def.parents.filter((p) => task.steps[p]?.state === 'complete').length,
    };
  }

  private findTask(raw: string): ModelTask {
    if (!UUID.test(raw)) raise('INVALID_REQUEST', 'Invalid argument: Invalid UUID: ', true);
    const task = this.tasks.find((t) => t.uuid === raw);
    if (task === undefined) raise('NOT_FOUND', `Task ${raw} not found`);
    return task as ModelTask;
  }

  getTask(raw: string): Expected {
    return this.run(() => this.taskView(this.findTask(raw)), [[raw, 'UUID']]);
  }

  listTaskSteps(raw: string): Expected {
    return this.run(() => {
      const task = this.findTask(raw);
      return task.steps.map((s) => this.stepView(task, s));
    }, [[raw, 'UUID']]);
  }

  auditHistory(taskRaw: string, stepRaw: string): Expected {
    return this.run(() => {
      const task = this.findTask(taskRaw);
      if (!UUID.test(stepRaw)) raise('INVALID_REQUEST', 'Invalid argument: Invalid step UUID: ', true);
      const s = task.steps.find((x) => x.uuid === stepRaw);
      if (s === undefined) raise('NOT_FOUND', `Step ${stepRaw} of task ${task.uuid} not found`);
      return [...(s as ModelStep).audit].reverse();
    }, [[taskRaw, 'task UUID'], [stepRaw, 'step UUID']]);
  }

  listTasks(params: { limit?: number; offset?: number; namespace?: string; status?: string }): Expected {
    return this.run(() => {
      const limit = params.limit ?? 50;
      if (limit < 1 || limit > 100) raise('INVALID_REQUEST', 'Validation error: per_page must be between 1 and 100');
      const page = Math.floor((params.offset ?? 0) / limit) + 1;
      const matching = [...this.tasks]
        .reverse()
        .filter((t) => (params.namespace === undefined || t.template.namespace === params.namespace) && (params.status === undefined || t.state === params.status));
      const totalPages = Math.ceil(matching.length / limit);
      return {
        tasks: matching.slice((page - 1) * limit, page * limit).map((t) => t.uuid),
        pagination: { page, per_page: limit, total_count: matching.length, total_pages: totalPages, has_next: page < totalPages, has_previous: page > 1 },
      };
    });
  }

  metrics(): Expected {
    return this.run(() => {
      const oldest = [...this.pending.entries()].sort(([, a], [, b]) => a.seq - b.seq)[0];
      return { pendingCount: this.pending.size, oldestEventId: oldest === undefined ? null : oldest[0] };
    });
  }

  // ---- operations that change the state ----

  /** `clientCreateTask`; `learn` gives the task and step ids the real engine chose. */
  createTask(templateIndex: number, idempotencyKey: string | null, learn: () => { task_uuid: string; steps: { workflow_step_uuid: string }[] }): Expected {
    return this.run(() => {
      const template = TEMPLATES[templateIndex];
      if (template === undefined) raise('TEMPLATE_NOT_FOUND', 'Task template not found: ecommerce/no_such_template@1.0.0');
      const replay = idempotencyKey === null ? undefined : this.tasks.find((t) => t.idempotencyKey === idempotencyKey);
      if (replay !== undefined) return this.taskView(replay);
      const now = this.read();
      const real = learn();
      const task: ModelTask = {
        template: template as ModelTemplate,
        idempotencyKey,
        uuid: real.task_uuid,
        state: 'steps_in_process',
        steps: (template as ModelTemplate).steps.map((def, si) => ({
          def,
          uuid: real.steps[si]?.workflow_step_uuid ?? '',
          state: 'pending',
          attempts: 0,
          retryAt: null,
          result: null,
          audit: [],
        })),
      };
      this.tasks.push(task);
      this.finalize(this.tasks.length - 1, now);
      return this.taskView(task);
    });
  }

  /** `pollStepEvents`; `learnEventId` gives the real event id. The event projected as the test reads it. */
  poll(learnEventId: () => string): Expected {
    return this.run(() => {
      if (this.shuttingDown) return null;
      const now = this.read();
      // The readiness poller: waiting tasks whose retries came due are evaluated again.
      this.tasks.forEach((task, ti) => {
        if (task.state === 'waiting_for_dependencies' && task.steps.some((s) => this.isReady(task, s, now))) this.finalize(ti, now);
      });
      this.queue = this.queue.filter(([ti, si]) => (this.tasks[ti] as ModelTask).steps[si]?.state === 'enqueued');
      const next = this.queue.shift();
      if (next === undefined) return null;
      const [ti, si] = next;
      const task = this.tasks[ti] as ModelTask;
      const s = task.steps[si] as ModelStep;
      const attemptsBefore = s.attempts;
      s.state = 'in_progress';
      s.attempts += 1;
      s.retryAt = null;
      const eventId = learnEventId();
      this.seq += 1;
      this.pending.set(eventId, { task: ti, step: si, readAt: now, seq: this.seq });
      this.knownEvents.push(eventId);
      return {
        taskUuid: task.uuid,
        stepUuid: s.uuid,
        name: s.def.name,
        attempts: attemptsBefore,
        dependencyResults: this.ancestorResults(task, si),
      };
    });
  }

  /** Results of every completed ancestor, by name. */
  private ancestorResults(task: ModelTask, si: number): Record<string, unknown> {
    const results: Record<string, unknown> = {};
    const todo = [...(task.steps[si] as ModelStep).def.parents];
    const seen = new Set<number>();
    while (todo.length > 0) {
      const p = todo.shift() as number;
      if (seen.has(p)) continue;
      seen.add(p);
      const parent = task.steps[p] as ModelStep;
      if (parent.state === 'complete') results[parent.def.name] = parent.result;
      todo.push(...parent.def.parents);
    }
    return Object.fromEntries(Object.entries(results).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** `completeStepEvent` of a result for the claimed step; `retryable` is `metadata.retryable`. */
  complete(eventId: string, success: boolean, retryable: boolean, result: unknown): Expected {
    return this.run(() => {
      if (!UUID.test(eventId)) raise('INVALID_REQUEST', 'Invalid argument: Invalid event ID: ', true);
      const claim = this.pending.get(eventId);
      if (claim === undefined) return false;
      this.pending.delete(eventId);
      const now = this.read();
      this.accept(claim.task, claim.step, now, success, retryable, result);
      return true;
    });
  }

  cancelTask(raw: string): Expected {
    return this.run(() => {
      const task = this.findTask(raw);
      if (task.state === 'complete' || task.state === 'cancelled') {
        raise('INVALID_STATE', `Invalid state: Task ${task.uuid} cannot be cancelled: it is ${task.state}`);
      }
      this.read();
      for (const [eventId, claim] of [...this.pending.entries()]) {
        if (this.tasks[claim.task] === task) this.pending.delete(eventId);
      }
      for (const s of task.steps) if (!FINISHED.includes(s.state)) s.state = 'cancelled';
      task.state = 'cancelled';
      this.counters.cancelled += 1;
      return { cancelled: true };
    }, [[raw, 'UUID']]);
  }

  /** Every claim handed out before this read is older than the 30 s step timeout. */
  cleanupTimeouts(): Expected {
    return this.run(() => {
      const now = this.read();
      const expired = [...this.pending.entries()].filter(([, c]) => c.readAt < now).sort(([, a], [, b]) => a.seq - b.seq);
      for (const [eventId, claim] of expired) {
        this.pending.delete(eventId);
        this.counters.timedOut += 1;
        this.accept(claim.task, claim.step, now, false, true, { timed_out: true });
      }
      return undefined;
    });
  }

  /** The events in flight, in hand-out order (for the commands' choices). */
  pendingEvents(): string[] {
    return [...this.pending.entries()].sort(([, a], [, b]) => a.seq - b.seq).map(([id]) => id);
  }

  stepUuidOf(eventId: string): string {
    const claim = this.pending.get(eventId);
    return claim === undefined ? '00000000-0000-4000-8000-00000000beef' : ((this.tasks[claim.task] as ModelTask).steps[claim.step] as ModelStep).uuid;
  }
}
