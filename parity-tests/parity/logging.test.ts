/**
 * Parity of the five structured log calls: any message (NUL, lone surrogates, long text, not a
 * string) and any fields (objects, non-objects, hostile values), with or without a worker.
 */
import { describe } from 'vitest';

import type { JsonObject } from '../../src/contract.js';
import { LOG_OPERATIONS, logInput, MISSING, scenarioInput } from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { both, loadVariants, probeState } from './support/lockstep.js';
import { parityProperty } from './support/property.js';
import { runScenario } from './support/scenario.js';


for (const { name, suffix, pair } of loadVariants()) {
  describe(`log operations: koffi and napi agree (${name} vs koffi)`, () => {
    for (const operation of LOG_OPERATIONS) {
      parityProperty(
        { key: `op.${operation}${suffix}`, suite: 'operation', operation, title: `${operation}: koffi and napi agree on any message and fields` },
        { scenario: scenarioInput({ worker: ['running', 'stopped', 'shutting_down'], maxTasks: 1 }), log: logInput },
        ({ scenario, log }) => {
          runScenario(pair, scenario);
          const { message, fields } = log;
          if (fields === MISSING) {
            both(pair, `${operation}(${show(message)})`, (ffi) => ffi[operation](message as string));
          } else {
            both(pair, `${operation}(${show(message)}, ${show(fields)})`, (ffi) => ffi[operation](message as string, fields as JsonObject));
          }
          probeState(pair);
        },
      );
    }
  });
}
