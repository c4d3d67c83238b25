/**
 * Parity of version, health and worker lifecycle: getVersion, getRustVersion, healthCheck,
 * isWorkerRunning, bootstrapWorker, getWorkerStatus, stopWorker, transitionToGracefulShutdown.
 */
import { describe } from 'vitest';

import type { BootstrapConfig, OperationName, TaskerFfi } from '../../src/contract.js';
import { bootstrapConfigInput, scenarioInput } from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { both, loadVariants, probeState } from './support/lockstep.js';
import { parityProperty } from './support/property.js';
import { runScenario } from './support/scenario.js';


const NO_ARGUMENTS: [OperationName, (ffi: TaskerFfi) => unknown][] = [
  ['getVersion', (ffi) => ffi.getVersion()],
  ['getRustVersion', (ffi) => ffi.getRustVersion()],
  ['healthCheck', (ffi) => ffi.healthCheck()],
  ['isWorkerRunning', (ffi) => ffi.isWorkerRunning()],
  ['getWorkerStatus', (ffi) => ffi.getWorkerStatus()],
  ['stopWorker', (ffi) => ffi.stopWorker()],
  ['transitionToGracefulShutdown', (ffi) => ffi.transitionToGracefulShutdown()],
];

/** An engine bootstrapped without a seed runs on real time with random ids: mask the worker id. */
const WORKER_ID = /typescript-worker-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
function maskWorkerIds(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(WORKER_ID, 'typescript-worker-<unseeded>');
  if (Array.isArray(value)) return value.map(maskWorkerIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskWorkerIds(v)]));
}

/** Whether a config (once accepted) leaves the engine unseeded. */
function unseeded(config: unknown): boolean {
  if (config === undefined || config === null) return true;
  if (typeof config !== 'object') return false;
  const seed = (config as { seed?: unknown }).seed;
  return seed === undefined || seed === null;
}

for (const { name, suffix, pair } of loadVariants()) {
  describe(`lifecycle operations: koffi and napi agree (${name} vs koffi)`, () => {
    for (const [operation, call] of NO_ARGUMENTS) {
      parityProperty(
        { key: `op.${operation}${suffix}`, suite: 'operation', operation, title: `${operation}: koffi and napi agree in any engine state` },
        { scenario: scenarioInput() },
        ({ scenario }) => {
          runScenario(pair, scenario);
          both(pair, `${operation}()`, call);
          // Twice: the second answer depends on the first (stop, shutdown).
          both(pair, `${operation}() again`, call);
          probeState(pair);
        },
      );
    }

    parityProperty(
      { key: `op.bootstrapWorker${suffix}`, suite: 'operation', operation: 'bootstrapWorker', title: 'bootstrapWorker: koffi and napi agree on any config, running or not' },
      { scenario: scenarioInput({ worker: ['stopped', 'stopped', 'stopped', 'running'] }), config: bootstrapConfigInput },
      ({ scenario, config }) => {
        runScenario(pair, scenario);
        const wasRunning = pair.koffi.isWorkerRunning();
        const random = !wasRunning && unseeded(config);
        const outcome = both(pair, `bootstrapWorker(${show(config)})`, (ffi) => ffi.bootstrapWorker(config as BootstrapConfig), random ? maskWorkerIds : undefined);
        if (random && outcome.ok) {
          both(pair, 'getWorkerStatus() (unseeded)', (ffi) => ffi.getWorkerStatus(), maskWorkerIds);
          both(pair, 'getFfiDispatchMetrics() (unseeded)', (ffi) => ffi.getFfiDispatchMetrics());
          both(pair, 'clientListTasks() (unseeded)', (ffi) => ffi.clientListTasks());
          both(pair, 'stopWorker() (unseeded)', (ffi) => ffi.stopWorker(), maskWorkerIds);
        }
        probeState(pair);
      },
    );
  });
}
