/**
 * Every row of the conversion-policy table (parity-tests/runner/policy-table.ts, docs/conversion-policy.md),
 * on both backends:
 * 1. what each bridge does ON ITS OWN with the row's example (raw calls, no contract): observed
 *    and recorded for the report, and checked against the row's "diverged" claim;
 * 2. what the contract does: both backends give the same outcome, and it is the row's rule.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { JsonObject, StepEvent, TaskerFfi, TaskRequest } from '../../src/contract.js';
import { packageRoot } from '../../src/backends/locate.js';
import { POLICY_TABLE, type PolicyRow } from '../runner/policy-table.js';
import type { PolicyRowRecord } from '../runner/results.js';
import { nested, objectFromEntries, validTaskRequest, TEMPLATES } from '../arbitraries/index.js';
import { exactDiff, show } from './support/compare.js';
import { both, describeOutcome, loadVariants, reset, type Outcome, type Pair } from './support/lockstep.js';
import { recordMeta, selected } from './support/settings.js';
import { rawKoffi, rawNapi, type RawBridge } from './support/raw.js';

const variants = loadVariants();
const raw = { napi: rawNapi(), koffi: rawKoffi() };
const SEED = { seed: 1 };

const request = (context: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...(validTaskRequest(TEMPLATES[0]) as unknown as Record<string, unknown>),
  context,
  ...extra,
});

class Money {
  readonly currency = 'EUR';
  constructor(readonly cents: number) {}
  format(): string {
    return `${this.cents} ${this.currency}`;
  }
}

/** A context as the caller sees it read back: its JSON-ish rendering, plus its prototype if odd. */
function describeContext(value: unknown): string {
  const proto = value !== null && typeof value === 'object' ? (Object.getPrototypeOf(value) as unknown) : Object.prototype;
  const odd = proto !== Object.prototype && proto !== null && proto !== Array.prototype;
  return `${show(value, 160)}${odd ? ` with prototype ${show(proto, 80)}` : ''}`;
}

/**
 * A raw outcome in a table cell: the echoed part of a result, or the failure's text. A failure is
 * its message only (without tasker's `<symbol> failed: ` prefix): the object exports throw where
 * the C ABI answers an error object, a difference of surface, not of conversion.
 */
function rawCell(outcome: Outcome, pick: (value: unknown) => unknown = (v) => v): string {
  if (!outcome.ok) return `fails: ${show(outcome.error.message.replace(/^[a-z_]+ failed: /, ''), 160)}`;
  try {
    return `ok: ${describeContext(pick(outcome.value))}`;
  } catch (error) {
    return `ok (unreadable: ${String(error)})`;
  }
}

interface RowCheck {
  /** What the bridge does on its own (engine freshly bootstrapped with seed 1). */
  raw(bridge: RawBridge): string;
  /** The call through the contract (engine freshly bootstrapped with seed 1). */
  contract(ffi: TaskerFfi): unknown;
  /** The rule, on the (agreed) outcome of `contract`. */
  expect(outcome: Outcome): void;
  /** More places the same input goes through the contract (the same rule must hold). */
  also?(pair: Pair): void;
}

const rejects = (message: RegExp) => (outcome: Outcome): void => {
  expect(outcome.ok, `expected INVALID_REQUEST, got ${describeOutcome(outcome)}`).toBe(false);
  if (!outcome.ok) {
    expect(outcome.error.code).toBe('INVALID_REQUEST');
    expect(outcome.error.message).toMatch(message);
  }
};

const contextOf = (value: unknown): unknown => (value as { context: unknown }).context;

/** Expects the created task's context to be exactly `expected` (null: just "accepted"). */
const echoes = (expected: unknown) => (outcome: Outcome): void => {
  expect(outcome.ok, describeOutcome(outcome)).toBe(true);
  if (outcome.ok && expected !== null) expect(exactDiff(contextOf(outcome.value), expected, 'context')).toBeNull();
};

/** A free-form value in a context; the same value must behave the same in log fields and a step result. */
function jsonRow(value: () => unknown, expectation: (outcome: Outcome) => void, slots: { log?: RegExp | 'ok'; result?: RegExp | 'ok' } = {}): RowCheck {
  return {
    raw: (bridge) => rawCell(bridge.createTask(request({ v: value() })), (task) => contextOf(task)),
    contract: (ffi) => ffi.clientCreateTask(request({ v: value() }) as unknown as TaskRequest),
    expect: expectation,
    also(target) {
      if (slots.log !== undefined) {
        const log = both(target, 'logInfo(fields)', (ffi) => ffi.logInfo('policy row', { v: value() } as JsonObject));
        if (slots.log === 'ok') expect(log.ok, describeOutcome(log)).toBe(true);
        else rejects(slots.log)(log);
      }
      if (slots.result !== undefined) {
        const event = both(target, 'pollStepEvents()', (ffi) => {
          ffi.clientCreateTask(request({}) as unknown as TaskRequest);
          return ffi.pollStepEvents();
        });
        const e = (event as { value: StepEvent }).value;
        const completed = both(target, 'completeStepEvent(result)', (ffi) =>
          ffi.completeStepEvent(e.eventId, { stepUuid: e.stepUuid, success: true, result: { v: value() } as JsonObject, status: 'completed', metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:05Z' } }),
        );
        if (slots.result === 'ok') {
          expect(completed.ok, describeOutcome(completed)).toBe(true);
          both(target, 'clientGetStepAuditHistory()', (ffi) => ffi.clientGetStepAuditHistory(e.taskUuid, e.stepUuid));
          both(target, 'pollInProcessEvents()', (ffi) => ffi.pollInProcessEvents());
        } else rejects(slots.result)(completed);
      }
    },
  };
}

/**
 * A free-form value in a step result (no size limits there, unlike a context: tasker's server caps
 * contexts at depth 10, 1000 keys, 10 000-character strings and 1 MiB): read back from the next
 * step's dependency results; the same value must behave the same in log fields.
 */
function resultRow(value: () => unknown, expected: unknown): RowCheck {
  const first = (ffi: TaskerFfi): StepEvent => {
    ffi.clientCreateTask(request({}) as unknown as TaskRequest);
    return ffi.pollStepEvents() as StepEvent;
  };
  return {
    raw(bridge) {
      bridge.createTask(request({}));
      const polled = bridge.poll();
      if (!polled.ok || polled.value === null) return 'no event to complete';
      const e = polled.value as Record<string, string>;
      const completed = bridge.complete(e.eventId ?? e.event_id, {
        stepUuid: e.stepUuid ?? e.step_uuid,
        success: true,
        result: { v: value() },
        status: 'completed',
        metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:05Z' },
      });
      if (!completed.ok) return rawCell(completed);
      const next = bridge.poll();
      return rawCell(next, (event) => {
        const deps = ((event as Record<string, unknown>).dependencyResults ?? (event as Record<string, unknown>).dependency_results) as Record<string, { result: unknown }>;
        return deps.validate_cart?.result;
      });
    },
    contract(ffi) {
      const e = first(ffi);
      ffi.completeStepEvent(e.eventId, { stepUuid: e.stepUuid, success: true, result: { v: value() } as JsonObject, status: 'completed', metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:05Z' } });
      return { context: ffi.pollStepEvents()?.dependencyResults.validate_cart?.result };
    },
    expect: echoes({ v: expected }),
    also(target) {
      const log = both(target, 'logInfo(fields)', (ffi) => ffi.logInfo('policy row', { v: value() } as JsonObject));
      expect(log.ok, describeOutcome(log)).toBe(true);
    },
  };
}

const rejectEverywhere = (message: RegExp) => ({ log: message, result: message });
const acceptEverywhere = { log: 'ok', result: 'ok' } as const;

const CHECKS: Record<string, RowCheck> = {
  'non-finite-number': jsonRow(() => Number.NaN, rejects(/request\.context\.v is not JSON: got NaN \(only finite numbers\)$/), rejectEverywhere(/is not JSON: got NaN/)),
  'undefined-in-array': jsonRow(() => [1, undefined], rejects(/request\.context\.v\[1\] is undefined; a JSON array cannot hold undefined/), rejectEverywhere(/is undefined/)),
  // eslint-disable-next-line no-sparse-arrays
  'array-hole': jsonRow(() => [, 1], rejects(/request\.context\.v\[0\] is a hole in a sparse array/), rejectEverywhere(/is a hole/)),
  'undefined-member': jsonRow(() => ({ a: undefined, b: 1 }), echoes({ v: { b: 1 } }), acceptEverywhere),
  'negative-zero': jsonRow(() => -0, echoes({ v: 0 }), acceptEverywhere),
  'unsafe-integer': jsonRow(() => [2 ** 53 + 2, 1e19, -(2 ** 63), 2 ** 64], echoes({ v: [2 ** 53 + 2, 1e19, -(2 ** 63), 2 ** 64] }), acceptEverywhere),
  float: jsonRow(
    () => [8.634467734909411e-41, -2.0812001056359694e-73, 0.1, 1.7976931348623157e308, 5e-324],
    echoes({ v: [8.634467734909411e-41, -2.0812001056359694e-73, 0.1, 1.7976931348623157e308, 5e-324] }),
    acceptEverywhere,
  ),
  bigint: jsonRow(() => 1n, rejects(/request\.context\.v is not JSON: got bigint$/), rejectEverywhere(/got bigint/)),
  date: jsonRow(() => new Date(0), echoes({ v: '1970-01-01T00:00:00.000Z' }), acceptEverywhere),
  'invalid-date': jsonRow(() => new Date(Number.NaN), rejects(/request\.context\.v is an invalid Date$/), rejectEverywhere(/invalid Date/)),
  // eslint-disable-next-line no-new-wrappers
  'boxed-primitive': jsonRow(() => new String('a'), rejects(/request\.context\.v is not JSON: got String \(only plain objects and arrays\)$/), rejectEverywhere(/got String/)),
  'map-or-set': jsonRow(() => new Map([['a', 1]]), rejects(/request\.context\.v is not JSON: got Map/), rejectEverywhere(/got Map/)),
  'binary-data': jsonRow(() => Buffer.from([1]), rejects(/request\.context\.v is not JSON: got Buffer/), rejectEverywhere(/got Buffer/)),
  'class-instance': jsonRow(() => new Money(100), rejects(/request\.context\.v is not JSON: got a Money instance/), rejectEverywhere(/Money instance/)),
  'custom-prototype': jsonRow(() => Object.create({ inherited: 1 }) as unknown, rejects(/request\.context\.v is not JSON: got an object with a custom prototype/), rejectEverywhere(/custom prototype/)),
  'null-prototype': jsonRow(() => objectFromEntries([['a', 1]], null), echoes({ v: { a: 1 } }), acceptEverywhere),
  'symbol-key': jsonRow(() => ({ [Symbol('s')]: 1, a: 1 }), echoes({ v: { a: 1 } }), acceptEverywhere),
  'non-enumerable': jsonRow(() => Object.defineProperty({ a: 1 }, 'hidden', { value: 2 }), echoes({ v: { a: 1 } }), acceptEverywhere),
  getter: jsonRow(() => Object.defineProperty({}, 'total', { get: () => 3, enumerable: true }), echoes({ v: { total: 3 } }), acceptEverywhere),
  'proto-key': jsonRow(() => JSON.parse('{"__proto__": {"x": 1}}') as unknown, rejects(/request\.context\.v has the key "__proto__"/), rejectEverywhere(/"__proto__"/)),
  'prototype-named-key': jsonRow(
    () => ({ constructor: 1, toString: 'x', hasOwnProperty: null, toJSON: 2, then: 3 }),
    echoes({ v: { constructor: 1, toString: 'x', hasOwnProperty: null, toJSON: 2, then: 3 } }),
    acceptEverywhere,
  ),
  'lone-surrogate': jsonRow(() => '\ud800x', rejects(/request\.context\.v contains a lone surrogate \(U\+D800 at index 0\)/), rejectEverywhere(/lone surrogate/)),
  'lone-surrogate-key': jsonRow(() => ({ '\udc00': 1 }), rejects(/request\.context\.v has a key with a lone surrogate \(U\+DC00 at index 0\)/), rejectEverywhere(/lone surrogate/)),
  'nul-in-json-string': jsonRow(() => ({ s: 'a\0b', 'k\0': 1 }), echoes({ v: { s: 'a\0b', 'k\0': 1 } }), acceptEverywhere),
  unicode: jsonRow(
    () => ({ s: 'e\u0301\u202e\u{1f600}\u2028\ufeff\u{10ffff}', '\u6771\u4eac': '\u{1f1fa}\u{1f1f8}' }),
    echoes({ v: { s: 'e\u0301\u202e\u{1f600}\u2028\ufeff\u{10ffff}', '\u6771\u4eac': '\u{1f1fa}\u{1f1f8}' } }),
    acceptEverywhere,
  ),
  'deep-nesting': jsonRow(() => nested(126), rejects(/request\.context nests deeper than 100 levels of arrays and objects/), rejectEverywhere(/nests deeper than 100 levels/)),
  'depth-limit': resultRow(() => nested(99), nested(99)),
  'long-string': resultRow(() => `${'x'.repeat(200_000)}\u00e9`, `${'x'.repeat(200_000)}\u00e9`),
  'many-keys': resultRow(
    () => Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])),
    Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])),
  ),
  'function-or-symbol': jsonRow(() => ({ f() {} }), rejects(/request\.context\.v\.f is not JSON: got function/), rejectEverywhere(/got function/)),
  cycle: jsonRow(
    () => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    },
    rejects(/request\.context\.v\.self is not JSON: it contains a cycle/),
    rejectEverywhere(/cycle/),
  ),
  'nul-in-argument': {
    raw: (bridge) => rawCell(bridge.getTask('abc\0def')),
    contract: (ffi) => ffi.clientGetTask('abc\0def'),
    expect: rejects(/^Invalid argument: taskUuid contains a NUL character \(U\+0000\) at index 3; a C string cannot carry it$/),
    also(target) {
      rejects(/^Invalid argument: message contains a NUL character/)(both(target, 'logInfo(NUL)', (ffi) => ffi.logInfo('a\0b')));
      rejects(/^Invalid argument: eventId contains a NUL character/)(
        both(target, 'completeStepEvent(NUL)', (ffi) =>
          ffi.completeStepEvent('00000000-0000-4000-8000-000000000000\0', { stepUuid: 'x', success: true, result: null, status: 'completed', metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:05Z' } }),
        ),
      );
    },
  },
  'lone-surrogate-in-argument': {
    raw: (bridge) => rawCell(bridge.getTask('\ud800')),
    contract: (ffi) => ffi.clientGetTask('\ud800'),
    expect: rejects(/^Invalid argument: taskUuid contains a lone surrogate \(U\+D800 at index 0\)/),
    also(target) {
      rejects(/^Invalid argument: message contains a lone surrogate/)(both(target, 'logInfo(lone)', (ffi) => ffi.logInfo('x\udfff')));
    },
  },
  'lone-surrogate-in-field': {
    raw: (bridge) => rawCell(bridge.listTasks({ status: '\ud800' })),
    contract: (ffi) => ffi.clientListTasks({ status: '\ud800' }),
    expect: rejects(/^Invalid argument: params\.status contains a lone surrogate \(U\+D800 at index 0\)/),
    also(target) {
      rejects(/^Invalid argument: request\.reason contains a lone surrogate/)(
        both(target, 'clientCreateTask(reason)', (ffi) => ffi.clientCreateTask(request({}, { reason: 'r\ud800' }) as unknown as TaskRequest)),
      );
    },
  },
  'nul-in-field': {
    raw: (bridge) => rawCell(bridge.createTask(request({}, { reason: 'a\0b' })), (t) => (t as { reason: unknown }).reason),
    contract: (ffi) => ffi.clientCreateTask(request({}, { reason: 'a\0b' }) as unknown as TaskRequest),
    expect(outcome) {
      expect(outcome.ok, describeOutcome(outcome)).toBe(true);
      if (outcome.ok) expect((outcome.value as { reason: string }).reason).toBe('a\0b');
    },
  },
  'integer-out-of-range': {
    raw: (bridge) => rawCell(bridge.listTasks({ limit: 2 ** 32 + 5 }), (list) => (list as { pagination: unknown }).pagination),
    contract: (ffi) => ffi.clientListTasks({ limit: 2 ** 32 + 5 }),
    expect: rejects(/^Invalid argument: params\.limit must be an integer in -2147483648\.\.=2147483647 \(i32\), got 4294967301$/),
  },
  'non-integer': {
    raw: (bridge) => rawCell(bridge.listTasks({ limit: 1.5 }), (list) => (list as { pagination: unknown }).pagination),
    contract: (ffi) => ffi.clientListTasks({ limit: 1.5 }),
    expect: rejects(/^Invalid argument: params\.limit must be an integer in -2147483648\.\.=2147483647 \(i32\), got 1\.5$/),
  },
  'non-finite-integer': {
    raw: (bridge) => rawCell(bridge.listTasks({ limit: Number.NaN }), (list) => (list as { pagination: unknown }).pagination),
    contract: (ffi) => ffi.clientListTasks({ limit: Number.NaN }),
    expect: rejects(/^Invalid argument: params\.limit must be an integer in -2147483648\.\.=2147483647 \(i32\), got NaN$/),
  },
  'negative-zero-integer': {
    raw: (bridge) => rawCell(bridge.createTask(request({}, { priority: -0 })), (t) => (t as { priority: unknown }).priority),
    contract: (ffi) => ffi.clientCreateTask(request({}, { priority: -0 }) as unknown as TaskRequest),
    expect(outcome) {
      expect(outcome.ok, describeOutcome(outcome)).toBe(true);
      if (outcome.ok) expect(Object.is((outcome.value as { priority: unknown }).priority, 0)).toBe(true);
    },
  },
  'unsafe-integer-field': {
    raw(bridge) {
      bridge.createTask(request({}));
      const event = bridge.poll();
      if (!event.ok || event.value === null) return 'no event to complete';
      const e = event.value as Record<string, string>;
      const eventId = e.eventId ?? e.event_id;
      const stepUuid = e.stepUuid ?? e.step_uuid;
      const completed = bridge.complete(eventId, { stepUuid, success: true, result: null, status: 'completed', metadata: { executionTimeMs: 1e300, completedAt: '2026-01-01T00:00:05Z' } });
      return rawCell(completed);
    },
    contract(ffi) {
      ffi.clientCreateTask(request({}) as unknown as TaskRequest);
      const e = ffi.pollStepEvents() as StepEvent;
      return ffi.completeStepEvent(e.eventId, { stepUuid: e.stepUuid, success: true, result: null, status: 'completed', metadata: { executionTimeMs: 1e300, completedAt: '2026-01-01T00:00:05Z' } });
    },
    expect: rejects(/^Invalid argument: result\.metadata\.executionTimeMs must be an integer in -9007199254740991\.\.=9007199254740991 \(i64\), got 1e\+300$/),
  },
  'null-optional-field': {
    raw: (bridge) => rawCell(bridge.createTask(request({}, { correlationId: null })), (t) => (t as { correlation_id: unknown }).correlation_id),
    contract: (ffi) => ffi.clientCreateTask(request({}, { correlationId: null }) as unknown as TaskRequest),
    expect(outcome) {
      expect(outcome.ok, describeOutcome(outcome)).toBe(true);
      if (outcome.ok) expect((outcome.value as { correlation_id: string }).correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    },
  },
  'undefined-optional-field': {
    raw: (bridge) => rawCell(bridge.createTask(request({}, { priority: undefined })), (t) => (t as { priority: unknown }).priority),
    contract: (ffi) => ffi.clientCreateTask(request({}, { priority: undefined }) as unknown as TaskRequest),
    expect(outcome) {
      expect(outcome.ok, describeOutcome(outcome)).toBe(true);
      // Absent: the server's default priority, 0.
      if (outcome.ok) expect((outcome.value as { priority: unknown }).priority).toBe(0);
    },
  },
  'missing-required-field': {
    raw: (bridge) => rawCell(bridge.createTask(request(undefined))),
    contract: (ffi) => ffi.clientCreateTask(request(undefined) as unknown as TaskRequest),
    expect: rejects(/^Invalid argument: request\.context is required \(use null for "no value"\)$/),
    also(target) {
      const noName = request({});
      delete noName.name;
      rejects(/^Invalid argument: request\.name must be a string, got undefined$/)(both(target, 'clientCreateTask(no name)', (ffi) => ffi.clientCreateTask(noName as unknown as TaskRequest)));
    },
  },
  'wrong-type-field': {
    raw: (bridge) => rawCell(bridge.createTask(request({}, { name: 5 }))),
    contract: (ffi) => ffi.clientCreateTask(request({}, { name: 5 }) as unknown as TaskRequest),
    expect: rejects(/^Invalid argument: request\.name must be a string, got number$/),
  },
  'date-for-string-field': {
    raw(bridge) {
      // The request time shows in the task the worker receives.
      const created = bridge.createTask(request({}, { requestedAt: new Date(0) }));
      if (!created.ok) return rawCell(created);
      return rawCell(bridge.poll(), (event) => {
        const task = (event as { task: Record<string, unknown> }).task;
        return task.requestedAt ?? task.requested_at;
      });
    },
    contract: (ffi) => ffi.clientCreateTask(request({}, { requestedAt: new Date(0) }) as unknown as TaskRequest),
    expect: rejects(/^Invalid argument: request\.requestedAt must be a string, got object$/),
  },
  'unknown-key': {
    raw: (bridge) => rawCell(bridge.listTasks({ sort: 'asc' }), (list) => (list as { pagination: unknown }).pagination),
    contract: (ffi) => ffi.clientListTasks({ sort: 'asc' } as never),
    expect(outcome) {
      expect(outcome.ok, describeOutcome(outcome)).toBe(true);
      if (outcome.ok) expect((outcome.value as { pagination: { per_page: number } }).pagination.per_page).toBe(50);
    },
  },
  'non-object-argument': {
    raw: (bridge) => rawCell(bridge.listTasks('x'), (list) => (list as { pagination: unknown }).pagination),
    contract: (ffi) => ffi.clientListTasks('x' as never),
    expect: rejects(/^Invalid argument: params must be an object, got string$/),
  },
  'optional-output-field': {
    raw(bridge) {
      bridge.stop();
      return rawCell(bridge.status());
    },
    contract(ffi) {
      ffi.stopWorker();
      return ffi.getWorkerStatus();
    },
    expect(outcome) {
      expect(outcome.ok).toBe(true);
      if (outcome.ok) expect(outcome.value).toStrictEqual({ success: true, running: false, status: 'stopped', workerId: null, environment: null });
    },
  },
  'key-order': {
    raw: (bridge) => rawCell(bridge.createTask(request({})), (t) => `keys: ${Object.keys(t as object).slice(0, 4).join(', ')}, …`),
    contract: (ffi) => ffi.clientCreateTask(request({}) as unknown as TaskRequest),
    expect(outcome) {
      // `both` already found the two results equal as values; the order is allowed to differ.
      expect(outcome.ok).toBe(true);
    },
  },
};

/** Runs a raw observation on a fresh seeded engine of that bridge. */
function observeRaw(bridge: RawBridge, check: RowCheck): string {
  bridge.stop();
  bridge.bootstrap(SEED);
  try {
    return check.raw(bridge);
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  } finally {
    bridge.stop();
  }
}

describe('conversion policy: every row holds on both backends', () => {
  it.runIf(selected('policy.table'))('every row of the table has a check, and every check a row [policy.table]', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(POLICY_TABLE.map((row) => row.id).sort());
  });

  it.runIf(selected('policy.table'))('docs/conversion-policy.md lists every row with its rule [policy.table]', () => {
    const doc = readFileSync(`${packageRoot()}/docs/conversion-policy.md`, 'utf8');
    const missing = POLICY_TABLE.filter((row) => !doc.includes(`\`${row.id}\``) || !doc.includes(row.rule.replace(/\|/g, '\\|')));
    expect(missing.map((row) => row.id)).toEqual([]);
  });

  const rows = POLICY_TABLE.map((row) => [row.id, row] as [string, PolicyRow]);
  it.runIf(selected('policy.rows'))
    .each(rows)('%s: napi and koffi follow the rule', (id, row) => {
      const check = CHECKS[id];
      if (check === undefined) throw new Error(`no check for row ${id}`);
      const napiRaw = observeRaw(raw.napi, check);
      const koffiRaw = observeRaw(raw.koffi, check);
      // The contract, on every napi variant against koffi.
      const outcomes: string[] = [];
      let failure: unknown;
      for (const { name, pair } of variants) {
        reset(pair, SEED);
        try {
          const outcome = both(pair, `${id} example (${name} vs koffi)`, (ffi) => check.contract(ffi));
          outcomes.push(describeOutcome(outcome, 200));
          check.expect(outcome);
          if (check.also !== undefined) {
            reset(pair, SEED);
            check.also(pair);
          }
        } catch (error) {
          failure ??= error;
        } finally {
          reset(pair, null);
        }
      }
      const contract = outcomes[0] ?? 'diverged (see the failure)';
      const record: PolicyRowRecord = {
        id,
        napiRaw,
        koffiRaw,
        rawAgree: napiRaw === koffiRaw,
        napi: contract,
        koffi: contract,
        ok: failure === undefined,
      };
      recordMeta({ policyRows: [record] });
      if (failure !== undefined) throw failure;
      // The row says whether the bridges differ on their own; the raw observation must agree
      // (a bridge that changed its raw behaviour makes the row, and maybe the rule, stale).
      if (row.resolution !== 'not compared' && id !== 'float') {
        expect(napiRaw !== koffiRaw, `row ${id} claims diverged=${row.diverged}; observed napi: ${napiRaw} / koffi: ${koffiRaw}`).toBe(row.diverged);
      }
    });
});
