/**
 * Free-form values (contexts, results, cursors, log fields): JSON as `JSON.parse` would make it,
 * the JS quirks the contract accepts, and the hostile values it rejects, each tagged with the
 * conversion-policy row it belongs to (parity-tests/runner/policy-table.ts).
 */
import fc from 'fast-check';

import type { JsonObject, JsonValue } from '../../src/contract.js';
import { contextOfSize } from './payloads.js';
import {
  acceptableKey,
  loneSurrogate,
  longString,
  PROTOTYPE_KEYS,
  stringWithLoneSurrogate,
  stringWithNul,
  unicodeString,
} from './strings.js';

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** Integers beyond 2^53 that a JS number can hold exactly (and JSON.stringify writes in full). */
export const UNSAFE_INTEGERS = [2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 2 ** 63, -(2 ** 63), 2 ** 64, 1e19, 1e21, 1.7976931348623157e308] as const;

/** Any finite number: small integers, safe integers, unsafe integers, doubles of every exponent, -0. */
export const finiteNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: -1000, max: 1000 }), weight: 4 },
  { arbitrary: fc.maxSafeInteger(), weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 4 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 2 },
  { arbitrary: fc.constantFrom(...UNSAFE_INTEGERS, -0, 0.1, 0.1 + 0.2, 5e-324, 2.2250738585072014e-308, Number.EPSILON), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Strict JSON: what JSON.parse can produce
// ---------------------------------------------------------------------------------------------

export interface JsonArbitraryOptions {
  /** Deepest nesting of arrays/objects (default 4). */
  maxDepth?: number;
  /** Most keys per object / items per array (default 5). */
  maxKeys?: number;
}

/** Builds an object from entries with own data properties (a `__proto__` key stays a key). */
export function objectFromEntries(entries: readonly (readonly [string, unknown])[], prototype: object | null = Object.prototype): Record<string, unknown> {
  const object = Object.create(prototype) as Record<string, unknown>;
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** A JSON value as `JSON.parse` makes it: finite numbers (with -0), well-formed strings (NUL allowed). */
export function jsonValue(options: JsonArbitraryOptions = {}): fc.Arbitrary<JsonValue> {
  const maxKeys = options.maxKeys ?? 5;
  const leaf: fc.Arbitrary<JsonValue> = fc.oneof(
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: finiteNumber, weight: 3 },
    { arbitrary: unicodeString({ maxLength: 16 }), weight: 4 },
  );
  const { value } = fc.letrec<{ value: JsonValue; array: JsonValue[]; object: JsonObject }>((tie) => ({
    value: fc.oneof({ maxDepth: options.maxDepth ?? 4, depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: maxKeys }),
    object: fc
      .uniqueArray(fc.tuple(acceptableKey, tie('value')), { maxLength: maxKeys, selector: ([key]) => key })
      .map((entries) => objectFromEntries(entries) as JsonObject),
  }));
  return value;
}

/** A JSON object (contexts must be objects). */
export function jsonObject(options: JsonArbitraryOptions = {}): fc.Arbitrary<JsonObject> {
  return fc
    .uniqueArray(fc.tuple(acceptableKey, jsonValue(options)), { maxLength: options.maxKeys ?? 5, selector: ([key]) => key })
    .map((entries) => objectFromEntries(entries) as JsonObject);
}

// ---------------------------------------------------------------------------------------------
// Tagged edge values: one generator per conversion-policy row
// ---------------------------------------------------------------------------------------------

class Money {
  readonly currency = 'EUR';
  constructor(readonly cents: number) {}
  format(): string {
    return `${this.cents / 100} ${this.currency}`;
  }
}

/** `depth` nested arrays around `leaf`. */
export function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

/**
 * The edges of JS → JSON, one arbitrary per conversion-policy row id (a value as it would sit
 * inside a context). `accept`: the contract takes it (perhaps normalised); `reject`: the contract
 * answers `INVALID_REQUEST`.
 */
export const VALUE_EDGES = {
  'non-finite-number': { contract: 'reject', arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  'undefined-in-array': {
    contract: 'reject',
    arbitrary: fc.tuple(fc.array(jsonValue({ maxDepth: 1 }), { maxLength: 2 }), fc.nat(2)).map(([items, at]) => {
      const copy: unknown[] = [...items];
      copy.splice(Math.min(at, copy.length), 0, undefined);
      return copy;
    }),
  },
  'array-hole': {
    contract: 'reject',
    arbitrary: fc.nat(3).map((length) => {
      const holes: unknown[] = new Array<unknown>(length + 1);
      holes[length] = 1;
      return holes;
    }),
  },
  'undefined-member': { contract: 'accept', arbitrary: acceptableKey.map((key) => objectFromEntries([[key, undefined], ['kept', 1]])) },
  'negative-zero': { contract: 'accept', arbitrary: fc.constant(-0) },
  'unsafe-integer': { contract: 'accept', arbitrary: fc.constantFrom(...UNSAFE_INTEGERS) },
  float: { contract: 'accept', arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  bigint: { contract: 'reject', arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
  date: { contract: 'accept', arbitrary: fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }) },
  'invalid-date': { contract: 'reject', arbitrary: fc.constant(null).map(() => new Date(Number.NaN)) },
  'boxed-primitive': {
    contract: 'reject',
    // eslint-disable-next-line no-new-wrappers
    arbitrary: fc.oneof(fc.string({ maxLength: 3 }).map((s) => new String(s)), fc.integer().map((n) => new Number(n)), fc.boolean().map((b) => new Boolean(b))),
  },
  'map-or-set': {
    contract: 'reject',
    arbitrary: fc.oneof(
      fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 2 }).map((entries) => new Map(entries)),
      fc.array(fc.integer(), { maxLength: 2 }).map((items) => new Set(items)),
    ),
  },
  'binary-data': {
    contract: 'reject',
    arbitrary: fc.oneof(
      fc.uint8Array({ maxLength: 3 }),
      fc.uint8Array({ maxLength: 3 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(null).map(() => new ArrayBuffer(2)),
    ),
  },
  'class-instance': { contract: 'reject', arbitrary: fc.integer({ min: 0, max: 10_000 }).map((cents) => new Money(cents)) },
  'custom-prototype': {
    contract: 'reject',
    arbitrary: fc
      .tuple(acceptableKey, fc.integer())
      .map(([key, value]) => Object.create(objectFromEntries([[`inherited_${key}`, value]]), { own: { value: 1, enumerable: true } }) as unknown),
  },
  'null-prototype': { contract: 'accept', arbitrary: jsonObject({ maxDepth: 1 }).map((o) => objectFromEntries(Object.entries(o), null)) },
  'symbol-key': { contract: 'accept', arbitrary: fc.string({ maxLength: 3 }).map((d) => ({ [Symbol(d)]: 1, visible: true })) },
  'non-enumerable': {
    contract: 'accept',
    arbitrary: acceptableKey.map((key) => Object.defineProperty({ visible: 1 }, `hidden_${key}`, { value: 2, enumerable: false })),
  },
  getter: {
    contract: 'accept',
    arbitrary: fc.integer().map((n) => Object.defineProperty({}, 'computed', { get: () => n, enumerable: true })),
  },
  'proto-key': {
    contract: 'reject',
    arbitrary: jsonValue({ maxDepth: 1 }).map((value) => objectFromEntries([['__proto__', value]])),
  },
  'prototype-named-key': {
    contract: 'accept',
    arbitrary: fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS), jsonValue({ maxDepth: 1 })).map(([key, value]) => objectFromEntries([[key, value]])),
  },
  'lone-surrogate': { contract: 'reject', arbitrary: stringWithLoneSurrogate },
  'lone-surrogate-key': { contract: 'reject', arbitrary: fc.tuple(loneSurrogate, fc.integer()).map(([key, value]) => objectFromEntries([[key, value]])) },
  'nul-in-json-string': { contract: 'accept', arbitrary: stringWithNul },
  unicode: { contract: 'accept', arbitrary: unicodeString({ minLength: 1, maxLength: 24 }) },
  'deep-nesting': { contract: 'reject', arbitrary: fc.integer({ min: 101, max: 140 }).map((depth) => nested(depth)) },
  'depth-limit': { contract: 'accept', arbitrary: fc.integer({ min: 90, max: 99 }).map((depth) => nested(depth)) },
  'long-string': { contract: 'accept', arbitrary: longString },
  'many-keys': {
    contract: 'accept',
    arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((count) => {
      const object: Record<string, number> = {};
      for (let i = 0; i < count; i += 1) object[`k${i}`] = i;
      return object;
    }),
  },
  'function-or-symbol': { contract: 'reject', arbitrary: fc.oneof(fc.constant(() => 1), fc.string({ maxLength: 2 }).map((d) => Symbol(d))) },
  cycle: {
    contract: 'reject',
    arbitrary: acceptableKey.map((key) => {
      const object: Record<string, unknown> = {};
      object[key === '__proto__' ? 'self' : key] = object;
      return object;
    }),
  },
} as const satisfies Record<string, { contract: 'accept' | 'reject'; arbitrary: fc.Arbitrary<unknown> }>;

export type ValueEdge = keyof typeof VALUE_EDGES;
export const VALUE_EDGE_IDS = Object.keys(VALUE_EDGES) as ValueEdge[];

/** An edge value of row `edge`, inside an otherwise ordinary JSON object at a random depth (0–2). */
export function embeddedEdge(edge: ValueEdge): fc.Arbitrary<Record<string, unknown>> {
  const arbitrary = VALUE_EDGES[edge].arbitrary as fc.Arbitrary<unknown>;
  return fc
    .tuple(jsonObject({ maxDepth: 1, maxKeys: 2 }), acceptableKey, arbitrary, fc.nat(2), fc.boolean())
    .map(([base, key, edgeValue, depth, inArray]) => {
      let value: unknown = edgeValue;
      for (let level = 0; level < depth; level += 1) value = inArray ? [value] : { nested: value };
      const entries = Object.entries(base).filter(([k]) => k !== key);
      return objectFromEntries([...entries, [key, value]]);
    });
}

/**
 * Any free-form value a caller might pass: mostly JSON, often with an accepted JS quirk, sometimes
 * with a value the contract rejects. What every free-form argument of the contract must survive.
 */
export function anyValue(options: JsonArbitraryOptions & { hostileWeight?: number } = {}): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(...VALUE_EDGE_IDS.filter((id) => id !== 'many-keys' && id !== 'long-string').map((id) => VALUE_EDGES[id].arbitrary as fc.Arbitrary<unknown>));
  return fc.oneof(
    { arbitrary: jsonValue(options), weight: 10 },
    { arbitrary: fc.constantFrom(...VALUE_EDGE_IDS.filter((id) => id !== 'many-keys' && id !== 'long-string')).chain(embeddedEdge), weight: options.hostileWeight ?? 4 },
    { arbitrary: hostile, weight: 1 },
  );
}

/** A context: usually an object (the core requires one), sometimes not, sometimes hostile inside. */
export function anyContext(options: JsonArbitraryOptions = {}): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: jsonObject(options), weight: 8 },
    { arbitrary: fc.constantFrom(...VALUE_EDGE_IDS.filter((id) => id !== 'many-keys' && id !== 'long-string')).chain(embeddedEdge), weight: 5 },
    { arbitrary: anyValue({ maxDepth: 2 }), weight: 1 },
    { arbitrary: fc.constantFrom(null, undefined, 0, 'context', [] as unknown[]), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------
// Realistic contexts (payloads.ts) as arbitraries
// ---------------------------------------------------------------------------------------------

/** `contextOfSize(bytes, seed)` for a random seed. */
export function contextArbitrary(bytes: number): fc.Arbitrary<JsonObject> {
  return fc.integer({ min: 0, max: 0x7fff_ffff }).map((seed) => contextOfSize(bytes, seed));
}

/** A realistic context of any size up to `maxBytes` (default 10 KB). */
export function realisticContext(maxBytes = 10_240): fc.Arbitrary<JsonObject> {
  return fc.tuple(fc.integer({ min: 20, max: maxBytes }), fc.integer({ min: 0, max: 0x7fff_ffff })).map(([bytes, seed]) => contextOfSize(bytes, seed));
}

