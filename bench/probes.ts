/**
 * The benchmark probes of the harness build (`bench-probes` feature, target/harness): the empty
 * call of each bridge (the floors) and the napi transfer probes. The product binaries carry none
 * of them; the harness build is the same code and profile with these exports added.
 */
import { createRequire } from 'node:module';

import { openLegacyLibrary } from '../src/backends/legacy-library.js';
import { buildHarness, harnessLibrary } from '../scripts/lib/harness-build.js';

/** The napi transfer probes (napi-ffi/src/bench.rs). */
export interface TransferProbes {
  benchTransferSet(json: string): void;
  benchTransferInValue(value: unknown): number;
  benchTransferInString(json: string): number;
  benchTransferInBuffer(json: Buffer): number;
  benchTransferOutValue(): unknown;
  benchTransferOutString(): string;
  benchTransferOutBuffer(): Buffer;
  /** Objects built with raw N-API, every property key a JS string created once per env and reused. */
  benchTransferOutCachedKeys(): unknown;
}

export interface BenchProbes {
  /** The empty napi call (`noop`). */
  napiNoop: () => void;
  /** The empty koffi call (`legacy_noop`). */
  koffiNoop: () => number;
  transfer: TransferProbes;
}

/** Builds the harness build if needed and loads its probes. */
export function loadBenchProbes(): BenchProbes {
  buildHarness();
  const addon = createRequire(import.meta.url)(harnessLibrary('napi')) as TransferProbes & { noop: () => void };
  const legacy = openLegacyLibrary(harnessLibrary('koffi'));
  return { napiNoop: () => addon.noop(), koffiNoop: legacy.func<() => number>('int legacy_noop(void)'), transfer: addon };
}
