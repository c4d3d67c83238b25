/**
 * TAS-283 through its real code path: the old client's createTask on the historical legacy build
 * (core feature `tas283-unfixed`) fails with the ticket's words, at a column that the failing
 * code computes; the fixed legacy build and napi accept the same inputs and agree.
 *
 * Only the ticket's fixed words are written here (TICKET_PATTERN); every column is read from the
 * bridge's message and compared with where `requested_at` ends in the JSON actually built.
 */
import { fc } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { propTest } from '../prop-test.js';

import { TaskerClient } from '../../src/client.js';
import type { JsonObject, TaskerFfi } from '../../src/contract.js';
import { KoffiBackend } from '../../src/backends/koffi.js';
import { NapiBackend } from '../../src/backends/napi.js';
import { oldClientRequest, reportedColumn, requestedAtEndColumn, sentTaskRequestJson } from './lab/experiments.js';
import { tas283Paths } from './lab/paths.js';
import { runInChild } from './lab/run-child.js';
import { TICKET_PATTERN, ensureTas283Builds, matchesTicket } from './lab/repro.js';

/** The same failure through today's contract: the core's message (no symbol prefix), INVALID_REQUEST. */
const CONTRACT_PATTERN = /^TaskerClientError: Invalid argument: Invalid task request JSON: trailing input at line 1 column (\d+)$/;

beforeAll(() => ensureTas283Builds(), 600_000);

/** The JSON the koffi backend sends for a TaskerClient request (same checks, conversion and stringify). */
function sentJson(context: JsonObject, requestedAt: string): string {
  const { name, namespace = '', version = '', initiator = '', sourceSystem = '', reason = '' } = oldClientRequest();
  return sentTaskRequestJson({ name, namespace, version, context, initiator, sourceSystem, reason, tags: [], requestedAt });
}

function fresh<T extends TaskerFfi>(ffi: T): T {
  ffi.stopWorker();
  ffi.bootstrapWorker({ seed: 283 });
  return ffi;
}

/** JSON-object contexts the contract accepts (its policy rejects `__proto__` keys, docs/conversion-policy.md). */
const contexts = (fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as fc.Arbitrary<JsonObject>).filter(
  (context) => !JSON.stringify(context).includes('"__proto__"'),
);
/** Dates whose toISOString() has a four-digit year (years past 9999 get a sign and six digits). */
const dates = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });

/** A property over any such context and date (60 runs). */
function contextAndDateProperty(title: string, body: (input: { context: JsonObject; date: Date }) => void): void {
  propTest(title, { context: contexts, date: dates }, { numRuns: 60 }, body);
}

describe('TAS-283', () => {
  test('the old createTask flow on the historical koffi build reproduces the ticket text, column from the failing code', () => {
    const outcome = runInChild({ mechanism: 'timestamp-with-zone', build: 'historical' });
    expect(outcome.error).toMatch(TICKET_PATTERN);
    expect(outcome.column).toBeDefined();
    // The column is where requested_at's value ends: the last key, so one before the closing brace.
    expect(outcome.column).toBe(outcome.requestedAtEndColumn);
    expect(outcome.column).toBe((outcome.requestBytes ?? 0) - 1);
    // The controls: without the zone designator, or without requested_at, the same flow creates.
    expect(runInChild({ mechanism: 'naive-timestamp', build: 'historical' }).outcome).toBe('created');
    expect(runInChild({ mechanism: 'no-timestamp', build: 'historical' }).outcome).toBe('created');
    // The fixed build accepts the old client's request.
    expect(runInChild({ mechanism: 'timestamp-with-zone', build: 'fixed' }).outcome).toBe('created');
  });

  test("today's TaskerClient on the historical build fails by the same mechanism, at the same column", () => {
    const outcome = runInChild({ mechanism: 'contract-client', build: 'historical' });
    expect(outcome.error).toMatch(CONTRACT_PATTERN);
    expect(outcome.column).toBe(outcome.requestedAtEndColumn);
    expect(runInChild({ mechanism: 'contract-client', build: 'fixed' }).outcome).toBe('created');
  });

  test('bytes past the C string are real with koffi but give other texts than the ticket', () => {
    const reused = runInChild({ mechanism: 'reused-longer-buffer', build: 'historical' });
    expect(reused.outcome).toBe('error');
    expect(matchesTicket(reused)).toBe(false);
    // Deserializer::from_str ignores the trailing bytes: that attempted fix does cure this mechanism,
    // which is why the ticket ("did not help") cannot be this mechanism.
    expect(runInChild({ mechanism: 'reused-longer-buffer', build: 'historical', strategy: 'deserializer_from_str' }).outcome).toBe('created');
    // ...whereas neither attempted fix changes the timestamp failure.
    for (const strategy of ['from_str', 'deserializer_from_str', 'trim_nul'] as const) {
      expect(matchesTicket(runInChild({ mechanism: 'timestamp-with-zone', build: 'historical', strategy }))).toBe(true);
    }
  });

  test('napi is immune only by accident: given the old timestamp, the historical napi build fails too', () => {
    expect(runInChild({ mechanism: 'napi-client', build: 'historical' }).outcome).toBe('created');
    const withZone = runInChild({ mechanism: 'napi-timestamp-with-zone', build: 'historical' });
    expect(withZone.outcome).toBe('error');
    expect(withZone.error).toContain('trailing input');
  });

  describe('failure condition over arbitrary contexts', () => {
    // Loaded once the historical build exists (the file-level beforeAll builds it).
    let historical: KoffiBackend;
    let oldClient: TaskerClient;
    beforeAll(() => {
      historical = fresh(new KoffiBackend({ libraryPath: tas283Paths().legacy }));
      oldClient = new TaskerClient(historical);
    });

    contextAndDateProperty('historical build: a zone designator in requested_at fails with the ticket text at the byte column where requested_at ends', ({ context, date }) => {
      fresh(historical);
      const requestedAt = date.toISOString();
      let message = '';
      try {
        oldClient.createTask({ ...oldClientRequest(), context, requestedAt });
      } catch (error) {
        message = `${(error as Error).name}: ${(error as Error).message}`;
      }
      expect(message).toMatch(CONTRACT_PATTERN);
      expect(reportedColumn(message)).toBe(requestedAtEndColumn(sentJson(context, requestedAt)));
    });

    contextAndDateProperty('historical build: the same request with a naive timestamp is accepted', ({ context, date }) => {
      fresh(historical);
      const created = oldClient.createTask({ ...oldClientRequest(), context, requestedAt: date.toISOString().replace(/Z$/, '') });
      // Created and orchestrated at once: its first step is enqueued.
      expect(created.status).toBe('steps_in_process');
    });
  });

  describe('after the fix', () => {
    let koffi: KoffiBackend;
    let napi: NapiBackend;
    beforeAll(() => {
      koffi = new KoffiBackend();
      napi = new NapiBackend();
    });

    contextAndDateProperty('fixed legacy and napi accept the old client request and agree', ({ context, date }) => {
      const requestedAt = date.toISOString();
      const viaKoffi = new TaskerClient(fresh(koffi)).createTask({ ...oldClientRequest(), context, requestedAt });
      const viaNapi = new TaskerClient(fresh(napi)).createTask({ ...oldClientRequest(), context, requestedAt });
      expect(viaNapi).toEqual(viaKoffi);
      // And each client's own default: koffi stamps toISOString(), napi lets Rust stamp it.
      const koffiDefault = new TaskerClient(fresh(koffi)).createTask({ ...oldClientRequest(), context });
      const napiDefault = new TaskerClient(fresh(napi)).createTask({ ...oldClientRequest(), context });
      expect(napiDefault).toEqual(koffiDefault);
    });
  });
});
