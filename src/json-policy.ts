/**
 * The one place that decides what a free-form JSON argument (a task context, a step result, log
 * fields, a cursor, …) and what a plain string argument (an id, a log message, a request field) may
 * contain before it crosses either bridge.
 *
 * JavaScript values and JSON disagree at the edges (`undefined`, `NaN`, `-0`, `BigInt`, lone
 * surrogates, …), and the two bridges convert those edges differently (`JSON.stringify` on the
 * koffi side, napi-rs' `serde_json::Value` conversion on the other). Where they would disagree the
 * contract defines ONE behaviour, and that behaviour lives in a `JsonPolicy`: both adapters run
 * every free-form field through `applyJsonPolicy` and nothing else, so changing the policy changes
 * both bridges at once.
 *
 * The policy installed today is deliberately minimal: it rejects what has no JSON form at all
 * (BigInt, functions, symbols, cycles, a missing required value) and passes everything else through
 * untouched, by reference. A stricter conversion policy (NaN/Infinity, -0, integers past 2^53,
 * `undefined` members, lone surrogates, embedded NUL — a C string ends at the first NUL, a JS
 * string does not) is a later, separate decision: it replaces `minimalJsonPolicy` here and both
 * adapters follow.
 */
import type { JsonValue } from './contract.js';
import { TaskerError } from './errors.js';

export interface JsonPolicy {
  /** Short name, for reports and error messages. */
  readonly name: string;
  /**
   * Returns the value to send for the free-form argument `argument` (e.g. `request.context`), or
   * throws a `TaskerError` (`INVALID_REQUEST`). May return `value` itself when nothing changes.
   */
  normalize(value: unknown, argument: string): JsonValue;
  /**
   * Returns the string to send for the plain string argument `argument` (already known to be a
   * string), or throws a `TaskerError` (`INVALID_REQUEST`).
   */
  normalizeString(value: string, argument: string): string;
}

/** Names a JS value's type the way error messages do: `null`, `array`, `number`, `bigint`, … */
export function describeJsType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function reject(argument: string, detail: string): TaskerError {
  return new TaskerError('INVALID_REQUEST', `Invalid argument: ${argument} ${detail}`);
}

/**
 * Rejects values without a JSON form; everything else is passed through as it is (no copy, no
 * key conversion). Walks the value once, so the cost is that of one traversal.
 */
export const minimalJsonPolicy: JsonPolicy = {
  name: 'minimal',
  normalize(value: unknown, argument: string): JsonValue {
    if (value === undefined) throw reject(argument, 'is required (use null for "no value")');
    const ancestors = new Set<object>();
    const visit = (node: unknown, path: string): void => {
      switch (typeof node) {
        case 'string':
        case 'number':
        case 'boolean':
        case 'undefined':
          return;
        case 'bigint':
        case 'function':
        case 'symbol':
          throw reject(path, `is not JSON: got ${describeJsType(node)}`);
        default:
          break;
      }
      if (node === null) return;
      const object = node as object;
      if (ancestors.has(object)) throw reject(path, 'is not JSON: it contains a cycle');
      ancestors.add(object);
      if (Array.isArray(object)) {
        object.forEach((item, index) => visit(item, `${path}[${index}]`));
      } else {
        for (const [key, item] of Object.entries(object)) visit(item, `${path}.${key}`);
      }
      ancestors.delete(object);
    };
    visit(value, argument);
    return value as JsonValue;
  },
  normalizeString(value: string): string {
    return value;
  },
};

let activePolicy: JsonPolicy = minimalJsonPolicy;

/** The policy both adapters apply to every free-form JSON argument. */
export function getJsonPolicy(): JsonPolicy {
  return activePolicy;
}

/** Installs `policy` for both adapters (process-wide); returns the previous one. */
export function setJsonPolicy(policy: JsonPolicy): JsonPolicy {
  const previous = activePolicy;
  activePolicy = policy;
  return previous;
}

export function applyJsonPolicy(value: unknown, argument: string): JsonValue {
  return activePolicy.normalize(value, argument);
}

export function applyStringPolicy(value: string, argument: string): string {
  return activePolicy.normalizeString(value, argument);
}
