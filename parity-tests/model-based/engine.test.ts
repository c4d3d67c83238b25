/**
 * Model-based parity: random sequences of operations (create, poll, complete with success /
 * retryable failure / permanent error / a stale or malformed event id, cancel, timeouts, paging,
 * audit history, graceful shutdown, stop and bootstrap) drive napi and koffi in lockstep from the
 * same seeded state; after every command both bridges agree exactly and what the model tracks
 * (tasker's task and step states, readiness, attempts, counts, the dispatch queue) equals it.
 *
 * Declared as a parity property (`model.sequences`): the run's seed and depth (a fifth of the base
 * runs: 40 by default, FC_NUM_RUNS or --runs), a replayable failure, and the runs and how far the
 * sequences got in the parity report.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parityProperty, recordMeta, runs, selected, settings } from '../parity/support/property.js';

import { loadBackend } from '../../src/select.js';
import {
  BootstrapWorkerCommand,
  checkObservableState,
  CleanupTimeoutsCommand,
  ClientCancelTaskCommand,
  ClientCreateTaskCommand,
  ClientGetStepAuditHistoryCommand,
  ClientListTasksCommand,
  ClientListTaskStepsCommand,
  CompleteStepEventCommand,
  PollStepEventsCommand,
  StopWorkerCommand,
  taskPick,
  TransitionToGracefulShutdownCommand,
  type CompleteKind,
  type Real,
} from './commands.js';
import { EngineModel } from './model.js';

/** Longer than every backoff of the shipped templates and than the step timeout (see model.ts). */
const TICKS = [61_000, 120_000] as const;

const weighted = (entries: [fc.Arbitrary<fc.Command<EngineModel, Real>>, number][]): fc.Arbitrary<fc.Command<EngineModel, Real>>[] =>
  entries.flatMap(([arbitrary, weight]) => Array.from({ length: weight }, () => arbitrary));

const kinds: CompleteKind[] = ['success', 'success', 'success', 'success', 'success', 'success', 'retryable', 'retryable', 'retryable', 'permanent', 'stale', 'bad-event-id'];

const commands = weighted([
  [fc.tuple(fc.constantFrom(0, 0, 1, 1, 2, 3), fc.constantFrom<string | null>(null, null, null, 'key-1', 'key-2')).map(([t, key]) => new ClientCreateTaskCommand(t, key)), 3],
  [fc.constant(new PollStepEventsCommand()), 10],
  [fc.tuple(fc.constantFrom(...kinds), fc.nat(5), fc.integer({ min: 0, max: 99 })).map(([kind, index, payload]) => new CompleteStepEventCommand(kind, index, payload)), 10],
  [taskPick.map((pick) => new ClientCancelTaskCommand(pick)), 1],
  [fc.constant(new CleanupTimeoutsCommand()), 1],
  [taskPick.map((pick) => new ClientListTaskStepsCommand(pick)), 1],
  [fc.tuple(taskPick, fc.nat(5)).map(([pick, index]) => new ClientGetStepAuditHistoryCommand(pick, index)), 1],
  [
    fc
      .record(
        {
          limit: fc.constantFrom(0, 1, 2, 5, 100, 101),
          offset: fc.constantFrom(0, 1, 2, 3, 7),
          namespace: fc.constantFrom('ecommerce', 'analytics', 'batch', 'nope'),
          status: fc.constantFrom('steps_in_process', 'waiting_for_dependencies', 'complete', 'blocked_by_failures', 'cancelled', 'bogus'),
        },
        { requiredKeys: [] },
      )
      .map((params) => new ClientListTasksCommand(params)),
    1,
  ],
  [fc.nat(20).map((n) => (n === 0 ? new TransitionToGracefulShutdownCommand() : new PollStepEventsCommand())), 1],
  [fc.nat(20).map((n) => (n === 0 ? new StopWorkerCommand() : new CleanupTimeoutsCommand())), 1],
  [fc.tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(...TICKS)).map(([seed, tick]) => new BootstrapWorkerCommand(seed, tick)), 1],
]);

const KEY = 'model.sequences';

describe('model-based sequences (napi vs koffi vs the engine model)', () => {
  const real: Real = { napi: loadBackend({ backend: 'napi' }), koffi: loadBackend({ backend: 'koffi' }) };
  const coverage = { sequences: 0, completed: 0, retried: 0, permanent: 0, timedOut: 0, cancelled: 0 };

  parityProperty(
    { key: KEY, title: 'any sequence: both bridges agree with each other and with the model after every command', suite: 'model', numRuns: runs(0.2, 10) },
    {
      engineSeed: fc.integer({ min: 0, max: 0xffff_ffff }),
      tick: fc.constantFrom(...TICKS),
      sequence: fc.commands(commands, { maxCommands: 80, size: 'max' }),
    },
    ({ engineSeed, tick, sequence }) => {
      real.napi.stopWorker();
      real.koffi.stopWorker();
      const model = new EngineModel();
      new BootstrapWorkerCommand(engineSeed, tick).run(model, real);
      checkObservableState(model, real);
      fc.modelRun(() => ({ model, real }), sequence);
      coverage.sequences += 1;
      coverage.completed += model.counters.completed > 0 ? 1 : 0;
      coverage.retried += model.counters.retries > 0 ? 1 : 0;
      coverage.permanent += model.counters.permanent > 0 ? 1 : 0;
      coverage.timedOut += model.counters.timedOut > 0 ? 1 : 0;
      coverage.cancelled += model.counters.cancelled > 0 ? 1 : 0;
    },
  );

  // Only meaningful after a full run of the property (not a replay of one case, not deselected).
  const fullRun = selected(KEY) && settings.replay === undefined;
  (fullRun ? it : it.skip)(`the sequences reached completed, retried, permanently failed and timed-out steps [${KEY}]`, () => {
    real.napi.stopWorker();
    real.koffi.stopWorker();
    recordMeta({ coverage });
    expect(coverage.sequences).toBeGreaterThan(0);
    expect(coverage.completed).toBeGreaterThan(0);
    expect(coverage.retried).toBeGreaterThan(0);
    expect(coverage.permanent).toBeGreaterThan(0);
    expect(coverage.timedOut).toBeGreaterThan(0);
  });
});
