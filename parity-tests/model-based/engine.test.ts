/**
 * Model-based parity: random sequences of operations (create, poll, complete with success /
 * retryable failure / permanent error, checkpoint-yield, cancel, list/get, audit, domain events,
 * metrics, starvation, timeouts, shutdown, stop and bootstrap) drive napi and koffi in lockstep
 * from the same seeded state; after every command both bridges agree exactly and everything
 * observable equals the TypeScript model of the engine (model.ts).
 *
 * Depth: 2 × the base runs sequences for the default napi variant (400 under `npm run parity`,
 * 50 under `npm test`), the base runs for the others. Replay one sequence: `npm run parity -- --seed S --path 'model.engine:P'`.
 */
import fc from 'fast-check';
import { describe } from 'vitest';

import { jsonObject, jsonValue } from '../arbitraries/index.js';
import { loadVariants, reset } from '../parity/support/lockstep.js';
import { parityProperty, recordMeta, runs } from '../parity/support/property.js';
import {
  BootstrapWorkerCommand,
  CheckpointYieldStepEventCommand,
  CheckStarvationWarningsCommand,
  checkObservableState,
  CleanupTimeoutsCommand,
  ClientCancelTaskCommand,
  ClientCreateTaskCommand,
  ClientGetStepAuditHistoryCommand,
  ClientGetStepCommand,
  ClientGetTaskCommand,
  ClientHealthCheckCommand,
  ClientListTasksCommand,
  ClientListTaskStepsCommand,
  CompleteStepEventCommand,
  GetFfiDispatchMetricsCommand,
  GetWorkerStatusCommand,
  HealthCheckCommand,
  IsWorkerRunningCommand,
  LogCommand,
  PollInProcessEventsCommand,
  PollStepEventsCommand,
  StopWorkerCommand,
  taskPick,
  TransitionToGracefulShutdownCommand,
  type CompleteKind,
  type Real,
} from './commands.js';
import { EngineModel } from './model.js';

const TICKS = [1000, 250, 5000, 61_000] as const;

/** Small JSON payloads (the conversion edges have their own suite). */
const payload = jsonValue({ maxDepth: 2, maxKeys: 3 });

const create =
  fc
    .record({
      template: fc.constantFrom(0, 0, 1, 1, 2, 2, 3),
      context: jsonObject({ maxDepth: 2, maxKeys: 3 }),
      idempotencyKey: fc.constantFrom<string | null>(null, null, null, 'key-1', 'key-2'),
      replay: fc.boolean(),
      correlationId: fc.option(fc.uuid({ version: 4 }), { nil: null, freq: 4 }),
      requestedAt: fc.option(fc.constantFrom('2025-12-31T23:59:59.000Z', '2026-01-01T00:00:00.500Z', '2024-02-29T12:00:00.000Z'), { nil: null, freq: 3 }),
      priority: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
      tags: fc.option(fc.array(fc.constantFrom('a', 'b', 'ü'), { maxLength: 2 }), { nil: null }),
    })
    .map((spec) => new ClientCreateTaskCommand(spec));

const complete = fc
    .tuple(
      fc.constantFrom<CompleteKind>(
        ...(['success', 'success', 'success', 'success', 'success', 'success', 'success', 'success', 'success', 'success', 'success', 'success'] as const),
        ...(['retryable', 'retryable', 'retryable', 'retry-vetoed', 'permanent'] as const),
        ...(['stale', 'wrong-step', 'bad-event-id', 'inconsistent'] as const),
      ),
      fc.nat(5),
      payload,
      fc.integer({ min: 0, max: 100_000 }),
      fc.option(fc.constantFrom('handler-7', 'w\u00fcrker'), { nil: null, freq: 5 }),
    )
    .map(([kind, index, result, ms, worker]) => new CompleteStepEventCommand(kind, index, result, ms, worker));

const checkpoint = fc
    .tuple(fc.nat(5), fc.boolean(), payload, fc.nat(10_000), fc.option(payload, { nil: undefined }))
    .map(([index, batchOnly, cursor, items, accumulated]) => new CheckpointYieldStepEventCommand(index, batchOnly, cursor, items, accumulated));

/** `fc.commands` draws its arbitraries uniformly: repeat an entry to weight it. */
const weighted = (entries: [fc.Arbitrary<fc.Command<EngineModel, Real>>, number][]): fc.Arbitrary<fc.Command<EngineModel, Real>>[] =>
  entries.flatMap(([arbitrary, weight]) => Array.from({ length: weight }, () => arbitrary));

const commands = weighted([
  // Work, weighted up so that sequences get deep into task life cycles.
  [create, 3],
  [fc.constant(new PollStepEventsCommand()), 12],
  [complete, 12],
  [checkpoint, 2],
  [taskPick.map((pick) => new ClientCancelTaskCommand(pick)), 1],
  [fc.constant(new CleanupTimeoutsCommand()), 2],
  [fc.constant(new CheckStarvationWarningsCommand()), 1],
  [fc.constant(new PollInProcessEventsCommand()), 2],
  // Reads.
  [taskPick.map((pick) => new ClientGetTaskCommand(pick)), 1],
  [taskPick.map((pick) => new ClientListTaskStepsCommand(pick)), 1],
  [fc.tuple(taskPick, fc.nat(5), fc.boolean()).map(([pick, index, other]) => new ClientGetStepCommand(pick, index, other)), 1],
  [fc.tuple(taskPick, fc.nat(5)).map(([pick, index]) => new ClientGetStepAuditHistoryCommand(pick, index)), 2],
  [fc
    .record(
      {
        page: fc.constantFrom(0, 1, 1, 2, 3),
        perPage: fc.constantFrom(0, 1, 2, 5, 100, 101),
        namespace: fc.constantFrom('ecommerce', 'analytics', 'batch', 'nope'),
        status: fc.constantFrom('pending', 'in_progress', 'complete', 'error', 'cancelled', 'bogus'),
      },
      { requiredKeys: [] },
    )
    .map((params) => new ClientListTasksCommand(params)), 1],
  [fc.constant(new ClientHealthCheckCommand()), 1],
  [fc.constant(new GetFfiDispatchMetricsCommand()), 1],
  // Lifecycle (rarer: a stop discards everything).
  [fc.constant(new GetWorkerStatusCommand()), 1],
  [fc.constant(new IsWorkerRunningCommand()), 1],
  [fc.constant(new HealthCheckCommand()), 1],
  [fc.tuple(fc.constantFrom('logError', 'logWarn', 'logInfo', 'logDebug', 'logTrace') as fc.Arbitrary<'logInfo'>, fc.option(jsonObject({ maxDepth: 1 }), { nil: undefined })).map(([level, fields]) => new LogCommand(level, fields)), 1],
  [fc.nat(20).map((n) => (n === 0 ? new TransitionToGracefulShutdownCommand() : new PollStepEventsCommand())), 1],
  [fc.nat(20).map((n) => (n === 0 ? new StopWorkerCommand() : new GetFfiDispatchMetricsCommand())), 1],
  [fc.tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(...TICKS)).map(([seed, tick]) => new BootstrapWorkerCommand(seed, tick)), 1],
]);

/** How far the sequences of one property got (reported in reports/parity.md). */
function tally(coverage: Record<string, number>, model: EngineModel, commands: number): void {
  const add = (label: string, yes: boolean): void => {
    coverage[label] = (coverage[label] ?? 0) + (yes ? 1 : 0);
  };
  add('sequences', true);
  coverage.commands = (coverage.commands ?? 0) + commands;
  add('with a task completed', model.tasks.some((t) => t.status === 'complete'));
  add('with a task in error', model.tasks.some((t) => t.status === 'error'));
  add('with a task cancelled', model.tasks.some((t) => t.status === 'cancelled'));
  add('with a retry', model.counters.retried > 0);
  add('with a checkpoint', model.counters.checkpoints > 0);
  add('with a timeout', model.counters.timedOut > 0);
  add('with a starvation warning', model.counters.starvationWarnings > 0);
  add('shutting down at the end', model.shuttingDown);
}

for (const { name, suffix, pair } of loadVariants()) {
  describe(`model-based sequences (${name} vs koffi)`, () => {
    const numRuns = suffix === '' ? runs(2) : runs(1);
    const coverage: Record<string, number> = {};
    parityProperty(
      {
        key: `model.engine${suffix}`,
        suite: 'model',
        title: 'any sequence of operations: napi and koffi agree with each other and with the engine model after every command',
        numRuns,
        timeoutMs: 900_000,
      },
      {
        seed: fc.integer({ min: 0, max: 0xffff_ffff }),
        tick: fc.constantFrom(...TICKS),
        sequence: fc.commands(commands, { maxCommands: 80, size: 'max' }),
      },
      ({ seed, tick, sequence }) => {
        const real: Real = { pair };
        reset(pair, null);
        const model = new EngineModel();
        // Every sequence starts from the same seeded state on both bridges.
        new BootstrapWorkerCommand(seed, tick).run(model, real);
        checkObservableState(model, real);
        fc.modelRun(() => ({ model, real }), sequence);
        // Shrinking replays sequences: tally the first pass only (the runs fast-check reports).
        if ((coverage.sequences ?? 0) < numRuns) {
          tally(coverage, model, [...sequence].length);
          recordMeta({ coverage });
        }
        reset(pair, null);
      },
    );
  });
}
