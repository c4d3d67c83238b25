/**
 * Hostile-input plans (parity-tests/reliability/hostile.test.ts): a valid call of one operation,
 * and ONE hostile thing to inject at a path of its arguments. A plan is plain JSON data (so
 * fast-check prints, shrinks and replays it, and it crosses to the executor child as text); the
 * getters, proxies and huge strings it describes are built fresh for every call, on each backend.
 */
import fc from 'fast-check';

import type { JsonObject, JsonValue } from '../../src/contract.js';
import { jsonObject, jsonValue } from './values.js';
import { acceptableString } from './strings.js';

/** The operations whose arguments get a hostile value (each log level shares `log`). */
export const HOSTILE_OPERATIONS = [
  'clientCreateTask',
  'completeStepEvent',
  'checkpointYieldStepEvent',
  'clientListTasks',
  'bootstrapWorker',
  'log',
  'clientGetTask',
  'clientGetStep',
  'clientListTaskSteps',
  'clientGetStepAuditHistory',
  'clientCancelTask',
] as const;
export type HostileOperation = (typeof HOSTILE_OPERATIONS)[number];

/** What a throwing getter or trap throws. */
export const THROWN_VALUES = ['error', 'longError', 'string', 'revokedProxy', 'throwingToString', 'undefined'] as const;
export type ThrownValue = (typeof THROWN_VALUES)[number];

/** The traps of an injected Proxy; `throwIn` names the one that throws (or none). */
export const PROXY_TRAPS = ['none', 'get', 'ownKeys', 'getOwnPropertyDescriptor', 'has', 'getPrototypeOf'] as const;
export type ProxyTrap = (typeof PROXY_TRAPS)[number];

export type HostileThing =
  /** A getter returning the original value on the first read and `flip` on every later one. */
  | { readonly kind: 'flipGetter'; readonly flip: JsonValue }
  | { readonly kind: 'throwingGetter'; readonly thrown: ThrownValue }
  /** The object or array at the path behind a Proxy that counts reads (and may throw in one trap). */
  | { readonly kind: 'proxy'; readonly throwIn: ProxyTrap; readonly thrown: ThrownValue }
  | { readonly kind: 'revokedProxy' }
  /** An own `toJSON` member that throws (enumerable or not). */
  | { readonly kind: 'throwingToJSON'; readonly enumerable: boolean }
  /** An own `__proto__` key, made by `JSON.parse` or `Object.defineProperty`. */
  | { readonly kind: 'protoKey'; readonly via: 'JSON.parse' | 'defineProperty'; readonly payload: JsonValue }
  /** A hole: an array at the path loses an item, anything else is replaced by `[<hole>, value]`. */
  | { readonly kind: 'hole'; readonly at: number }
  | { readonly kind: 'hugeString'; readonly megabytes: number; readonly unit: 'x' | 'é' | '😀' }
  /** A lone surrogate in a string at the path (or, `inKey`, in a key of the object at the path). */
  | { readonly kind: 'loneSurrogate'; readonly surrogate: '\uD800' | '\uDFFF'; readonly at: number; readonly inKey: boolean }
  /** NUL inside a string argument (an id, a log message). */
  | { readonly kind: 'nul'; readonly at: number };
export type HostileKind = HostileThing['kind'];

/** The valid call, as data (ids are the fixture's, resolved by the executor). */
export interface HostileBase {
  /** Free-form JSON of the call (context, result, cursor, log fields, …). */
  readonly json: JsonObject;
  readonly extra: JsonValue;
  readonly text: string;
  readonly flag: boolean;
  readonly count: number;
}

export interface HostilePlan {
  readonly op: HostileOperation;
  readonly base: HostileBase;
  /** Picks the path among the candidates of `thing.kind` (modulo their number). */
  readonly pick: number;
  readonly thing: HostileThing;
}

const thrown = fc.constantFrom(...THROWN_VALUES);

/** Every hostile kind; `nul` only where the operation takes a string argument. */
export function hostileThing(op: HostileOperation): fc.Arbitrary<HostileThing> {
  const hasStringArgument = !['clientCreateTask', 'clientListTasks', 'bootstrapWorker'].includes(op);
  const things: fc.Arbitrary<HostileThing>[] = [
    fc.record({ kind: fc.constant('flipGetter' as const), flip: fc.oneof(fc.constantFrom<JsonValue>(42, 'flipped', null, true), jsonValue({ maxDepth: 1, maxKeys: 2 })) }),
    fc.record({ kind: fc.constant('throwingGetter' as const), thrown }),
    fc.record({ kind: fc.constant('proxy' as const), throwIn: fc.constantFrom(...PROXY_TRAPS), thrown }),
    fc.constant({ kind: 'revokedProxy' as const }),
    fc.record({ kind: fc.constant('throwingToJSON' as const), enumerable: fc.boolean() }),
    fc.record({
      kind: fc.constant('protoKey' as const),
      via: fc.constantFrom('JSON.parse' as const, 'defineProperty' as const),
      payload: fc.constantFrom<JsonValue>({ polluted: true }, null, 1, [], 'x'),
    }),
    fc.record({ kind: fc.constant('hole' as const), at: fc.nat(8) }),
    fc.record({ kind: fc.constant('hugeString' as const), megabytes: fc.integer({ min: 1, max: 5 }), unit: fc.constantFrom('x' as const, 'é' as const, '😀' as const) }),
    fc.record({ kind: fc.constant('loneSurrogate' as const), surrogate: fc.constantFrom('\uD800' as const, '\uDFFF' as const), at: fc.nat(40), inKey: fc.boolean() }),
  ];
  if (hasStringArgument) things.push(fc.record({ kind: fc.constant('nul' as const), at: fc.nat(40) }));
  return fc.oneof(...things);
}

/** A plan for `op`: a small valid call and one hostile thing somewhere in it. */
export function hostilePlan(op: HostileOperation): fc.Arbitrary<HostilePlan> {
  return fc.record({
    op: fc.constant(op),
    base: fc.record({
      // Nested, so that "any depth" has depth: one object and one array always exist below the top.
      json: fc.tuple(jsonObject({ maxDepth: 3, maxKeys: 3 }), jsonValue({ maxDepth: 2, maxKeys: 3 })).map(
        ([object, value]): JsonObject => ({ ...object, nested: { list: [value, 'text'] } }),
      ),
      extra: jsonValue({ maxDepth: 2, maxKeys: 3 }),
      text: acceptableString(16).filter((s) => s.length > 0),
      flag: fc.boolean(),
      count: fc.integer({ min: 0, max: 1000 }),
    }),
    pick: fc.nat(1000),
    thing: hostileThing(op),
  });
}

/** Step names a template may have that JavaScript objects treat specially. */
export const TRICKY_STEP_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then'] as const;

/** A template of our own: steps (at least one with a tricky name) and, per step, the earlier steps it depends on. */
export interface TemplateNamesPlan {
  readonly names: readonly string[];
  /** `dependencies[i]`: indexes (< i) of the steps step i depends on. */
  readonly dependencies: readonly (readonly number[])[];
  /** Whether the steps' `handler.initialization` carries a `__proto__` key. */
  readonly protoInInitialization: boolean;
}

export const templateNamesPlan: fc.Arbitrary<TemplateNamesPlan> = fc
  .tuple(
    fc.shuffledSubarray([...TRICKY_STEP_NAMES], { minLength: 1, maxLength: 5 }),
    fc.shuffledSubarray(['alpha', 'beta', 'gamma'], { maxLength: 2 }),
    fc.array(fc.array(fc.nat(10), { maxLength: 3 }), { minLength: 8, maxLength: 8 }),
    fc.boolean(),
  )
  .chain(([tricky, plain, rawDependencies, protoInInitialization]) =>
    fc.shuffledSubarray([...tricky, ...plain], { minLength: tricky.length + plain.length }).map((names) => ({
      names,
      dependencies: names.map((_, i) => (i === 0 ? [] : [...new Set((rawDependencies[i] ?? []).map((d) => d % i))].sort((a, b) => a - b))),
      protoInInitialization,
    })),
  );
