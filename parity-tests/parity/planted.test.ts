/**
 * The suite can fail: each planted divergence (parity-tests/runner/plants.ts: a result mapping that
 * drops a key, rounds a number or swaps an error code; a wire mapping that sends the wrong retry
 * default or re-encodes the answers, all on the napi side) is caught by the parity harness, which
 * prints a shrunk, replayable counterexample. `npm run parity -- --plant <name>` runs the whole
 * suite with one switched on; this test proves each is caught, on every `npm test`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { TaskRequest } from '../../src/contract.js';
import { PLANT_NAMES, PLANTS, type PlantName } from '../runner/plants.js';
import { idRef, jsonObject, resolveId, scenarioInput, TEMPLATES, validTaskRequest } from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { both, Divergence, loadPair, plantedPair, probeState, type Pair } from './support/lockstep.js';
import { failureMessage, failureRecord, runs, selected, settings } from './support/settings.js';
import { runScenario } from './support/scenario.js';

/** On an empty running engine, one task created with any context (then, with `probe`, the state compared). */
function createTaskWithAnyContext(options: { maxDepth: number; probe: boolean }): (pair: Pair) => fc.IPropertyWithHooks<[unknown]> {
  return (pair) =>
    fc.property(jsonObject({ maxDepth: options.maxDepth }) as fc.Arbitrary<unknown>, (context) => {
      runScenario(pair, { seed: 1, clockTickMs: 1000, worker: 'running', tasks: [], rounds: [], batches: 0, branches: [] });
      both(pair, `clientCreateTask(${show(context)})`, (ffi) => ffi.clientCreateTask(validTaskRequest(TEMPLATES[0], context as never) as TaskRequest));
      if (options.probe) probeState(pair);
    });
}

/** The property of the real suite that each plant should trip. */
const PROPERTIES: Record<PlantName, { property: (pair: Pair) => fc.IPropertyWithHooks<[unknown]> }> = {
  'drop-key': { property: createTaskWithAnyContext({ maxDepth: 3, probe: true }) },
  'round-number': { property: createTaskWithAnyContext({ maxDepth: 3, probe: false }) },
  'retryable-default': {
    // Any engine state: a retryable failure then parks the step in `error` on napi only.
    property: (pair) =>
      fc.property(scenarioInput({ worker: ['running'] }) as fc.Arbitrary<unknown>, (scenario) => {
        runScenario(pair, scenario as Parameters<typeof runScenario>[1]);
        probeState(pair);
      }),
  },
  // Equal values, other bytes: only the wire check of `both` can see it.
  'reencode-answer': { property: createTaskWithAnyContext({ maxDepth: 2, probe: false }) },
  'swap-code': {
    property: (pair) =>
      fc.property(fc.tuple(scenarioInput(), idRef('task')) as fc.Arbitrary<unknown>, (input) => {
        const [scenario, task] = input as [Parameters<typeof runScenario>[1], Parameters<typeof resolveId>[0]];
        const handles = runScenario(pair, scenario);
        const id = resolveId(task, handles.ids);
        both(pair, `clientGetTask(${show(id)})`, (ffi) => ffi.clientGetTask(id as string));
      }),
  },
};

describe('planted divergences are caught', () => {
  it.runIf(selected('planted.none'))('without a plant, the same properties pass [planted.none]', () => {
    for (const name of PLANT_NAMES) {
      const details = fc.check(PROPERTIES[name].property(loadPair()), { seed: settings.seed, numRuns: runs(0.5, 20) });
      expect(details.failed, details.failed ? (fc.defaultReportMessage(details) ?? '') : '').toBe(false);
    }
  });

  for (const name of PLANT_NAMES) {
    const key = `planted.${name}`;
    it.runIf(selected(key))(`plant ${name}: the suite fails with a shrunk, replayable counterexample [${key}]`, () => {
      const replay = settings.replay?.key === key ? { path: settings.replay.path, endOnFailure: true } : {};
      const details = fc.check(PROPERTIES[name].property(plantedPair(name)), { seed: settings.seed, numRuns: Math.max(runs(2), 200), ...replay });
      expect(details.failed, `plant ${name} (${PLANTS[name]}) was not caught in ${details.numRuns} runs`).toBe(true);
      expect(details.errorInstance).toBeInstanceOf(Divergence);
      // A wire plant that keeps the values is caught by the byte check, and only by it.
      if (name === 'reencode-answer') expect((details.errorInstance as Divergence).at).toMatch(/^wire /);
      const record = failureRecord(key, details as fc.RunDetails<unknown>);
      const message = failureMessage(key, details as fc.RunDetails<unknown>, record);
      expect(message).toMatch(/^Replay: npm run parity -- --seed -?\d+ --path '.+:.+'$/m);
      // Shrinking leaves a small counterexample: no more than a few keys.
      expect(record.counterexample.length).toBeLessThan(400);
      process.stdout.write(`\n[planted ${name}] ${PLANTS[name]}\n${message}\n`);
    });
  }
});
