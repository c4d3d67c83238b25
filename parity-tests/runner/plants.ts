/**
 * Planted divergences: deliberately wrong wrappers around one backend, to prove the parity suite
 * can fail. Each is a bug a hand-written bridge could plausibly have. Switched on for a whole run
 * with `npm run parity -- --plant <name>` (or `TASKER_PARITY_PLANT=<name>`); the suite must then
 * exit non-zero and print a replayable counterexample. `parity-tests/parity/planted.test.ts` checks
 * each one on every `npm test`.
 *
 * The plant goes on the napi side (the bridge being rolled out); koffi stays the reference. Two
 * levels: `contract` plants wrap the napi backend's results (a wrong output mapping); `wire` plants
 * wrap its transport (a wrong input mapping, or an answer re-encoded on the way), which only the
 * engine's behaviour or the byte-for-byte wire check can reveal.
 */
import type { OperationName, TaskerFfi } from '../../src/contract.js';
import type { Transport } from '../../src/backends/transport.js';
import { TaskerError } from '../../src/errors.js';

export const PLANTS = {
  'drop-key': 'napi: task contexts lose their members whose value is null (a converter that skips null like undefined)',
  'round-number': 'napi: numbers inside task contexts pass through float32 (Math.fround), as a converter using f32 would',
  'swap-code': 'napi: errors with code INVALID_REQUEST come out as NOT_FOUND, and NOT_FOUND as INVALID_REQUEST',
  'retryable-default': 'napi: a completion is sent with metadata.retryable false (the koffi-era default) instead of the contract\'s true, so failures are never retried',
  'reencode-answer': 'napi: every JSON answer is parsed and re-serialised before it is read (the same values, other bytes: key order, number forms)',
} as const;
export type PlantName = keyof typeof PLANTS;
export const PLANT_NAMES = Object.keys(PLANTS) as PlantName[];

/** Where each plant sits. */
export const PLANT_LEVEL: Record<PlantName, 'contract' | 'wire'> = {
  'drop-key': 'contract',
  'round-number': 'contract',
  'swap-code': 'contract',
  'retryable-default': 'wire',
  'reencode-answer': 'wire',
};

/** Re-serialises JSON text with sorted keys (values unchanged). */
function reencode(text: string): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
  };
  try {
    return JSON.stringify(sorted(JSON.parse(text)));
  } catch {
    return text;
  }
}

/** `transport` with the wire plant `name` (a `contract` plant leaves it as it is). */
export function plantTransport(transport: Transport, name: PlantName): Transport {
  if (PLANT_LEVEL[name] !== 'wire') return transport;
  const args = (operation: OperationName, given: readonly (string | null)[]): readonly (string | null)[] => {
    if (name !== 'retryable-default' || operation !== 'completeStepEvent' || given[1] === null || given[1] === undefined) return given;
    const result = JSON.parse(given[1]) as { metadata?: Record<string, unknown> };
    if (result.metadata !== undefined) result.metadata.retryable = false;
    return [given[0] ?? null, JSON.stringify(result)];
  };
  return {
    backend: transport.backend,
    libraryPath: transport.libraryPath,
    text(operation, given) {
      const answer = transport.text(operation, args(operation, given));
      return name === 'reencode-answer' && answer !== null ? reencode(answer) : answer;
    },
    int: (operation, given) => transport.int(operation, args(operation, given)),
    lastError: () => transport.lastError(),
  };
}

export function isPlantName(value: unknown): value is PlantName {
  return typeof value === 'string' && (PLANT_NAMES as string[]).includes(value);
}

type Transform = (value: unknown) => unknown;

/** Applies `transform` to every value found under a `context` key (TaskResponse, TaskInfo, lists, events). */
function mapContexts(value: unknown, transform: Transform): unknown {
  if (Array.isArray(value)) return value.map((item) => mapContexts(item, transform));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === 'context' ? transform(item) : mapContexts(item, transform);
  }
  return out;
}

function dropNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullMembers);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = dropNullMembers(item);
  return out;
}

function float32Numbers(value: unknown): unknown {
  if (typeof value === 'number') return Math.fround(value);
  if (Array.isArray(value)) return value.map(float32Numbers);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = float32Numbers(item);
  return out;
}

function swapCode(error: unknown): unknown {
  if (!(error instanceof TaskerError)) return error;
  const swapped = error.code === 'INVALID_REQUEST' ? 'NOT_FOUND' : error.code === 'NOT_FOUND' ? 'INVALID_REQUEST' : undefined;
  return swapped === undefined ? error : new TaskerError(swapped, error.message, { recoverable: error.recoverable });
}

/** `ffi` with the contract plant `name` (a `wire` plant leaves it as it is: see `plantTransport`). */
export function plant(ffi: TaskerFfi, name: PlantName): TaskerFfi {
  if (PLANT_LEVEL[name] !== 'contract') return ffi;
  const results: Transform =
    name === 'drop-key'
      ? (value) => mapContexts(value, dropNullMembers)
      : name === 'round-number'
        ? (value) => mapContexts(value, float32Numbers)
        : (value) => value;
  const errors: Transform = name === 'swap-code' ? swapCode : (error) => error;
  return new Proxy(ffi, {
    get(target, property, receiver) {
      const member: unknown = Reflect.get(target, property, receiver);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        let value: unknown;
        try {
          value = (member as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw errors(error);
        }
        return results(value);
      };
    },
  });
}
