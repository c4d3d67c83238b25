/**
 * WorkerServer chaos, as a property: fast-check makes a workload (tasks of the shipped templates
 * ecommerce/order_processing and analytics/report, of the step-type fixtures, and of a template of
 * our own whose one step has `timeout_seconds: 1`) and a script of handler behaviours: return a
 * good result, throw an Error, throw a non-Error (a string, `undefined`, a Proxy whose traps throw,
 * a revoked Proxy, an object whose `toString` throws), return junk (a function, a BigInt, a cycle,
 * `undefined`, a 1 MB string), reject, hang past the step's timeout, return after a delay, yield a
 * checkpoint. Each run goes through `runUntilIdle()` or the background poll loop (`start()`, then
 * `stop()` after a random while), on each backend. Asserted per run:
 *
 *   - every claimed step ends in exactly one recorded outcome: a ledger under the server (every
 *     poll and every answer it gave the bridge) has one accepted answer per handed-out event, none
 *     lost, none twice; the server's stats add up (`dispatched = completed + failed + checkpoints +
 *     withdrawn + released`) and match the ledger;
 *   - the engine's own view agrees, read just before `stop()` stops the worker: nothing pending,
 *     one audit row per accepted result (per step, with its success), the claims the steps count
 *     (`attempts`) are the dispatches that were not checkpoint re-handouts, no step left in flight
 *     but a yielded one waiting to be handed out again;
 *   - no unhandled rejection escapes; `stop()` loses nothing.
 *
 * Depth: FC_NUM_RUNS runs per backend and mode (default 6); FC_SEED replays a seed.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import {
  defineStepHandler,
  loadBackend,
  StepHandlerError,
  WorkerServer,
  type StepHandler,
  type BackendName,
  type CheckpointYieldData,
  type StepAuditResponse,
  type StepEvent,
  type StepExecutionResult,
  type StepHandlerContext,
  type StepResponse,
  type TaskerFfi,
} from '../../src/index.js';
import { successOutput } from '../arbitraries/index.js';
import { STEP_TYPE_TEMPLATES, taskRequest } from '../fixtures.js';
import { TEST_BACKENDS } from './support.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 6);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/** Ours: one step that may hang; cut off by its 1 s timeout, not retried (one hang per task at most). */
const HANG_TEMPLATE = `name: hang
namespace_name: chaos
version: 1.0.0
description: One step whose handler may hang past its timeout.
steps:
  - name: linger
    handler:
      callable: chaos.linger
    retry:
      retryable: false
      max_attempts: 1
    timeout_seconds: 1
`;

const TEMPLATES = [
  { namespace: 'ecommerce', name: 'order_processing', weight: 4 },
  { namespace: 'analytics', name: 'report', weight: 4 },
  { namespace: 'fixtures', name: 'deep', weight: 2 },
  { namespace: 'fixtures', name: 'fanout', weight: 2 },
  { namespace: 'fixtures', name: 'routing', weight: 2 },
  { namespace: 'fixtures', name: 'checkpointed', weight: 2 },
  { namespace: 'chaos', name: 'hang', weight: 1 },
] as const;

const BEHAVIOURS = {
  good: 12,
  delayed: 3,
  throwError: 2,
  throwHandlerError: 1,
  throwString: 1,
  throwUndefined: 1,
  throwTrappedProxy: 1,
  throwRevokedProxy: 1,
  throwBadToString: 1,
  junkFunction: 1,
  junkBigInt: 1,
  junkCycle: 1,
  junkUndefined: 1,
  junkHugeString: 1,
  rejects: 2,
  hangs: 1,
  yields: 2,
} as const;
type Behaviour = keyof typeof BEHAVIOURS;
const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(...Object.entries(BEHAVIOURS).map(([name, weight]) => ({ arbitrary: fc.constant(name as Behaviour), weight })));

interface TaskPlan {
  template: number;
  /**
   * The behaviour of a step's claim: `moves[(hash(step) + attempts + checkpoints) % length]`.
   * (Not `script`: the engine's context sanitizer drops that key.)
   */
  moves: Behaviour[];
  batches: number;
  branches: string[];
  delayMs: number;
}

interface Workload {
  tasks: TaskPlan[];
  concurrency: number;
  /** Poll loop: how long it runs before `stop()`. */
  stopAfterMs: number;
}

const workload: fc.Arbitrary<Workload> = fc.record({
  tasks: fc.array(
    fc.record({
      template: fc.oneof(...TEMPLATES.map((t, i) => ({ arbitrary: fc.constant(i), weight: t.weight }))),
      moves: fc.array(behaviour, { minLength: 1, maxLength: 6 }),
      batches: fc.integer({ min: 0, max: 2 }),
      branches: fc.subarray(['fast_lane', 'slow_lane']),
      delayMs: fc.integer({ min: 1, max: 25 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  concurrency: fc.integer({ min: 1, max: 6 }),
  stopAfterMs: fc.integer({ min: 0, max: 300 }),
});

const totals = { runs: 0, steps: 0, lost: 0, double: 0, withdrawn: 0, released: 0, noPlan: 0, behaviours: {} as Partial<Record<Behaviour, number>> };

/**
 * Always tried first: a step that hangs while `stop()` waits for it. On the seeded clock every
 * maintenance call moves time, so the engine's own timeout cleanup fails the step before the
 * handler's 1 s timeout answers: the late answer is withdrawn, and must be counted as such.
 */
const HANG_PAST_STOP: Workload = { tasks: [{ template: 6, moves: ['hangs'], batches: 0, branches: [], delayMs: 1 }], concurrency: 2, stopAfterMs: 102 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const hash = (text: string): number => [...text].reduce((sum, c) => sum + c.charCodeAt(0), 0);

/** What the handler does for `event` under `plan`. */
async function misbehave(event: StepEvent, ctx: StepHandlerContext): Promise<unknown> {
  const plan = event.task.context as unknown as TaskPlan;
  const step = event.workflowStep.templateStepName;
  const progress = ctx.checkpoint?.itemsProcessed ?? 0;
  if (!Array.isArray(plan.moves)) {
    totals.noPlan += 1;
    throw new Error('the task context lost its plan');
  }
  const chosen = plan.moves[(hash(step) + event.workflowStep.attempts + progress / 25) % plan.moves.length] ?? 'good';
  totals.behaviours[chosen] = (totals.behaviours[chosen] ?? 0) + 1;
  const good = () => successOutput(step, event.workflowStep.attempts, { batches: plan.batches, branches: plan.branches });
  switch (chosen) {
    case 'good':
      return good();
    case 'delayed':
      await sleep(plan.delayMs);
      return good();
    case 'throwError':
      throw new Error(`chaos in ${step}`);
    case 'throwHandlerError':
      throw new StepHandlerError(`chaos (permanent) in ${step}`, { retryable: false, errorType: 'Chaos', context: { step } });
    case 'throwString':
      throw `a string from ${step}`;
    case 'throwUndefined':
      throw undefined;
    case 'throwTrappedProxy':
      throw new Proxy(
        {},
        {
          get() {
            throw new Error('get trap');
          },
          getPrototypeOf() {
            throw new Error('getPrototypeOf trap');
          },
        },
      );
    case 'throwRevokedProxy': {
      const { proxy, revoke } = Proxy.revocable(new Error('revoked'), {});
      revoke();
      throw proxy;
    }
    case 'throwBadToString':
      throw {
        toString() {
          throw new Error('toString threw');
        },
      };
    case 'junkFunction':
      return { f: () => 1 };
    case 'junkBigInt':
      return { n: 10n };
    case 'junkCycle': {
      const cycle: Record<string, unknown> = { step };
      cycle.self = cycle;
      return cycle;
    }
    case 'junkUndefined':
      return undefined;
    case 'junkHugeString':
      return { blob: 'x'.repeat(1024 * 1024) };
    case 'rejects':
      return Promise.reject(new Error(`rejected in ${step}`));
    case 'hangs':
      // Only a step with a short timeout may hang (the server cuts it off); elsewhere: a delay.
      if (event.stepDefinition.timeoutSeconds === 1) return new Promise(() => undefined);
      await sleep(plan.delayMs);
      return good();
    case 'yields':
      // Batch workers yield twice, then finish; other steps' yields are refused by the engine.
      if (progress < 50) return ctx.yieldCheckpoint({ cursor: { offset: progress + 25 }, itemsProcessed: progress + 25, accumulatedResults: { seen: progress } });
      return good();
  }
}

// ---------------------------------------------------------------------------------------------
// The ledger: what the server asked of the bridge, and the engine's view before it stops
// ---------------------------------------------------------------------------------------------

interface EngineView {
  pendingCount: number;
  steps: StepResponse[];
  audit: Map<string, StepAuditResponse[]>;
}

interface Ledger {
  polled: Map<string, { stepUuid: string }>;
  /** Accepted answers per event id. */
  accepted: Map<string, ('success' | 'failure' | 'checkpoint')[]>;
  /** Events whose answer the engine answered `false` (no longer in flight: its own timeout cleanup failed them). */
  withdrawn: Map<string, number>;
  /** Answers the bridge refused (thrown before or by the engine), per event. */
  refused: Map<string, number>;
  rehandouts: number;
  /** Steps that yielded and were not handed out again yet. */
  yielded: Set<string>;
  view: EngineView | undefined;
}

function readView(ffi: TaskerFfi): EngineView {
  const tasks = ffi.clientListTasks({ limit: 100 }).tasks;
  const steps = tasks.flatMap((task) => ffi.clientListTaskSteps(task.task_uuid));
  const audit = new Map(steps.map((step) => [step.step_uuid, ffi.clientGetStepAuditHistory(step.task_uuid, step.step_uuid)] as const));
  return { pendingCount: ffi.getFfiDispatchMetrics().pendingCount, steps, audit };
}

/** `ffi`, with every poll and answer recorded, and the engine's view read before the worker stops. */
function ledgered(ffi: TaskerFfi, ledger: Ledger): TaskerFfi {
  const accept = (eventId: string, kind: 'success' | 'failure' | 'checkpoint') => ledger.accepted.set(eventId, [...(ledger.accepted.get(eventId) ?? []), kind]);
  const bump = (map: Map<string, number>, eventId: string) => map.set(eventId, (map.get(eventId) ?? 0) + 1);
  const answer = <T extends boolean>(eventId: string, run: () => T, onAccepted: () => void): T => {
    let accepted: T;
    try {
      accepted = run();
    } catch (error) {
      bump(ledger.refused, eventId);
      throw error;
    }
    if (accepted) onAccepted();
    else bump(ledger.withdrawn, eventId);
    return accepted;
  };
  const wrapper = Object.create(ffi) as TaskerFfi;
  return Object.assign(wrapper, {
    pollStepEvents(): StepEvent | null {
      const event = ffi.pollStepEvents();
      if (event !== null) {
        ledger.polled.set(event.eventId, { stepUuid: event.stepUuid });
        if (ledger.yielded.delete(event.stepUuid)) ledger.rehandouts += 1;
      }
      return event;
    },
    completeStepEvent(eventId: string, result: StepExecutionResult): boolean {
      return answer(eventId, () => ffi.completeStepEvent(eventId, result), () => accept(eventId, result.success ? 'success' : 'failure'));
    },
    checkpointYieldStepEvent(eventId: string, data: CheckpointYieldData): boolean {
      return answer(eventId, () => ffi.checkpointYieldStepEvent(eventId, data), () => {
        accept(eventId, 'checkpoint');
        ledger.yielded.add(data.stepUuid);
      });
    },
    stopWorker() {
      if (ffi.isWorkerRunning()) ledger.view = readView(ffi);
      return ffi.stopWorker();
    },
  });
}

// ---------------------------------------------------------------------------------------------

let templateDir: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  templateDir = mkdtempSync(path.join(os.tmpdir(), 'tasker-chaos-'));
  for (const file of readdirSync(STEP_TYPE_TEMPLATES)) copyFileSync(path.join(STEP_TYPE_TEMPLATES, file), path.join(templateDir, file));
  writeFileSync(path.join(templateDir, 'hang.yaml'), HANG_TEMPLATE);
  process.on('unhandledRejection', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  for (const backend of TEST_BACKENDS) loadBackend({ backend }).stopWorker();
  rmSync(templateDir, { recursive: true, force: true });
  const behaviours = Object.entries(totals.behaviours).map(([name, n]) => `${name} ${n}`).join(', ');
  console.log(`chaos: ${totals.runs} runs, ${totals.steps} steps, ${totals.lost} lost, ${totals.double} double (${totals.withdrawn} withdrawn by the engine's timeout cleanup, ${totals.released} released; behaviours: ${behaviours})`);
});

async function chaosRun(backend: BackendName, mode: 'runUntilIdle' | 'poll loop', plan: Workload): Promise<void> {
  const ffi = loadBackend({ backend });
  ffi.stopWorker();
  // Each run answers for its own rejections (a failed run must not fail the shrinking after it).
  unhandled.length = 0;
  const ledger: Ledger = { polled: new Map(), accepted: new Map(), withdrawn: new Map(), refused: new Map(), rehandouts: 0, yielded: new Set(), view: undefined };
  const loopErrors: unknown[] = [];
  const server = new WorkerServer({
    backend: ledgered(ffi, ledger),
    bootstrap: { seed: 29, templatePath: templateDir },
    concurrency: plan.concurrency,
    pollIntervalMs: 2,
    maintenanceIntervalMs: 50,
    onError: (error) => loopErrors.push(error),
  });
  // One handler for every callable of the workload's templates.
  server.register({
    handlerCallable: [
      ...['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation'].map((s) => `ecommerce.${s}`),
      ...['extract', 'transform_a', 'transform_b', 'merge'].map((s) => `analytics.${s}`),
      ...['a', 'b', 'c', 'd', 'e', 'f', 'plan', 'count_slice', 'sum', 'intake', 'choose', 'fast_lane', 'slow_lane', 'slow_lane_audit', 'close', 'size_up', 'chew', 'report'].map((s) => `fixtures.${s}`),
      'chaos.linger',
    ],
    call: misbehave as StepHandler['call'],
  });
  await server.start({ poll: mode === 'poll loop' });
  for (const task of plan.tasks) {
    const template = TEMPLATES[task.template] ?? TEMPLATES[0];
    server.ffi.clientCreateTask(taskRequest(template.namespace, template.name, { ...task }));
  }
  if (mode === 'runUntilIdle') await server.runUntilIdle();
  else await sleep(plan.stopAfterMs);
  await server.stop();
  // Let any stray rejection surface before it is looked for.
  await sleep(0);

  const { stats } = server;
  const view = ledger.view;
  expect(view, 'the engine view was read before the worker stopped').toBeDefined();
  if (view === undefined) return;
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  // What became of each handed-out event: accepted once (completed, failed, checkpoint), withdrawn
  // (the engine had already failed it: its timeout cleanup), or released (even the minimal failure
  // was refused). Lost: none of these; double: more than one.
  const fates = [...ledger.polled.keys()].map((id) => {
    const accepted = ledger.accepted.get(id)?.length ?? 0;
    const withdrawn = ledger.withdrawn.get(id) ?? 0;
    const released = accepted === 0 && withdrawn === 0 && (ledger.refused.get(id) ?? 0) >= 2 ? 1 : 0;
    return accepted + withdrawn + released;
  });
  const lost = fates.filter((n) => n === 0).length;
  const double = fates.filter((n) => n > 1).length;
  const released = [...ledger.polled.keys()].filter((id) => (ledger.accepted.get(id)?.length ?? 0) === 0 && !ledger.withdrawn.has(id) && (ledger.refused.get(id) ?? 0) >= 2).length;
  const all = [...ledger.accepted.values()].flat();
  const count = (kind: string) => all.filter((k) => k === kind).length;

  expect(unhandled, 'no unhandled rejection').toEqual([]);
  expect(totals.noPlan, 'every handler found its plan in the task context').toBe(0);
  expect({ lost, double }, 'every claimed step ends in exactly one outcome').toEqual({ lost: 0, double: 0 });
  expect(stats.dispatched).toBe(ledger.polled.size);
  expect(stats.dispatched).toBe(stats.completed + stats.failed + stats.checkpoints + stats.withdrawn + stats.released);
  expect({ completed: stats.completed, failed: stats.failed, checkpoints: stats.checkpoints, withdrawn: stats.withdrawn, released: stats.released }).toEqual({
    completed: count('success'),
    failed: count('failure'),
    checkpoints: count('checkpoint'),
    withdrawn: sum(ledger.withdrawn),
    released,
  });
  // Every refusal was reported (and replaced by the minimal failure), nothing else went wrong in the loop.
  expect(stats.errors).toBe(sum(ledger.refused));
  expect(loopErrors).toHaveLength(sum(ledger.refused));

  // The engine's view.
  expect(view.pendingCount, 'nothing handed out is left unanswered').toBe(released);
  const perStep = new Map<string, { success: number; failure: number }>();
  const entryOf = (stepUuid: string) => perStep.get(stepUuid) ?? perStep.set(stepUuid, { success: 0, failure: 0 }).get(stepUuid) ?? { success: 0, failure: 0 };
  for (const [eventId, kinds] of ledger.accepted) {
    const entry = entryOf(ledger.polled.get(eventId)?.stepUuid ?? 'unknown');
    for (const kind of kinds) if (kind !== 'checkpoint') entry[kind] += 1;
  }
  // A withdrawn event was failed by the engine itself (one audit row of its own).
  for (const [eventId, n] of ledger.withdrawn) entryOf(ledger.polled.get(eventId)?.stepUuid ?? 'unknown').failure += n;
  let auditRows = 0;
  let attempts = 0;
  for (const step of view.steps) {
    const rows = view.audit.get(step.step_uuid) ?? [];
    auditRows += rows.length;
    attempts += step.attempts;
    const mine = perStep.get(step.step_uuid) ?? { success: 0, failure: 0 };
    expect({ step: step.name, success: rows.filter((r) => r.success).length, failure: rows.filter((r) => !r.success).length }).toEqual({ step: step.name, ...mine });
    const waitingForRehandout = ledger.yielded.has(step.step_uuid);
    expect({ step: step.name, state: step.current_state, inFlight: ['in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'].includes(step.current_state) }).toEqual({
      step: step.name,
      state: step.current_state,
      inFlight: waitingForRehandout && step.current_state === 'in_progress',
    });
  }
  expect(auditRows).toBe(stats.completed + stats.failed + stats.withdrawn);
  expect(attempts, 'claims counted by the engine = dispatches that were not checkpoint re-handouts').toBe(stats.dispatched - ledger.rehandouts);
  totals.runs += 1;
  totals.steps += stats.dispatched;
  totals.lost += lost;
  totals.double += double;
  totals.withdrawn += stats.withdrawn;
  totals.released += stats.released;
}

describe.each(TEST_BACKENDS)('%s: WorkerServer chaos', (backend) => {
  for (const mode of ['runUntilIdle', 'poll loop'] as const) {
    test(`${mode}: every claimed step ends in exactly one recorded outcome, the stats match the engine, no unhandled rejection, stop() loses nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(workload, (plan) => chaosRun(backend, mode, plan)),
        { numRuns: NUM_RUNS, examples: [[HANG_PAST_STOP]], ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    }, 60_000);
  }
});
