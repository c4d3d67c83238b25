/**
 * Large and deep payloads: realistic contexts up to a few MB, long strings, many keys, and a
 * value nested 100 000 levels deep. Deep nesting runs in a child process, because recursing into
 * it is exactly what could take a process down (it does not: see conversion-policy row
 * `deep-nesting`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { JsonObject, StepEvent, TaskRequest } from '../../src/contract.js';
import { contextArbitrary, contextOfSize, longString, PAYLOAD_SIZES, TEMPLATES, validTaskRequest } from '../arbitraries/index.js';
import { both, loadVariants, probeState, reset } from './support/lockstep.js';
import { parityProperty, runs, selected } from './support/property.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** 100 KB to 3 MB: the benchmark sizes and beyond. */
const largeContext: fc.Arbitrary<JsonObject> = fc
  .constantFrom(PAYLOAD_SIZES['100KB'], PAYLOAD_SIZES['1MB'], 3 * PAYLOAD_SIZES['1MB'])
  .chain((bytes) => contextArbitrary(bytes));

const wideObject: fc.Arbitrary<JsonObject> = fc
  .tuple(fc.integer({ min: 1_000, max: 20_000 }), longString)
  .map(([keys, text]) => {
    const object: JsonObject = { text };
    for (let i = 0; i < keys; i += 1) object[`key_${i.toString(36)}`] = i % 7 === 0 ? text.slice(0, i % 50) : i;
    return object;
  });

/** Always sent once: the few-MB case, whatever the random draws. */
const threeMegabytes = { context: contextOfSize(3 * PAYLOAD_SIZES['1MB'], 3), result: contextOfSize(PAYLOAD_SIZES['100KB'], 4) };

for (const { name, suffix, pair } of loadVariants()) {
  describe(`large payloads (${name} vs koffi)`, () => {
    parityProperty(
      {
        key: `payload.large-context${suffix}`,
        suite: 'payload',
        title: 'a context of 100 KB to 3 MB goes in and comes back identical through every echo (create, list, poll, complete, audit, events)',
        numRuns: runs(0.03, 2),
        timeoutMs: 600_000,
        examples: [threeMegabytes],
      },
      { context: largeContext, result: contextArbitrary(PAYLOAD_SIZES['100KB']) },
      ({ context, result }) => {
        reset(pair, { seed: 7 });
        both(pair, 'clientCreateTask(large)', (ffi) => ffi.clientCreateTask(validTaskRequest(TEMPLATES[0], context)));
        const polled = both(pair, 'pollStepEvents()', (ffi) => ffi.pollStepEvents());
        const event = (polled as { value: StepEvent }).value;
        both(pair, 'completeStepEvent(100 KB result)', (ffi) =>
          ffi.completeStepEvent(event.eventId, { stepUuid: event.stepUuid, success: true, result, status: 'completed', metadata: { executionTimeMs: 5, completedAt: 'x' } }),
        );
        both(pair, 'pollStepEvents() (dependency result: 100 KB)', (ffi) => ffi.pollStepEvents());
        probeState(pair, { audit: true });
      },
    );

    parityProperty(
      { key: `payload.wide${suffix}`, suite: 'payload', title: 'objects with up to 20 000 keys and 200 000-character strings come back identical', numRuns: runs(0.03, 2) },
      { context: wideObject },
      ({ context }) => {
        reset(pair, { seed: 7 });
        both(pair, 'clientCreateTask(wide)', (ffi) => ffi.clientCreateTask({ ...validTaskRequest(TEMPLATES[1]), context } as TaskRequest));
        both(pair, 'logDebug(wide fields)', (ffi) => ffi.logDebug('wide', context));
        probeState(pair);
      },
    );
  });
}

describe('deep nesting (child process)', () => {
  it.runIf(selected('payload.deep-nesting'))(
    'a value nested 100 000 levels deep is INVALID_REQUEST on both backends, with the same message, and the process lives [payload.deep-nesting]',
    () => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'support', 'deep-nesting.child.ts'), '100000', 'raw'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      const lines = child.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { step: string; outcome: string });
      const outcome = (step: string): string | undefined => lines.filter((l) => l.step === step).at(-1)?.outcome;
      expect(child.status, `child exited with ${child.status ?? child.signal}; stderr: ${child.stderr.slice(0, 2000)}`).toBe(0);
      expect(outcome('done')).toBe('ok');
      for (const slot of ['', ' log fields']) {
        const napi = outcome(`contract napi${slot}`);
        expect(napi).toMatch(/^threw TaskerError INVALID_REQUEST .*nests deeper than 100 levels/);
        expect(outcome(`contract koffi${slot}`)).toBe(napi);
      }
    },
    180_000,
  );
});
