/**
 * One `fc.Command` per operation the model covers, driving napi and koffi in lockstep: each `run`
 * calls the operation on both (their outcomes must be exactly equal), checks the agreed outcome
 * against the model's prediction, updates the model, then checks every task, the dispatch metrics
 * and the worker status against the model.
 */
import { isDeepStrictEqual } from 'node:util';

import fc from 'fast-check';

import type { StepEvent, StepExecutionResult, TaskerFfi, TaskResponse } from '../../src/contract.js';
import { TaskerError } from '../../src/errors.js';
import { successResult } from '../fixtures.js';
import { EngineModel, type Expected } from './model.js';

export interface Real {
  readonly napi: TaskerFfi;
  readonly koffi: TaskerFfi;
}

type ModelCommand = fc.Command<EngineModel, Real>;
type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const show = (value: unknown): string => JSON.stringify(value)?.slice(0, 600) ?? String(value);

export class Mismatch extends Error {
  override readonly name = 'Mismatch';
}

function attempt(call: () => unknown): Outcome {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (error instanceof TaskerError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

/** The call on both bridges, each outcome projected by `view`; they must agree. */
function both(real: Real, label: string, call: (ffi: TaskerFfi) => unknown, view: (value: unknown) => unknown = (v) => v): Outcome {
  const run = (ffi: TaskerFfi): Outcome => {
    const outcome = attempt(() => call(ffi));
    return outcome.ok ? { ok: true, value: view(outcome.value) } : outcome;
  };
  const napi = run(real.napi);
  const koffi = run(real.koffi);
  if (!isDeepStrictEqual(napi, koffi)) throw new Mismatch(`${label}: napi and koffi disagree\n  napi:  ${show(napi)}\n  koffi: ${show(koffi)}`);
  return napi;
}

function compare(label: string, outcome: Outcome, expected: Expected): void {
  if (expected.ok) {
    if (!outcome.ok || !isDeepStrictEqual(outcome.value, expected.value)) {
      throw new Mismatch(`${label}: bridges vs model\n  bridges: ${show(outcome)}\n  model:   ${show(expected.value)}`);
    }
    return;
  }
  const messageOk = !outcome.ok && (expected.prefix === true ? outcome.message.startsWith(expected.message) : outcome.message === expected.message);
  if (outcome.ok || outcome.code !== expected.code || !messageOk) {
    throw new Mismatch(`${label}: the model expected TaskerError ${expected.code} ${show(expected.message)}, the bridges gave ${show(outcome)}`);
  }
}

// Projections of the real results onto what the model predicts.
const STEP_KEYS = ['name', 'current_state', 'attempts', 'max_attempts', 'ready_for_execution', 'dependencies_satisfied', 'total_parents', 'completed_parents'] as const;
const TASK_KEYS = ['task_uuid', 'namespace', 'name', 'status', 'execution_status', 'health_status', 'total_steps', 'pending_steps', 'in_progress_steps', 'completed_steps', 'failed_steps', 'ready_steps', 'completion_percentage'] as const;
const pick = (from: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, from[k]]));
const stepView = (s: unknown) => pick(s as Record<string, unknown>, STEP_KEYS);
const taskView = (t: unknown) => ({ ...pick(t as Record<string, unknown>, TASK_KEYS), steps: (t as TaskResponse).steps.map(stepView) });
const eventView = (e: unknown) => {
  if (e === null) return null;
  const event = e as StepEvent;
  return {
    taskUuid: event.taskUuid,
    stepUuid: event.stepUuid,
    name: event.workflowStep.name,
    attempts: event.workflowStep.attempts,
    dependencyResults: Object.fromEntries(Object.entries(event.dependencyResults).map(([name, d]) => [name, d.result])),
  };
};

/** After every command: everything the model tracks equals what both bridges show. */
export function checkObservableState(model: EngineModel, real: Real): void {
  const status = both(real, 'getWorkerStatus()', (f) => f.getWorkerStatus(), (s) => pick(s as Record<string, unknown>, ['running', 'status', 'workerId']));
  compare('getWorkerStatus()', status, { ok: true, value: model.status() });
  if (!model.running) return;
  for (const task of model.tasks) {
    compare(`clientGetTask(${task.uuid})`, both(real, 'clientGetTask', (f) => f.clientGetTask(task.uuid), taskView), model.getTask(task.uuid));
  }
  compare('getFfiDispatchMetrics()', both(real, 'getFfiDispatchMetrics()', (f) => f.getFfiDispatchMetrics(), (m) => pick(m as Record<string, unknown>, ['pendingCount', 'oldestEventId'])), model.metrics());
  // No shipped template publishes events: the bus stays empty.
  compare('pollInProcessEvents()', both(real, 'pollInProcessEvents()', (f) => f.pollInProcessEvents()), { ok: true, value: null });
}

function step(model: EngineModel, real: Real, label: string, call: (ffi: TaskerFfi) => unknown, predict: (outcome: Outcome) => Expected, view?: (value: unknown) => unknown): void {
  const outcome = both(real, label, call, view);
  compare(label, outcome, predict(outcome));
  checkObservableState(model, real);
}

const MISSING_UUID = '00000000-0000-4000-8000-00000000beef';

export type TaskPick = { kind: 'task'; index: number } | { kind: 'missing' } | { kind: 'bad' };
export const taskPick: fc.Arbitrary<TaskPick> = fc.oneof(
  { arbitrary: fc.nat(9).map((index) => ({ kind: 'task' as const, index })), weight: 8 },
  { arbitrary: fc.constant({ kind: 'missing' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'bad' as const }), weight: 1 },
);

function taskId(model: EngineModel, pick: TaskPick): string {
  if (pick.kind === 'bad') return 'not-a-task';
  if (pick.kind === 'missing' || model.tasks.length === 0) return MISSING_UUID;
  return (model.tasks[pick.index % model.tasks.length] as (typeof model.tasks)[number]).uuid;
}

// ---------------------------------------------------------------------------------------------

export class BootstrapWorkerCommand implements ModelCommand {
  constructor(readonly seed: number, readonly clockTickMs: number) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const config = { seed: this.seed, clockTickMs: this.clockTickMs };
    step(model, real, `bootstrapWorker(${show(config)})`, (f) => f.bootstrapWorker(config), (o) =>
      // The id is a seeded draw: learned (the status check compares both bridges' ids with it).
      o.ok ? model.bootstrap(() => real.napi.getWorkerStatus().workerId ?? '') : model.bootstrap(() => ''),
    (r) => pick(r as Record<string, unknown>, ['success', 'status']));
  }
  toString = (): string => `bootstrapWorker({seed: ${this.seed}, clockTickMs: ${this.clockTickMs}})`;
}

export class StopWorkerCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'stopWorker()', (f) => f.stopWorker(), () => ({ ok: true, value: model.stop() }), (s) => pick(s as Record<string, unknown>, ['running', 'status', 'workerId']));
  }
  toString = (): string => 'stopWorker()';
}

export class TransitionToGracefulShutdownCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'transitionToGracefulShutdown()', (f) => f.transitionToGracefulShutdown(), () => model.gracefulShutdown(), (s) =>
      pick(s as Record<string, unknown>, ['running', 'status', 'workerId']),
    );
  }
  toString = (): string => 'transitionToGracefulShutdown()';
}

export class ClientCreateTaskCommand implements ModelCommand {
  constructor(readonly template: number, readonly idempotencyKey: string | null) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const templates = [['ecommerce', 'order_processing'], ['analytics', 'report'], ['batch', 'import'], ['ecommerce', 'no_such_template']] as const;
    const [namespace, name] = templates[this.template] ?? templates[3];
    const request = {
      name, namespace, version: '1.0.0', context: { n: this.template }, initiator: 'model', sourceSystem: 'fast-check', reason: 'model-based',
      ...(this.idempotencyKey === null ? {} : { idempotencyKey: this.idempotencyKey }),
    };
    let created: TaskResponse | undefined;
    step(model, real, `clientCreateTask(${name})`, (f) => f.clientCreateTask(request), () =>
      model.createTask(this.template, this.idempotencyKey, () => created as TaskResponse),
    (t) => {
      created = t as TaskResponse;
      return taskView(t);
    });
  }
  toString = (): string => `clientCreateTask(template#${this.template}${this.idempotencyKey === null ? '' : `, ${this.idempotencyKey}`})`;
}

export class ClientListTaskStepsCommand implements ModelCommand {
  constructor(readonly pick: TaskPick) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const id = taskId(model, this.pick);
    step(model, real, `clientListTaskSteps(${id})`, (f) => f.clientListTaskSteps(id), () => model.listTaskSteps(id), (steps) => (steps as unknown[]).map(stepView));
  }
  toString = (): string => `clientListTaskSteps(${show(this.pick)})`;
}

export class ClientGetStepAuditHistoryCommand implements ModelCommand {
  constructor(readonly pick: TaskPick, readonly stepIndex: number) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const task = taskId(model, this.pick);
    const owner = model.tasks.find((t) => t.uuid === task);
    const stepUuid = owner?.steps[this.stepIndex % owner.steps.length]?.uuid ?? MISSING_UUID;
    step(model, real, `clientGetStepAuditHistory(${task}, ${stepUuid})`, (f) => f.clientGetStepAuditHistory(task, stepUuid), () => model.auditHistory(task, stepUuid), (rows) =>
      (rows as { from_state?: string; to_state: string; success: boolean }[]).map((r) => [r.from_state, r.to_state, r.success]),
    );
  }
  toString = (): string => `clientGetStepAuditHistory(${show(this.pick)}, step#${this.stepIndex})`;
}

export class ClientListTasksCommand implements ModelCommand {
  constructor(readonly params: { limit?: number; offset?: number; namespace?: string; status?: string }) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, `clientListTasks(${show(this.params)})`, (f) => f.clientListTasks(this.params), () => model.listTasks(this.params), (list) => ({
      tasks: (list as { tasks: TaskResponse[] }).tasks.map((t) => t.task_uuid),
      pagination: (list as { pagination: unknown }).pagination,
    }));
  }
  toString = (): string => `clientListTasks(${show(this.params)})`;
}

export class ClientCancelTaskCommand implements ModelCommand {
  constructor(readonly pick: TaskPick) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const id = taskId(model, this.pick);
    step(model, real, `clientCancelTask(${id})`, (f) => f.clientCancelTask(id), () => model.cancelTask(id));
  }
  toString = (): string => `clientCancelTask(${show(this.pick)})`;
}

export class PollStepEventsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    let eventId = '';
    step(model, real, 'pollStepEvents()', (f) => f.pollStepEvents(), () => model.poll(() => eventId), (e) => {
      // Both bridges hand out the same seeded id; the model learns it.
      if (e !== null) eventId = (e as StepEvent).eventId;
      return eventView(e);
    });
  }
  toString = (): string => 'pollStepEvents()';
}

export type CompleteKind = 'success' | 'retryable' | 'permanent' | 'stale' | 'bad-event-id';

export class CompleteStepEventCommand implements ModelCommand {
  constructor(readonly kind: CompleteKind, readonly eventIndex: number, readonly payload: number) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const pending = model.pendingEvents();
    let eventId = pending[this.eventIndex % Math.max(1, pending.length)] ?? model.knownEvents[0] ?? MISSING_UUID;
    if (this.kind === 'stale') eventId = model.knownEvents.find((e) => !model.pending.has(e)) ?? MISSING_UUID;
    if (this.kind === 'bad-event-id') eventId = 'not-an-event';
    const stepUuid = model.stepUuidOf(eventId);
    const success = this.kind !== 'retryable' && this.kind !== 'permanent';
    const data = { payload: this.payload };
    const result: StepExecutionResult = success
      ? successResult(stepUuid, data)
      : {
          stepUuid,
          success: false,
          result: data,
          status: this.kind === 'permanent' ? 'error' : 'failed',
          metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:00.000Z', retryable: this.kind === 'retryable' },
          error: { message: `${this.kind} failure`, retryable: this.kind === 'retryable' },
        };
    step(model, real, `completeStepEvent(${eventId}, ${this.kind})`, (f) => f.completeStepEvent(eventId, result), () =>
      model.complete(eventId, success, this.kind === 'retryable', data),
    );
  }
  toString = (): string => `completeStepEvent(event#${this.eventIndex}, ${this.kind}, ${this.payload})`;
}

export class CleanupTimeoutsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'cleanupTimeouts()', (f) => f.cleanupTimeouts(), () => model.cleanupTimeouts());
  }
  toString = (): string => 'cleanupTimeouts()';
}
