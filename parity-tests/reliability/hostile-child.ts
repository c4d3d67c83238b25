/**
 * The executor of hostile.test.ts: a long-lived child process that runs hostile-input plans on
 * both bridges (the lockstep pair: napi and koffi, each with its own engine) and reports what
 * happened, so that a crash of native code is a failed property naming its plan, not a dead suite.
 *
 * Per plan and per backend: a fresh seeded engine with the same fixture (tasks, one step in
 * flight, one batch worker in flight), a state probe, the call with its hostile argument built
 * fresh (its reads counted), the probe again. The parent compares and asserts; this side only
 * measures. Requests and answers are JSON text over IPC: `{id, request}` -> `{id, answer}`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { JsonValue, StepEvent, TaskerFfi } from '../../src/contract.js';
import { loadBackend } from '../../src/select.js';
import { defineStepHandler, StepHandlerError, WorkerServer } from '../../src/worker.js';
import { TRICKY_STEP_NAMES, type HostilePlan, type HostileThing, type TemplateNamesPlan, type ThrownValue } from '../arbitraries/index.js';
import { checkpointData, importRequest, oneBatchOutcome, orderRequest, reportRequest, successResult, taskRequest } from '../fixtures.js';
import { STEP_TYPE_TEMPLATES } from '../behaviour/support.js';
import { outcomeOf, sha, type CallOutcome } from './outcome.js';

export interface BackendRun {
  outcome: CallOutcome;
  /** sha of the state probe before and after the call. */
  before: string;
  after: string;
  /** The most reads of any one hostile getter or proxied key during the call. */
  maxReads: number;
  /** Where a key was read more than once: `path.key xN`. */
  rereads: string[];
  /** The path the hostile thing was injected at (`-` when the plan had no candidate). */
  path: string;
}

export interface CaseReport {
  napi: BackendRun;
  koffi: BackendRun;
}

export interface TemplateNamesRun {
  /** Per step handed out: its name and the own keys of its dependency results. */
  dependencyKeys: Record<string, string[]>;
  violations: string[];
  /** Dependency results checked whose step name is one of TRICKY_STEP_NAMES. */
  trickyDependencies: number;
  taskStatus: string;
  stats: unknown;
}

export type TemplateNamesReport = Record<'napi' | 'koffi', TemplateNamesRun>;

export type Request = { type: 'case'; plan: HostilePlan } | { type: 'templateNames'; plan: TemplateNamesPlan };

const SEED = 17;
/** The two bridges, each with its own engine (not the lockstep pair: its wire log would keep every megabyte sent). */
const pair = { napi: loadBackend({ backend: 'napi' }), koffi: loadBackend({ backend: 'koffi' }) };

// ---------------------------------------------------------------------------------------------
// The fixture: the same on both engines (seeded), rebuilt for every plan
// ---------------------------------------------------------------------------------------------

interface Fixture {
  orderTask: string;
  reportTask: string;
  importTask: string;
  /** The order task's first step, in flight. */
  orderEvent: StepEvent;
  /** The import task's batch worker, in flight (it may checkpoint-yield). */
  workerEvent: StepEvent;
}

function mustPoll(ffi: TaskerFfi, step: string): StepEvent {
  const event = ffi.pollStepEvents();
  if (event === null || event.workflowStep.templateStepName !== step) throw new Error(`fixture: expected ${step}, got ${event?.workflowStep.name ?? 'nothing'}`);
  return event;
}

function setUp(ffi: TaskerFfi, op: HostilePlan['op']): Fixture | null {
  ffi.stopWorker();
  if (op === 'bootstrapWorker') return null;
  ffi.bootstrapWorker({ seed: SEED });
  const importTask = ffi.clientCreateTask(importRequest()).task_uuid;
  const prepare = mustPoll(ffi, 'prepare_import');
  if (!ffi.completeStepEvent(prepare.eventId, successResult(prepare, oneBatchOutcome('import_rows')))) throw new Error('fixture: complete refused');
  const workerEvent = mustPoll(ffi, 'import_rows');
  const orderTask = ffi.clientCreateTask(orderRequest()).task_uuid;
  const orderEvent = mustPoll(ffi, 'validate_cart');
  const reportTask = ffi.clientCreateTask(reportRequest()).task_uuid;
  return { orderTask, reportTask, importTask, orderEvent, workerEvent };
}

/** Everything a caller can read without changing the engine (the seeded clock moves only on changes). */
function probe(ffi: TaskerFfi): string {
  if (!ffi.isWorkerRunning()) return sha(JSON.stringify({ running: false, status: ffi.getWorkerStatus() }));
  const list = ffi.clientListTasks({ limit: 100 });
  const steps = list.tasks.map((task) => ffi.clientListTaskSteps(task.task_uuid));
  const audit = list.tasks.flatMap((task, i) => (steps[i] ?? []).map((step) => ffi.clientGetStepAuditHistory(task.task_uuid, step.step_uuid)));
  return sha(JSON.stringify({ status: ffi.getWorkerStatus(), metrics: ffi.getFfiDispatchMetrics(), list, steps, audit }));
}

// ---------------------------------------------------------------------------------------------
// The valid call
// ---------------------------------------------------------------------------------------------

/** The arguments of the valid call of `plan.op` on `fixture` (fresh objects every time). */
function validArgs(plan: HostilePlan, fixture: Fixture | null): unknown[] {
  const { base } = plan;
  const json = JSON.parse(JSON.stringify(base.json)) as Record<string, JsonValue>;
  // A fresh copy per place: one object in two places of an argument is rightly read twice.
  const copy = (): JsonValue => JSON.parse(JSON.stringify(base.extra)) as JsonValue;
  const extra = copy();
  const fx = fixture as Fixture;
  switch (plan.op) {
    case 'clientCreateTask':
      return [
        base.flag
          ? orderRequest(json, { tags: [base.text, 'hostile'], priority: base.count, options: { extra } })
          : taskRequest('analytics', 'report', json, { idempotencyKey: base.text, correlationId: '0b4e2a4c-8e0e-4d7e-9a51-3a8b1d6f4c21' }),
      ];
    case 'completeStepEvent': {
      const result = successResult(fx.orderEvent, json);
      result.metadata.custom = { extra, note: base.text };
      if (!base.flag) {
        result.success = false;
        result.status = 'failed';
        result.error = { message: base.text, errorType: 'Hostile', retryable: true, backtrace: ['at hostile', base.text], context: { extra: copy() } };
      }
      return [fx.orderEvent.eventId, result];
    }
    case 'checkpointYieldStepEvent':
      return [fx.workerEvent.eventId, { ...checkpointData(fx.workerEvent.stepUuid, json), cursor: { offset: base.count, extra }, itemsProcessed: base.count }];
    case 'clientListTasks':
      return [{ limit: 1 + (base.count % 100), offset: base.count % 7, namespace: base.flag ? 'ecommerce' : base.text, status: base.flag ? 'pending' : 'complete' }];
    case 'bootstrapWorker':
      return [{ seed: base.count, clockTickMs: 1000, templatePath: STEP_TYPE_TEMPLATES, namespaces: ['ecommerce', base.text], logLevel: 'error', stepTimeoutMs: 30_000 + base.count }];
    case 'log':
      return [base.text, { ...json, extra }];
    case 'clientGetTask':
    case 'clientListTaskSteps':
    case 'clientCancelTask':
      return [base.flag ? fx.orderTask : fx.reportTask];
    case 'clientGetStep':
    case 'clientGetStepAuditHistory':
      return [fx.orderTask, fx.orderEvent.stepUuid];
  }
}

function call(ffi: TaskerFfi, plan: HostilePlan, args: unknown[]): unknown {
  // The log level follows the count: every log operation takes the same arguments.
  const name = plan.op === 'log' ? (['logError', 'logWarn', 'logInfo', 'logDebug', 'logTrace'] as const)[plan.base.count % 5] ?? 'logInfo' : plan.op;
  const operation = (ffi as unknown as Record<string, (...parameters: unknown[]) => unknown>)[name];
  if (operation === undefined) throw new Error(`no operation ${name}`);
  return operation.apply(ffi, args);
}

// ---------------------------------------------------------------------------------------------
// Injecting the hostile thing
// ---------------------------------------------------------------------------------------------

type Key = string | number;
type Path = Key[];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Every path below the argument list (`[argument index, key, …]`), depth first. */
function paths(args: unknown[]): { path: Path; value: unknown }[] {
  const out: { path: Path; value: unknown }[] = [];
  const walk = (value: unknown, at: Path): void => {
    out.push({ path: at, value });
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...at, i]));
    else if (isObject(value)) for (const key of Object.keys(value)) walk(value[key], [...at, key]);
  };
  args.forEach((arg, i) => walk(arg, [i]));
  return out;
}

/** The candidates of a kind: where it can be injected. */
function candidates(args: unknown[], thing: HostileThing): { path: Path; value: unknown }[] {
  const all = paths(args);
  switch (thing.kind) {
    case 'flipGetter':
    case 'throwingGetter':
      return all.filter((p) => p.path.length >= 2);
    case 'proxy':
      return all.filter((p) => isObject(p.value));
    case 'revokedProxy':
    case 'hole':
      return all;
    case 'throwingToJSON':
    case 'protoKey':
      return all.filter((p) => isObject(p.value) && !Array.isArray(p.value));
    case 'hugeString':
      return all.filter((p) => typeof p.value === 'string');
    case 'loneSurrogate':
      return all.filter((p) => (thing.inKey ? isObject(p.value) && !Array.isArray(p.value) : typeof p.value === 'string'));
    case 'nul':
      return all.filter((p) => p.path.length === 1 && typeof p.value === 'string');
  }
}

function showPath(at: Path): string {
  return at.map((key, i) => (i === 0 ? `arg${key}` : typeof key === 'number' ? `[${key}]` : `.${key.length > 20 ? `${key.slice(0, 20)}…` : key}`)).join('');
}

function revoked(target: object = {}): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

function thrownValue(kind: ThrownValue): unknown {
  switch (kind) {
    case 'error':
      return new Error('hostile getter threw');
    case 'longError':
      return new RangeError(`hostile ${'x'.repeat(200_000)}`);
    case 'string':
      return 'a thrown string';
    case 'revokedProxy':
      return revoked();
    case 'throwingToString':
      return {
        toString() {
          throw new Error('toString threw');
        },
      };
    case 'undefined':
      return undefined;
  }
}

class ReadCounter {
  readonly counts = new Map<string, number>();
  read(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get max(): number {
    return Math.max(0, ...this.counts.values());
  }
  rereads(): string[] {
    return [...this.counts].filter(([, n]) => n > 1).map(([key, n]) => `${key} x${n}`);
  }
}

function proxied(target: object, thing: Extract<HostileThing, { kind: 'proxy' }>, counter: ReadCounter, where: string): object {
  const trip = (trap: string): void => {
    if (thing.throwIn === trap) throw thrownValue(thing.thrown);
  };
  return new Proxy(target, {
    get(t, key, receiver) {
      // `length` is read once per loop turn by any indexed traversal; only data keys count.
      if (typeof key === 'string' && key !== 'length') {
        counter.read(`${where}.${key}`);
        trip('get');
      }
      return Reflect.get(t, key, receiver) as unknown;
    },
    ownKeys(t) {
      trip('ownKeys');
      return Reflect.ownKeys(t);
    },
    getOwnPropertyDescriptor(t, key) {
      trip('getOwnPropertyDescriptor');
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
    has(t, key) {
      trip('has');
      return Reflect.has(t, key);
    },
    getPrototypeOf(t) {
      trip('getPrototypeOf');
      return Reflect.getPrototypeOf(t);
    },
  });
}

function withLoneSurrogate(text: string, surrogate: string, at: number): string {
  const i = text.length === 0 ? 0 : at % (text.length + 1);
  // Not next to another surrogate half, or the pair could become well-formed (or a pair be split twice).
  return `${text.slice(0, i)}a${surrogate}a${text.slice(i)}`;
}

/** The hostile replacement of `value` (the value at the chosen path), or a mutation of it. */
function hostileValue(value: unknown, thing: HostileThing, counter: ReadCounter, where: string): unknown {
  switch (thing.kind) {
    case 'proxy':
      return proxied(value as object, thing, counter, where);
    case 'revokedProxy':
      return revoked(isObject(value) ? value : {});
    case 'throwingToJSON':
      Object.defineProperty(value, 'toJSON', {
        value: () => {
          throw new Error('toJSON threw');
        },
        enumerable: thing.enumerable,
        configurable: true,
        writable: true,
      });
      return value;
    case 'protoKey': {
      if (thing.via === 'JSON.parse') {
        const text = JSON.stringify(value);
        return JSON.parse(`{"__proto__":${JSON.stringify(thing.payload)}${text === '{}' ? '' : `,${text.slice(1, -1)}`}}`) as unknown;
      }
      Object.defineProperty(value, '__proto__', { value: thing.payload, enumerable: true, configurable: true, writable: true });
      return value;
    }
    case 'hole': {
      if (Array.isArray(value) && value.length > 0) {
        // `delete` leaves a hole (the length stays).
        delete (value as unknown[])[thing.at % value.length];
        return value;
      }
      const sparse: unknown[] = [];
      sparse[1] = value;
      return sparse;
    }
    case 'hugeString':
      return thing.unit.repeat(Math.floor((thing.megabytes * 1024 * 1024) / thing.unit.length));
    case 'loneSurrogate': {
      if (thing.inKey) {
        (value as Record<string, unknown>)[withLoneSurrogate('key', thing.surrogate, thing.at)] = 1;
        return value;
      }
      return withLoneSurrogate(value as string, thing.surrogate, thing.at);
    }
    case 'nul': {
      const text = value as string;
      const i = thing.at % (text.length + 1);
      return `${text.slice(0, i)}\0${text.slice(i)}`;
    }
    case 'flipGetter':
    case 'throwingGetter':
      throw new Error('getters are defined on the parent');
  }
}

/** Injects `plan.thing` into `args` (mutating it); returns the path and the read counter. */
function inject(args: unknown[], plan: HostilePlan): { path: string; counter: ReadCounter } {
  const counter = new ReadCounter();
  const found = candidates(args, plan.thing);
  if (found.length === 0) return { path: '-', counter };
  const chosen = found[plan.pick % found.length] as { path: Path; value: unknown };
  const where = showPath(chosen.path);
  const parentPath = chosen.path.slice(0, -1);
  const key = chosen.path[chosen.path.length - 1] as Key;
  let parent: Record<Key, unknown> = args as unknown as Record<Key, unknown>;
  for (const step of parentPath) parent = parent[step] as Record<Key, unknown>;
  const { thing } = plan;
  if (thing.kind === 'flipGetter' || thing.kind === 'throwingGetter') {
    const original = parent[key];
    let reads = 0;
    Object.defineProperty(parent, key, {
      get() {
        reads += 1;
        counter.read(where);
        if (thing.kind === 'throwingGetter') throw thrownValue(thing.thrown);
        return reads === 1 ? original : thing.flip;
      },
      enumerable: true,
      configurable: true,
    });
  } else {
    parent[key] = hostileValue(chosen.value, thing, counter, where);
  }
  return { path: where, counter };
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

function runCase(ffi: TaskerFfi, plan: HostilePlan): BackendRun {
  const fixture = setUp(ffi, plan.op);
  const before = probe(ffi);
  const args = validArgs(plan, fixture);
  const { path: where, counter } = inject(args, plan);
  const outcome = outcomeOf(() => call(ffi, plan, args), { messageLimit: 500, foreignCodes: false });
  const after = probe(ffi);
  return { outcome, before, after, maxReads: counter.max, rereads: counter.rereads(), path: where };
}

// ---------------------------------------------------------------------------------------------
// Step names that JavaScript treats specially
// ---------------------------------------------------------------------------------------------

function templateYaml(plan: TemplateNamesPlan): string {
  const initialization = plan.protoInInitialization ? '{"__proto__": {"polluted": true}, "plain": 1}' : '{"plain": 1}';
  const steps = plan.names.map((name, i) => {
    const dependencies = (plan.dependencies[i] ?? []).map((d) => JSON.stringify(plan.names[d]));
    return `  - {name: ${JSON.stringify(name)}, handler: {callable: "hostile.step", initialization: ${initialization}}, dependencies: [${dependencies.join(', ')}], retry: {retryable: false, max_attempts: 1}}`;
  });
  return `name: names\nnamespace_name: hostile\nversion: 1.0.0\ndescription: Step names JavaScript treats specially.\nsteps:\n${steps.join('\n')}\n`;
}

/** Every object in `value` is a plain object (or array) of this realm; `__proto__` only as an own key. */
function prototypeViolations(value: unknown, where: string, out: string[], seen = new Set<object>()): void {
  if (!isObject(value) || seen.has(value)) return;
  seen.add(value);
  const expected = Array.isArray(value) ? Array.prototype : Object.prototype;
  if (Object.getPrototypeOf(value) !== expected) out.push(`${where}: prototype is not ${Array.isArray(value) ? 'Array' : 'Object'}.prototype`);
  for (const key of Object.keys(value)) prototypeViolations(Object.getOwnPropertyDescriptor(value, key)?.value, `${where}.${key}`, out, seen);
}

/** The transitive ancestors of step `i`. */
function ancestors(plan: TemplateNamesPlan, i: number, out = new Set<string>()): Set<string> {
  for (const d of plan.dependencies[i] ?? []) {
    const name = plan.names[d] as string;
    if (!out.has(name)) {
      out.add(name);
      ancestors(plan, d, out);
    }
  }
  return out;
}

async function runTemplateNames(ffi: TaskerFfi, plan: TemplateNamesPlan, folder: string): Promise<TemplateNamesRun> {
  const violations: string[] = [];
  const dependencyKeys: Record<string, string[]> = {};
  let trickyDependencies = 0;
  ffi.stopWorker();
  const server = new WorkerServer({
    backend: ffi,
    bootstrap: { seed: SEED, templatePath: folder },
    maintenanceIntervalMs: 0,
    onError: (error) => violations.push(`loop error: ${String(error)}`),
    handlers: [
      defineStepHandler('hostile.step', (event, ctx) => {
        const name = event.workflowStep.name;
        const index = plan.names.indexOf(name);
        const deps = event.dependencyResults;
        Object.defineProperty(dependencyKeys, name, { value: Object.keys(deps), enumerable: true });
        prototypeViolations(event, `event(${name})`, violations);
        if (Object.getPrototypeOf(deps) !== Object.prototype) violations.push(`${name}: dependencyResults has another prototype`);
        const expected = ancestors(plan, index);
        for (const dep of expected) {
          if ((TRICKY_STEP_NAMES as readonly string[]).includes(dep)) trickyDependencies += 1;
          if (!Object.hasOwn(deps, dep)) violations.push(`${name}: dependency ${dep} is not an own key`);
          else if (JSON.stringify(ctx.dependencyResult(dep)) !== JSON.stringify({ step: dep })) violations.push(`${name}: dependencyResult(${dep}) is not its result`);
        }
        for (const key of Object.keys(deps)) if (!expected.has(key)) violations.push(`${name}: unexpected dependency ${key}`);
        // A name that is not a dependency is missing, whatever Object.prototype has under it.
        for (const other of plan.names) {
          if (expected.has(other)) continue;
          try {
            ctx.dependencyResult(other);
            violations.push(`${name}: dependencyResult(${other}) did not throw`);
          } catch (error) {
            if (!(error instanceof StepHandlerError)) violations.push(`${name}: dependencyResult(${other}) threw ${String(error)}`);
          }
        }
        const init = event.stepDefinition.handler.initialization;
        if (plan.protoInInitialization !== Object.hasOwn(init, '__proto__')) violations.push(`${name}: initialization __proto__ own key: ${String(Object.hasOwn(init, '__proto__'))}`);
        return { step: name };
      }),
    ],
  });
  await server.start({ poll: false });
  const task = ffi.clientCreateTask(taskRequest('hostile', 'names', { run: 1 })).task_uuid;
  const stats = await server.runUntilIdle();
  const responses = { task: ffi.clientGetTask(task), steps: ffi.clientListTaskSteps(task), list: ffi.clientListTasks() };
  prototypeViolations(responses, 'responses', violations);
  for (const step of responses.steps) prototypeViolations(ffi.clientGetStepAuditHistory(task, step.step_uuid), `audit(${step.name})`, violations);
  const taskStatus = responses.task.status;
  await server.stop();
  return { dependencyKeys, violations, trickyDependencies, taskStatus, stats };
}

async function templateNames(plan: TemplateNamesPlan): Promise<TemplateNamesReport> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tasker-hostile-names-'));
  try {
    writeFileSync(path.join(folder, 'names.yaml'), templateYaml(plan));
    return { napi: await runTemplateNames(pair.napi, plan, folder), koffi: await runTemplateNames(pair.koffi, plan, folder) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function answer(request: Request): Promise<unknown> {
  if (request.type === 'templateNames') return templateNames(request.plan);
  return { napi: runCase(pair.napi, request.plan), koffi: runCase(pair.koffi, request.plan) } satisfies CaseReport;
}

process.on('message', (message: string) => {
  const { id, request } = JSON.parse(message) as { id: number; request: Request };
  answer(request).then(
    (result) => process.send?.(JSON.stringify({ id, result })),
    (error: unknown) => process.send?.(JSON.stringify({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.(JSON.stringify({ id: 0, result: 'ready' }));
