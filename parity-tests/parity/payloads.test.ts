/**
 * Large and deep payloads: realistic step results up to a few MB, long strings, many keys, the
 * server's context limits, and a value nested 100 000 levels deep. Deep nesting runs in a child process, because recursing into
 * it is exactly what could take a process down (it does not: see conversion-policy row
 * `deep-nesting`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { JsonObject, StepEvent } from '../../src/contract.js';
import { contextArbitrary, contextOfSize, longString, PAYLOAD_SIZES, TEMPLATES, validTaskRequest } from '../arbitraries/index.js';
import { exactDiff } from './support/compare.js';
import { both, describeOutcome, loadVariants, probeState, reset } from './support/lockstep.js';
import { parityProperty, runs, selected } from './support/property.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * 100 KB to 3 MB: the benchmark sizes and beyond. They travel as step RESULTS: tasker's server caps
 * a task context (1 MiB, 1000 keys, depth 10, strings of 10 000 characters), so a context this
 * large is refused by both bridges alike, which `payload.context-limits` checks.
 */
const largeResult: fc.Arbitrary<JsonObject> = fc
  .constantFrom(PAYLOAD_SIZES['100KB'], PAYLOAD_SIZES['1MB'], 3 * PAYLOAD_SIZES['1MB'])
  .chain((bytes) => contextArbitrary(bytes));

/** The largest realistic context within the server's limits (~575 keys). */
const CONTEXT_BYTES = PAYLOAD_SIZES['10KB'];

const wideObject: fc.Arbitrary<JsonObject> = fc
  .tuple(fc.integer({ min: 1_000, max: 20_000 }), longString)
  .map(([keys, text]) => {
    const object: JsonObject = { text };
    // A prefix must not end inside a surrogate pair (that would be a lone surrogate, refused by the contract).
    const prefix = (length: number): string => (/[\ud800-\udbff]$/.test(text.slice(0, length)) ? text.slice(0, length - 1) : text.slice(0, length));
    for (let i = 0; i < keys; i += 1) object[`key_${i.toString(36)}`] = i % 7 === 0 ? prefix(i % 50) : i;
    return object;
  });

/** Always sent once: the few-MB case, whatever the random draws. */
const threeMegabytes = { context: contextOfSize(CONTEXT_BYTES, 3), result: contextOfSize(3 * PAYLOAD_SIZES['1MB'], 4) };

const metadata = { executionTimeMs: 5, completedAt: '2026-01-01T00:00:05Z' };

for (const { name, suffix, pair } of loadVariants()) {
  describe(`large payloads (${name} vs koffi)`, () => {
    parityProperty(
      {
        key: `payload.large-result${suffix}`,
        suite: 'payload',
        title: 'a step result of 100 KB to 3 MB goes in and comes back identical through every echo (dependency results, step, audit)',
        numRuns: runs(0.03, 2),
        timeoutMs: 600_000,
        examples: [threeMegabytes],
      },
      { context: contextArbitrary(CONTEXT_BYTES), result: largeResult },
      ({ context, result }) => {
        reset(pair, { seed: 7 });
        both(pair, 'clientCreateTask(10 KB context)', (ffi) => ffi.clientCreateTask(validTaskRequest(TEMPLATES[0], context)));
        const polled = both(pair, 'pollStepEvents()', (ffi) => ffi.pollStepEvents());
        const event = (polled as { value: StepEvent }).value;
        const done = both(pair, 'completeStepEvent(large result)', (ffi) =>
          ffi.completeStepEvent(event.eventId, { stepUuid: event.stepUuid, success: true, result, status: 'completed', metadata }),
        );
        expect(done, describeOutcome(done)).toEqual({ ok: true, value: true });
        const next = both(pair, 'pollStepEvents() (dependency result: large)', (ffi) => ffi.pollStepEvents());
        // The echo is the very value sent, not merely equal on both bridges.
        expect(exactDiff((next as { value: StepEvent }).value.dependencyResults[event.workflowStep.name]?.result, result)).toBeNull();
        both(pair, 'clientGetStep(large result)', (ffi) => ffi.clientGetStep(event.taskUuid, event.stepUuid));
        probeState(pair, { audit: true });
      },
    );

    parityProperty(
      { key: `payload.wide${suffix}`, suite: 'payload', title: 'objects with up to 20 000 keys and 200 000-character strings come back identical (results, log fields)', numRuns: runs(0.03, 2) },
      { wide: wideObject },
      ({ wide }) => {
        reset(pair, { seed: 7 });
        both(pair, 'clientCreateTask()', (ffi) => ffi.clientCreateTask(validTaskRequest(TEMPLATES[1])));
        const event = (both(pair, 'pollStepEvents()', (ffi) => ffi.pollStepEvents()) as { value: StepEvent }).value;
        const done = both(pair, 'completeStepEvent(wide result)', (ffi) =>
          ffi.completeStepEvent(event.eventId, { stepUuid: event.stepUuid, success: true, result: wide, status: 'completed', metadata }),
        );
        expect(done, describeOutcome(done)).toEqual({ ok: true, value: true });
        both(pair, 'pollStepEvents() (dependency result: wide)', (ffi) => ffi.pollStepEvents());
        both(pair, 'logDebug(wide fields)', (ffi) => ffi.logDebug('wide', wide));
        probeState(pair, { audit: true });
      },
    );

    parityProperty(
      {
        key: `payload.context-limits${suffix}`,
        suite: 'payload',
        title: "a context past the server's limits (1 MiB, 1000 keys, 10 000-character strings) is refused with the same error on both",
        numRuns: runs(0.05, 3),
      },
      { context: fc.oneof(largeResult, wideObject) },
      ({ context }) => {
        reset(pair, { seed: 7 });
        const outcome = both(pair, 'clientCreateTask(over the limits)', (ffi) => ffi.clientCreateTask(validTaskRequest(TEMPLATES[0], context)));
        expect(outcome.ok, describeOutcome(outcome)).toBe(false);
        if (!outcome.ok) expect(outcome.error.message).toMatch(/^Validation error: context (is \d+ bytes|has more than 1000 keys|holds a string longer than 10000 characters)/);
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
