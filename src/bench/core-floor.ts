/**
 * The "core" floor: the core's own time for an operation, measured inside Rust by the
 * benchmark-only export of each build (`benchCore` in the napi addon, `legacy_bench_core` in the
 * C library; both run `tasker_core::bench::time_operation`). Both builds compile the same core,
 * so the two numbers should agree; each is reported next to its own bridge.
 */
import { createRequire } from 'node:module';

import koffi from 'koffi';

import type { BackendName, JsonValue } from '../contract.js';

/** What `time_operation` measured, in nanoseconds per call (camelCase on both builds). */
export interface CoreTiming {
  op: string;
  iterations: number;
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  minNs: number;
  maxNs: number;
  timerOverheadNs: number;
}

export type CoreTimer = (op: string, payload: JsonValue | null, iterations: number) => CoreTiming;

interface LegacyTiming {
  op: string;
  iterations: number;
  median_ns: number;
  p99_ns: number;
  mean_ns: number;
  min_ns: number;
  max_ns: number;
  timer_overhead_ns: number;
}

/** `benchCore` of the napi addon at `file` (the loader or `.node` the backend loaded). */
export function napiCoreTimer(file: string): CoreTimer {
  const addon = createRequire(import.meta.url)(file) as {
    benchCore?: (op: string, payload: unknown, iterations: number) => CoreTiming;
  };
  const benchCore = addon.benchCore;
  if (typeof benchCore !== 'function') {
    throw new Error(`${file} has no benchCore export: rebuild the addon (npm run build)`);
  }
  return (op, payload, iterations) => benchCore(op, payload, iterations);
}

let legacyTypes = 0;

/** `legacy_bench_core` of the C library at `file`. */
export function legacyCoreTimer(file: string): CoreTimer {
  const lib = koffi.load(file);
  const free = lib.func('void free_rust_string(void *s)');
  const type = `BenchCoreString_${++legacyTypes}`;
  koffi.disposable(type, 'char *', (pointer: unknown) => free(pointer));
  let benchCore: (op: string, payloadJson: string | null, iterations: number) => string | null;
  try {
    benchCore = lib.func(`${type} legacy_bench_core(const char *op, const char *payload_json, uint32_t iterations)`);
  } catch (error) {
    throw new Error(`${file} has no legacy_bench_core: rebuild it (npm run build): ${String(error)}`);
  }
  return (op, payload, iterations) => {
    const text = benchCore(op, payload === null ? null : JSON.stringify(payload), iterations);
    if (text === null) throw new Error('legacy_bench_core returned NULL');
    const envelope = JSON.parse(text) as { success: true; data: LegacyTiming } | { success: false; error: string };
    if (!envelope.success) throw new Error(envelope.error);
    const d = envelope.data;
    return {
      op: d.op,
      iterations: d.iterations,
      medianNs: d.median_ns,
      p99Ns: d.p99_ns,
      meanNs: d.mean_ns,
      minNs: d.min_ns,
      maxNs: d.max_ns,
      timerOverheadNs: d.timer_overhead_ns,
    };
  };
}

/**
 * Times `op` with about `budgetMs` of core work: a short probe estimates the cost of one call,
 * then `iterations` is chosen to fit the budget (at least `minIterations`).
 */
export function timeCore(
  timer: CoreTimer,
  op: string,
  payload: JsonValue | null,
  budgetMs: number,
  minIterations = 5,
  maxIterations = 20_000,
): CoreTiming {
  const probe = timer(op, payload, 3);
  const perCallMs = Math.max(probe.meanNs, 1) / 1e6;
  const iterations = Math.max(minIterations, Math.min(maxIterations, Math.floor(budgetMs / perCallMs)));
  return timer(op, payload, iterations);
}

export type CoreTimers = Partial<Record<BackendName, CoreTimer>>;
