/**
 * One `fc.Command` per operation of the contract, driving both bridges in lockstep against the
 * engine model: each `run` calls the operation on napi and koffi (their results must be exactly
 * equal), checks the agreed result against what the model predicts, updates the model, and then
 * checks every observable piece of state (worker status, every task with its steps, metrics,
 * health) against the model.
 */
import fc from 'fast-check';

import type { CheckpointYieldData, JsonValue, StepExecutionResult, TaskRequest, TaskResponse, StepEvent, TaskerFfi } from '../../src/contract.js';
import { exactDiff, show } from '../parity/support/compare.js';
import { both, describeOutcome, type Outcome, type Pair } from '../parity/support/lockstep.js';
import { EngineModel, TEMPLATES, type Expected, type ModelRequest } from './model.js';

export interface Real {
  readonly pair: Pair;
}

type ModelCommand = fc.Command<EngineModel, Real>;

/** The model and the bridges disagree (the bridges agreed with each other). */
export class ModelMismatch extends Error {
  override readonly name = 'ModelMismatch';
}

function compare(label: string, outcome: Outcome, expected: Expected, strip?: (value: unknown) => unknown): void {
  if (expected.ok) {
    if (!outcome.ok) throw new ModelMismatch(`${label}: the model expected a value, both bridges ${describeOutcome(outcome)}`);
    const actual = strip === undefined ? outcome.value : strip(outcome.value);
    const diff = exactDiff(actual, expected.value, 'result');
    if (diff !== null) throw new ModelMismatch(`${label}: bridges vs model differ at ${diff}\n  bridges: ${show(actual, 600)}\n  model:   ${show(expected.value, 600)}`);
    return;
  }
  if (outcome.ok || outcome.error.code !== expected.code || outcome.error.message !== expected.message) {
    throw new ModelMismatch(`${label}: the model expected TaskerError ${expected.code} ${JSON.stringify(expected.message)}, both bridges ${describeOutcome(outcome)}`);
  }
}

/** The value of an agreed outcome that the model learns ids from. */
function learned<T>(label: string, outcome: Outcome): T {
  if (!outcome.ok) throw new ModelMismatch(`${label}: the model expected a value, both bridges ${describeOutcome(outcome)}`);
  return outcome.value as T;
}

/** After every command: everything a caller can observe equals the model. */
export function checkObservableState(model: EngineModel, { pair }: Real): void {
  compare('isWorkerRunning()', both(pair, 'isWorkerRunning()', (f) => f.isWorkerRunning()), { ok: true, value: model.running });
  compare('getWorkerStatus()', both(pair, 'getWorkerStatus()', (f) => f.getWorkerStatus()), { ok: true, value: model.status() });
  if (!model.running) return;
  for (const task of model.tasks) {
    compare(`clientGetTask(${task.uuid})`, both(pair, `clientGetTask(${task.uuid})`, (f) => f.clientGetTask(task.uuid)), model.getTask(task.uuid));
  }
  compare('getFfiDispatchMetrics()', both(pair, 'getFfiDispatchMetrics()', (f) => f.getFfiDispatchMetrics()), model.metrics());
  compare('clientHealthCheck()', both(pair, 'clientHealthCheck()', (f) => f.clientHealthCheck()), model.health());
}

/** Runs an operation on both bridges, compares with the model, then checks the whole state. */
function step(model: EngineModel, real: Real, label: string, call: (ffi: TaskerFfi) => unknown, predict: (outcome: Outcome) => Expected, strip?: (value: unknown) => unknown): void {
  const outcome = both(real.pair, label, call);
  compare(label, outcome, predict(outcome), strip);
  checkObservableState(model, real);
}

const MISSING_UUID = '00000000-0000-4000-8000-00000000beef';

/** A task id: one of the model's tasks, a UUID of nothing, or not a UUID. */
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

function stepId(model: EngineModel, task: string, index: number, other: boolean): string {
  const owner = model.tasks.find((t) => t.uuid === task);
  const pool = other || owner === undefined ? model.tasks.flatMap((t) => t.steps.map((s) => s.uuid)) : owner.steps.map((s) => s.uuid);
  return pool.length === 0 ? MISSING_UUID : (pool[index % pool.length] as string);
}

const pickString = (pick: TaskPick): string => (pick.kind === 'task' ? `task#${pick.index}` : pick.kind);

/** Sorted-key JSON: the engine compares requests as JSON values, so key order must not matter. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a JSON value reads back as from the engine (`-0` is 0, undefined members gone). */
export const stored = (value: JsonValue): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

export class BootstrapWorkerCommand implements ModelCommand {
  constructor(
    readonly seed: number,
    readonly clockTickMs: number,
  ) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const config = { seed: this.seed, clockTickMs: this.clockTickMs };
    step(model, real, `bootstrapWorker(${show(config)})`, (f) => f.bootstrapWorker(config), (o) =>
      model.bootstrap(this.clockTickMs, () => learned<{ workerId: string }>('bootstrapWorker', o).workerId),
    );
  }
  toString = (): string => `bootstrapWorker({seed: ${this.seed}, clockTickMs: ${this.clockTickMs}})`;
}

export class StopWorkerCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'stopWorker()', (f) => f.stopWorker(), () => ({ ok: true, value: model.stop() }));
  }
  toString = (): string => 'stopWorker()';
}

export class GetWorkerStatusCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'getWorkerStatus()', (f) => f.getWorkerStatus(), () => ({ ok: true, value: model.status() }));
  }
  toString = (): string => 'getWorkerStatus()';
}

export class IsWorkerRunningCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'isWorkerRunning()', (f) => f.isWorkerRunning(), () => ({ ok: true, value: model.running }));
  }
  toString = (): string => 'isWorkerRunning()';
}

export class TransitionToGracefulShutdownCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'transitionToGracefulShutdown()', (f) => f.transitionToGracefulShutdown(), () => model.gracefulShutdown());
  }
  toString = (): string => 'transitionToGracefulShutdown()';
}

export class HealthCheckCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'healthCheck() / getVersion()', (f) => [f.healthCheck(), f.getVersion(), f.getRustVersion()], (o) => ({
      ok: true,
      value: [true, ...(learned<unknown[]>('getVersion', o).slice(1))],
    }));
  }
  toString = (): string => 'healthCheck(); getVersion(); getRustVersion()';
}

export class LogCommand implements ModelCommand {
  constructor(
    readonly level: 'logError' | 'logWarn' | 'logInfo' | 'logDebug' | 'logTrace',
    readonly fields: JsonValue | undefined,
  ) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const fields = this.fields as Record<string, JsonValue> | undefined;
    step(model, real, `${this.level}()`, (f) => f[this.level]('model-based', fields), () => ({ ok: true, value: undefined }));
  }
  toString = (): string => `${this.level}('model-based', ${show(this.fields)})`;
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

export interface CreateSpec {
  readonly template: number;
  readonly context: JsonValue;
  readonly idempotencyKey: string | null;
  readonly replay: boolean;
  readonly correlationId: string | null;
  readonly requestedAt: string | null;
  readonly priority: number | null;
  readonly tags: string[] | null;
}

export class ClientCreateTaskCommand implements ModelCommand {
  constructor(readonly spec: CreateSpec) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const { spec } = this;
    const template = TEMPLATES[spec.template];
    const existing = spec.replay && spec.idempotencyKey !== null ? model.tasks.find((t) => t.request.idempotencyKey === spec.idempotencyKey) : undefined;
    const request: ModelRequest =
      existing !== undefined
        ? existing.request
        : {
            name: template?.name ?? 'no_such_template',
            namespace: template?.namespace ?? 'ecommerce',
            version: template?.version ?? '1.0.0',
            context: stored(spec.context),
            initiator: 'model',
            sourceSystem: 'fast-check',
            reason: 'model-based',
            tags: spec.tags,
            priority: spec.priority,
            correlationId: spec.correlationId,
            idempotencyKey: spec.idempotencyKey,
          };
    const sent: TaskRequest = {
      name: request.name,
      namespace: request.namespace,
      version: request.version,
      context: existing !== undefined ? existing.request.context : spec.context,
      initiator: request.initiator,
      sourceSystem: request.sourceSystem,
      reason: request.reason,
      ...(request.tags === null ? {} : { tags: request.tags }),
      ...(request.priority === null ? {} : { priority: request.priority }),
      ...(request.correlationId === null ? {} : { correlationId: request.correlationId }),
      ...(request.idempotencyKey === null ? {} : { idempotencyKey: request.idempotencyKey }),
      ...(spec.requestedAt === null ? {} : { requestedAt: spec.requestedAt }),
    };
    const key: ModelRequest = { ...request, context: JSON.parse(canonical(request.context)) as JsonValue };
    step(model, real, `clientCreateTask(${show(sent, 200)})`, (f) => f.clientCreateTask(sent), (o) =>
      model.createTask(key, spec.requestedAt, () => learned<TaskResponse>('clientCreateTask', o)),
    );
  }
  toString = (): string => `clientCreateTask(${show(this.spec, 200)})`;
}

export class ClientGetTaskCommand implements ModelCommand {
  constructor(readonly pick: TaskPick) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const id = taskId(model, this.pick);
    step(model, real, `clientGetTask(${id})`, (f) => f.clientGetTask(id), () => model.getTask(id));
  }
  toString = (): string => `clientGetTask(${pickString(this.pick)})`;
}

export class ClientListTaskStepsCommand implements ModelCommand {
  constructor(readonly pick: TaskPick) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const id = taskId(model, this.pick);
    step(model, real, `clientListTaskSteps(${id})`, (f) => f.clientListTaskSteps(id), () => model.listTaskSteps(id));
  }
  toString = (): string => `clientListTaskSteps(${pickString(this.pick)})`;
}

export class ClientGetStepCommand implements ModelCommand {
  constructor(
    readonly pick: TaskPick,
    readonly stepIndex: number,
    readonly otherTask: boolean,
  ) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const task = taskId(model, this.pick);
    const stepUuid = stepId(model, task, this.stepIndex, this.otherTask);
    step(model, real, `clientGetStep(${task}, ${stepUuid})`, (f) => f.clientGetStep(task, stepUuid), () => model.getStep(task, stepUuid));
  }
  toString = (): string => `clientGetStep(${pickString(this.pick)}, step#${this.stepIndex}${this.otherTask ? ' of any task' : ''})`;
}

export class ClientGetStepAuditHistoryCommand implements ModelCommand {
  constructor(
    readonly pick: TaskPick,
    readonly stepIndex: number,
  ) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const task = taskId(model, this.pick);
    const stepUuid = stepId(model, task, this.stepIndex, false);
    // Audit ids are random draws of the engine: compared between the bridges, not with the model.
    const withoutIds = (rows: unknown): unknown => (rows as Record<string, unknown>[]).map(({ audit_uuid: _id, ...row }) => row);
    step(model, real, `clientGetStepAuditHistory(${task}, ${stepUuid})`, (f) => f.clientGetStepAuditHistory(task, stepUuid), () => model.auditHistory(task, stepUuid), withoutIds);
  }
  toString = (): string => `clientGetStepAuditHistory(${pickString(this.pick)}, step#${this.stepIndex})`;
}

export interface ListSpec {
  readonly page?: number;
  readonly perPage?: number;
  readonly namespace?: string;
  readonly status?: string;
}

export class ClientListTasksCommand implements ModelCommand {
  constructor(readonly params: ListSpec) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, `clientListTasks(${show(this.params)})`, (f) => f.clientListTasks(this.params), () => model.listTasks(this.params));
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
  toString = (): string => `clientCancelTask(${pickString(this.pick)})`;
}

export class ClientHealthCheckCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'clientHealthCheck()', (f) => f.clientHealthCheck(), () => model.health());
  }
  toString = (): string => 'clientHealthCheck()';
}

// ---------------------------------------------------------------------------------------------
// Worker
// ---------------------------------------------------------------------------------------------

export class PollStepEventsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'pollStepEvents()', (f) => f.pollStepEvents(), (o) => model.poll(() => learned<StepEvent>('pollStepEvents', o).eventId));
  }
  toString = (): string => 'pollStepEvents()';
}

export class PollInProcessEventsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const withoutId = (event: unknown): unknown => {
      if (event === null) return null;
      const { eventId: _id, ...rest } = event as Record<string, unknown>;
      return rest;
    };
    step(model, real, 'pollInProcessEvents()', (f) => f.pollInProcessEvents(), () => model.pollDomainEvent(), withoutId);
  }
  toString = (): string => 'pollInProcessEvents()';
}

export type CompleteKind = 'success' | 'retryable' | 'retry-vetoed' | 'permanent' | 'stale' | 'wrong-step' | 'bad-event-id' | 'inconsistent';

/** The event to act on: the n-th event in flight (or a stale one, when none is). */
function eventFor(model: EngineModel, index: number, batchOnly: boolean): { eventId: string; stepUuid: string } {
  const inFlight = model.inFlightEvents().filter((e) => !batchOnly || e.batch);
  if (inFlight.length > 0) return inFlight[index % inFlight.length] as { eventId: string; stepUuid: string };
  const stale = model.knownEvents[index % Math.max(1, model.knownEvents.length)];
  const anyStep = model.tasks[0]?.steps[0]?.uuid ?? MISSING_UUID;
  return { eventId: stale ?? '00000000-0000-4000-8000-00000000e7e7', stepUuid: anyStep };
}

export class CompleteStepEventCommand implements ModelCommand {
  constructor(
    readonly kind: CompleteKind,
    readonly eventIndex: number,
    readonly result: JsonValue,
    readonly executionTimeMs: number,
    readonly workerId: string | null,
  ) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const target = eventFor(model, this.eventIndex, false);
    let eventId = target.eventId;
    let stepUuid = target.stepUuid;
    if (this.kind === 'stale') eventId = model.knownEvents.find((e) => !model.inFlight.has(e)) ?? '00000000-0000-4000-8000-00000000e7e7';
    if (this.kind === 'bad-event-id') eventId = 'not-an-event';
    if (this.kind === 'wrong-step') stepUuid = model.tasks.flatMap((t) => t.steps.map((s) => s.uuid)).find((s) => s !== stepUuid) ?? MISSING_UUID;
    const success = this.kind === 'success' || this.kind === 'stale' || this.kind === 'wrong-step' || this.kind === 'bad-event-id' || this.kind === 'inconsistent';
    const status = this.kind === 'permanent' ? 'error' : this.kind === 'retryable' || this.kind === 'retry-vetoed' || this.kind === 'inconsistent' ? 'failed' : 'completed';
    const result: StepExecutionResult = {
      stepUuid,
      success,
      result: this.result,
      status: status as StepExecutionResult['status'],
      metadata: {
        executionTimeMs: this.executionTimeMs,
        completedAt: '2026-01-01T00:00:00.000Z',
        ...(this.workerId === null ? {} : { workerId: this.workerId }),
        ...(this.kind === 'retry-vetoed' ? { retryable: false } : {}),
      },
      ...(success ? {} : { error: { message: `${this.kind} failure`, errorType: 'ModelError', ...(this.kind === 'permanent' ? { retryable: false } : {}) } }),
    };
    step(model, real, `completeStepEvent(${eventId}, ${this.kind})`, (f) => f.completeStepEvent(eventId, result), () =>
      model.complete(eventId, { ...result, result: stored(this.result) } as Parameters<EngineModel['complete']>[1]),
    );
  }
  toString = (): string => `completeStepEvent(event#${this.eventIndex}, ${this.kind}, result ${show(this.result, 80)})`;
}

export class CheckpointYieldStepEventCommand implements ModelCommand {
  constructor(
    readonly eventIndex: number,
    readonly batchOnly: boolean,
    readonly cursor: JsonValue,
    readonly itemsProcessed: number,
    readonly accumulated: JsonValue | undefined,
  ) {}
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    const { eventId, stepUuid } = eventFor(model, this.eventIndex, this.batchOnly);
    const data: CheckpointYieldData = {
      stepUuid,
      cursor: this.cursor,
      itemsProcessed: this.itemsProcessed,
      ...(this.accumulated === undefined ? {} : { accumulatedResults: this.accumulated }),
    };
    const modelData: CheckpointYieldData = {
      stepUuid,
      cursor: stored(this.cursor),
      itemsProcessed: this.itemsProcessed,
      ...(this.accumulated === undefined || this.accumulated === null ? {} : { accumulatedResults: stored(this.accumulated) }),
    };
    step(model, real, `checkpointYieldStepEvent(${eventId})`, (f) => f.checkpointYieldStepEvent(eventId, data), () => model.checkpoint(eventId, modelData));
  }
  toString = (): string => `checkpointYieldStepEvent(event#${this.eventIndex}${this.batchOnly ? ' (batch)' : ''}, items ${this.itemsProcessed})`;
}

export class GetFfiDispatchMetricsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'getFfiDispatchMetrics()', (f) => f.getFfiDispatchMetrics(), () => model.metrics());
  }
  toString = (): string => 'getFfiDispatchMetrics()';
}

export class CheckStarvationWarningsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'checkStarvationWarnings()', (f) => f.checkStarvationWarnings(), () => model.checkStarvation());
  }
  toString = (): string => 'checkStarvationWarnings()';
}

export class CleanupTimeoutsCommand implements ModelCommand {
  check = (): boolean => true;
  run(model: EngineModel, real: Real): void {
    step(model, real, 'cleanupTimeouts()', (f) => f.cleanupTimeouts(), () => model.cleanupTimeouts());
  }
  toString = (): string => 'cleanupTimeouts()';
}
