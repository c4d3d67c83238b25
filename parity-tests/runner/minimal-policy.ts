/**
 * The harness's first JSON policy, kept as the "no contract rules" baseline: it rejects values
 * without a JSON form (BigInt, functions, symbols, cycles, a missing required value) and passes
 * everything else through as it is, so each bridge converts the edges its own way. The divergence
 * hunt builds backends with it (`new WireBackend(transport, { policy: minimalJsonPolicy })`) to show
 * what the contract's policy resolves.
 */
import type { JsonValue } from '../../src/contract.js';
import { TaskerError } from '../../src/errors.js';
import { describeJsType, type JsonPolicy } from '../../src/json-policy.js';

function reject(argument: string, detail: string): TaskerError {
  return new TaskerError('INVALID_REQUEST', `Invalid argument: ${argument} ${detail}`);
}

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
