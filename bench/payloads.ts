/**
 * The benchmarks' payloads: realistic nested task contexts of a given size, from the parity
 * suite's arbitraries (`parity-tests/arbitraries/payloads.ts`, the one module tests and benchmarks
 * share), so both measure the same kind of data. `contextOfSize(bytes, seed)` is deterministic:
 * every run and both backends get the very same values.
 */
import type { JsonValue } from '../src/contract.js';
import { contextOfSize, PAYLOAD_SIZES as SIZES_BY_LABEL } from '../parity-tests/arbitraries/payloads.js';

export { contextOfSize };

export type PayloadLabel = keyof typeof SIZES_BY_LABEL;
export interface PayloadSize {
  label: PayloadLabel;
  /** UTF-8 bytes of the payload's JSON text. */
  bytes: number;
}

/** The payload sizes of the benchmarks, smallest first. */
export const PAYLOAD_SIZES: readonly PayloadSize[] = (Object.entries(SIZES_BY_LABEL) as [PayloadLabel, number][])
  .map(([label, bytes]) => ({ label, bytes }))
  .sort((a, b) => a.bytes - b.bytes);

/** UTF-8 bytes of `value` as JSON text. */
export function jsonBytes(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** The seed of every benchmark payload. */
export const PAYLOAD_SEED = 42;
