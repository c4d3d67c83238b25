/**
 * The one place that decides what a free-form JSON argument (a task context, a step result, log
 * fields, a cursor, …) and what a string argument (an id, a log message, a request field) may
 * contain before it crosses either bridge.
 *
 * JavaScript values and JSON disagree at the edges (`undefined`, `NaN`, `-0`, `BigInt`, lone
 * surrogates, …), and the two bridges convert those edges differently (`JSON.stringify` and
 * serde_json's parser on the koffi side; napi-rs' `serde_json::Value` conversion on the other).
 * Where they would disagree the contract defines ONE behaviour, and that behaviour lives in a
 * `JsonPolicy`: both adapters run every free-form field through `applyJsonPolicy` and every string
 * through `applyStringPolicy`, and nothing else, so changing the policy changes both bridges at
 * once.
 *
 * Every backend applies `contractJsonPolicy` (validate.ts); docs/conversion-policy.md is its table,
 * one row per edge, each row tested on both backends (parity-tests/parity/conversion-policy.test.ts).
 * The parity harness keeps a "minimal" policy of its own (parity-tests/runner/minimal-policy.ts) to
 * show what the bridges do without the contract's rules.
 */
import type { JsonValue } from './contract.js';
import { boundedMessage, TaskerError } from './errors.js';

/**
 * How a string crosses the legacy bridge:
 * - `argument`: as its own NUL-terminated C string (ids, log messages);
 * - `field`: inside the JSON text of a structured argument (request fields, config values).
 * napi-rs converts both kinds the same way.
 */
export type StringKind = 'argument' | 'field';

export interface JsonPolicy {
  /** Short name, for reports and error messages. */
  readonly name: string;
  /**
   * Returns the value to send for the free-form argument `argument` (e.g. `request.context`), or
   * throws a `TaskerError` (`INVALID_REQUEST`). May return `value` itself when nothing changes.
   */
  normalize(value: unknown, argument: string): JsonValue;
  /**
   * Returns the string to send for the string argument `argument` (already known to be a
   * string), or throws a `TaskerError` (`INVALID_REQUEST`). `kind` says how it crosses the legacy
   * bridge (default `field`).
   */
  normalizeString(value: string, argument: string, kind?: StringKind): string;
}

/**
 * Deepest nesting of arrays and objects a free-form value may have. serde_json's parser (koffi)
 * stops at 128 levels counted from the top of the argument's JSON text, and napi-rs' conversion
 * of a `serde_json::Value` back to JS fails at about the same depth counted from the top of the
 * *result* (which wraps a context in up to three more levels, e.g. `data.tasks[i].context`).
 * 100 keeps every argument and every result that echoes it below both limits.
 */
export const MAX_JSON_DEPTH = 100;

/** Names a JS value's type the way error messages do: `null`, `array`, `number`, `bigint`, … */
export function describeJsType(value: unknown): string {
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) return 'array';
  } catch {
    // A revoked Proxy cannot say whether it is an array.
  }
  return typeof value;
}

function invalid(detail: string): TaskerError {
  return new TaskerError('INVALID_REQUEST', boundedMessage(`Invalid argument: ${detail}`));
}

/** `error instanceof TaskerError`, false where asking throws (a thrown revoked Proxy). */
export function isTaskerErrorValue(error: unknown): error is TaskerError {
  try {
    return error instanceof TaskerError;
  } catch {
    return false;
  }
}

/**
 * Text for what a getter or proxy of the caller's value threw, at most `max` characters; never
 * throws (a revoked Proxy, an object whose `toString` throws, …).
 */
export function describeThrown(error: unknown, max = 200): string {
  let text: string;
  try {
    const message: unknown = error instanceof Error ? error.message : error;
    text = typeof message === 'string' ? message : String(message);
  } catch {
    text = 'a value that cannot be described';
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function reject(argument: string, detail: string): TaskerError {
  return invalid(`${argument} ${detail}`);
}

// ---------------------------------------------------------------------------------------------
// contract: the policy of every backend (docs/conversion-policy.md)
// ---------------------------------------------------------------------------------------------

/** A lone surrogate: in a `u` regex a well-formed pair is one code point, so only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Index of the first lone surrogate of `text`, or -1. */
export function loneSurrogateIndex(text: string): number {
  const wellFormed = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (wellFormed !== undefined && wellFormed.call(text)) return -1;
  const match = LONE_SURROGATE.exec(text);
  return match === null ? -1 : match.index;
}

function codeUnit(text: string, index: number): string {
  return `U+${text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `a.b`, `a["odd key"]`, `a[3]`: the path of an error message. */
function pathOf(argument: string, keys: readonly (string | number)[]): string {
  let path = argument;
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    // A long key is shown by its start: the message stays bounded whatever the keys.
    else if (key.length > MAX_KEY_SHOWN) path += `[${JSON.stringify(key.slice(0, MAX_KEY_SHOWN))}…]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}

/** Characters of a key an error path shows. */
const MAX_KEY_SHOWN = 64;

/** What an object that is not JSON is, for the error message: `Map`, `Uint8Array`, `a Foo instance`, … */
function describeObject(object: object, prototype: object | null): string {
  const constructor: unknown = prototype === null ? undefined : (prototype as { constructor?: unknown }).constructor;
  const name = typeof constructor === 'function' ? constructor.name : '';
  if (name === '' || name === 'Object') return 'an object with a custom prototype';
  // Built-ins (Map, Buffer, String, …) by their name; instances of user classes as such.
  const tag = Object.prototype.toString.call(object).slice(8, -1);
  return tag === 'Object' ? `a ${name} instance` : name;
}

/** A plain object: its prototype is `Object.prototype` (of any realm) or `null`. */
function isPlainPrototype(prototype: object | null): boolean {
  if (prototype === null || prototype === Object.prototype) return true;
  // Another realm's Object.prototype (vm contexts): itself without a prototype, named Object.
  return Object.getPrototypeOf(prototype) === null && (prototype as { constructor?: { name?: unknown } }).constructor?.name === 'Object';
}

function isDate(value: object): value is Date {
  return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]';
}

/**
 * The contract's conversion policy. Free-form values must be JSON, and the edges where the two
 * bridges would differ get one rule each:
 *
 * | input | rule |
 * |---|---|
 * | `NaN`, `±Infinity` | reject (napi throws, `JSON.stringify` writes `null`) |
 * | `undefined` or a hole in an array | reject (napi throws, `JSON.stringify` writes `null`) |
 * | `undefined` object member | dropped, as both bridges do |
 * | `-0` | sent as `0`, as both bridges do (JSON has no -0) |
 * | `BigInt`, function, symbol, cycle | reject |
 * | `Date` | its ISO string (`toISOString`, what `JSON.stringify` sends; napi would send `{}`); an invalid Date is rejected |
 * | any other non-plain object (Map, Set, typed array, Buffer, boxed primitive, class instance, custom prototype) | reject |
 * | the key `__proto__` | reject (napi's result objects would turn it into a prototype) |
 * | lone surrogate in a string or key | reject (napi replaces it with U+FFFD, serde_json rejects it) |
 * | nesting deeper than `MAX_JSON_DEPTH` | reject (serde_json and napi-rs stop at different depths) |
 * | NUL in a string argument (`argument` kind) | reject (a C string ends at it; napi keeps it) |
 *
 * Values are read once, in one traversal, into a plain snapshot (fresh arrays and objects): getters,
 * proxies and `toJSON` members are read exactly once, and only the snapshot is sent.
 */
export const contractJsonPolicy: JsonPolicy = {
  name: 'contract',
  normalize(value: unknown, argument: string): JsonValue {
    if (value === undefined) throw reject(argument, 'is required (use null for "no value")');
    const keys: (string | number)[] = [];
    const ancestors = new Set<object>();
    const here = (): string => pathOf(argument, keys);

    const visit = (node: unknown, depth: number): unknown => {
      switch (typeof node) {
        case 'string': {
          const at = loneSurrogateIndex(node);
          if (at >= 0) {
            throw reject(here(), `contains a lone surrogate (${codeUnit(node, at)} at index ${at}); strings must be well-formed Unicode`);
          }
          return node;
        }
        case 'number':
          if (!Number.isFinite(node)) throw reject(here(), `is not JSON: got ${String(node)} (only finite numbers)`);
          return node;
        case 'boolean':
          return node;
        case 'undefined':
          // Only reached for array items (object members that are undefined are skipped below).
          throw reject(here(), 'is undefined; a JSON array cannot hold undefined (use null)');
        case 'bigint':
          throw reject(here(), 'is not JSON: got bigint');
        case 'function':
        case 'symbol':
          throw reject(here(), `is not JSON: got ${typeof node}`);
        default:
          break;
      }
      if (node === null) return null;
      const object = node as object;
      if (isDate(object)) {
        const time = object.getTime();
        if (Number.isNaN(time)) throw reject(here(), 'is an invalid Date');
        return object.toISOString();
      }
      if (depth >= MAX_JSON_DEPTH) {
        const at = here();
        const shown = at.length > 80 ? `${at.slice(0, 80)}…` : at;
        throw reject(argument, `nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (at ${shown})`);
      }
      if (ancestors.has(object)) throw reject(here(), 'is not JSON: it contains a cycle');
      ancestors.add(object);
      let copy: unknown[] | Record<string, unknown>;
      if (Array.isArray(object)) {
        const array = object as unknown[];
        const items: unknown[] = [];
        for (let index = 0; index < array.length; index += 1) {
          keys.push(index);
          if (!(index in array)) throw reject(here(), 'is a hole in a sparse array; a JSON array cannot hold one (use null)');
          items.push(visit(array[index], depth + 1));
          keys.pop();
        }
        copy = items;
      } else {
        const prototype = Object.getPrototypeOf(object) as object | null;
        if (!isPlainPrototype(prototype)) {
          throw reject(here(), `is not JSON: got ${describeObject(object, prototype)} (only plain objects and arrays)`);
        }
        const record = object as Record<string, unknown>;
        const members: Record<string, unknown> = {};
        for (const key of Object.keys(record)) {
          if (key === '__proto__') {
            throw reject(here(), 'has the key "__proto__", which a JavaScript object cannot carry as data');
          }
          const at = loneSurrogateIndex(key);
          if (at >= 0) {
            throw reject(here(), `has a key with a lone surrogate (${codeUnit(key, at)} at index ${at}); keys must be well-formed Unicode`);
          }
          keys.push(key);
          // Read once: a getter or proxy is never asked twice, so what was checked is what is sent.
          const item = record[key];
          // An undefined member is left out, as both bridges do.
          if (item !== undefined) members[key] = visit(item, depth + 1);
          keys.pop();
        }
        copy = members;
      }
      ancestors.delete(object);
      return copy;
    };

    try {
      return visit(value, 0) as JsonValue;
    } catch (error) {
      if (isTaskerErrorValue(error)) throw error;
      // A getter or proxy that throws while being read: the caller's value cannot be converted.
      throw reject(here(), `could not be read: ${describeThrown(error)}`);
    }
  },
  normalizeString(value: string, argument: string, kind: StringKind = 'field'): string {
    const at = loneSurrogateIndex(value);
    if (at >= 0) {
      throw reject(argument, `contains a lone surrogate (${codeUnit(value, at)} at index ${at}); strings must be well-formed Unicode`);
    }
    if (kind === 'argument') {
      const nul = value.indexOf('\0');
      if (nul >= 0) throw reject(argument, `contains a NUL character (U+0000) at index ${nul}; a C string cannot carry it`);
    }
    return value;
  },
};
