/**
 * The soak workload: a long mixed run of the contract's hot operations on ONE backend, in the
 * current process, with memory sampled as it goes.
 *
 * One *cycle* is what a worker and a client do for one task:
 *   create (alternately the linear `ecommerce/order_processing` and the diamond `analytics/report`,
 *   4 steps each) -> poll/complete until the task is done (the diamond hands out two steps at once)
 *   -> one empty poll -> get the task -> list a page of tasks.
 * That is 12 contract calls per cycle. Every call counts, failed or not (none should fail).
 *
 * **Bounded engine state.** The engine keeps every task it ever created (it stands in for a server
 * and its database), so a run that only ever creates would grow by the tasks, not by the bridge.
 * Every `tasksPerEngine` tasks the workload calls `stopWorker()` + `bootstrapWorker()`: the core
 * drops the engine and all its state, and the next engine starts empty. The engine therefore never
 * holds more than `tasksPerEngine` tasks (default 100; each has 4 steps and their audit rows), so
 * after warm-up the live data is the same at every sample and what grows is the bridge.
 *
 * **Samples.** At about `samples` evenly spaced points (taken at the first engine restart after
 * each point, so every sample sees an empty engine), at the start and at the end (after the last
 * `stopWorker`), the workload runs `global.gc()` (the child runs with `--expose-gc`) and reads
 * `process.memoryUsage()` and, on koffi, `liveStrings()` (C strings handed out by the library and
 * not freed yet). Growth is computed from the samples after warm-up, the end sample excluded.
 *
 * **Deliberate leak.** With `leakEvery: n` (koffi only) every n-th cycle reads its task through a
 * second declaration of `client_get_task` whose return type is plain `const char *`: koffi copies
 * that string into JS and never calls `free_rust_string`, the mistake the adapter's disposable type
 * exists to prevent. The live-string check at the end must catch it.
 */
import type { BackendName, JsonValue, StepEvent, StepExecutionResult, TaskerFfi, TaskRequest } from '../../../src/contract.js';
import { KoffiBackend } from '../../../src/backends/koffi.js';
import { requireKoffi } from '../../../src/backends/legacy-library.js';
import { loadBackend } from '../../../src/select.js';
import { orderRequest, reportRequest, successResult } from '../../fixtures.js';
import { liveStringsOf } from './strings.js';

export interface WorkloadOptions {
  backend: BackendName;
  /** Contract calls to make (default 1 000 000). */
  calls?: number;
  /** The backend's binary (default: the product build). */
  libraryPath?: string;
  /** Memory samples after the start sample (default 50). */
  samples?: number;
  /** Fraction of the calls that is warm-up, excluded from the growth figures (default 0.3: the
   *  allocator settles, returning memory once, somewhere between 150k and 280k calls). */
  warmupFraction?: number;
  /** Tasks per engine before stop + bootstrap (default 100). */
  tasksPerEngine?: number;
  /** koffi only: leak one C string every `leakEvery` cycles (default 0: no leak). */
  leakEvery?: number;
  /** Called after each sample (progress output). */
  onSample?: (sample: MemorySample, options: { calls: number }) => void;
}

export interface MemorySample {
  /** Contract calls made when the sample was taken. */
  calls: number;
  elapsedMs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** koffi: C strings not freed yet; napi: null. */
  liveStrings: number | null;
}

export interface CallCounts {
  create: number;
  poll: number;
  emptyPoll: number;
  complete: number;
  get: number;
  list: number;
  stop: number;
  bootstrap: number;
}

export interface GrowthFigures {
  /** Samples after warm-up that the figures use. */
  samples: number;
  /** Calls between the first and the last of those samples. */
  callSpan: number;
  /** (mean of the last 3 samples - mean of the first 3) per million calls, bytes. */
  deltaPerMillion: number;
  /** Least-squares slope over all post-warm-up samples, bytes per million calls. */
  slopePerMillion: number;
}

export interface WorkloadResult {
  backend: BackendName;
  libraryPath: string;
  calls: number;
  cycles: number;
  tasksPerEngine: number;
  engineRestarts: number;
  counts: CallCounts;
  durationMs: number;
  callsPerSecond: number;
  warmupCalls: number;
  /** Whether `global.gc` was available (samples are only comparable with it). */
  gcExposed: boolean;
  /** Start sample, one after each due engine restart (empty engine), and the end sample (after `stopWorker`). */
  samples: MemorySample[];
  rss: GrowthFigures;
  heapUsed: GrowthFigures;
  external: GrowthFigures;
  /** koffi: C strings not freed after the run (must be 0); napi: null. */
  liveStringsEnd: number | null;
  /** koffi: the largest live-string count seen at a sample (a call frees its string before returning, so 0). */
  liveStringsMax: number | null;
  /** Cycles that used the deliberately leaking declaration. */
  leakedCalls: number;
  /** Anything unexpected: a task that did not complete, a complete that returned false, … */
  anomalies: string[];
}

const DEFAULT_CALLS = 1_000_000;

function requestFor(cycle: number): TaskRequest {
  const linear = cycle % 2 === 0;
  const origin = { initiator: 'soak', sourceSystem: 'tasker-ffi-soak', reason: 'soak workload', tags: ['soak'] };
  return linear
    ? orderRequest({ order_id: cycle, items: [{ sku: 'SOAK-1', price: 12.5, quantity: 2 }] }, origin)
    : reportRequest({ day: '2026-01-01', cycle }, origin);
}

function resultFor(event: StepEvent, cycle: number): StepExecutionResult {
  return successResult(event, { step: event.workflowStep.name, cycle, ok: true });
}

/** The deliberately leaking declaration: `client_get_task` returning plain `const char *`. */
function leakyGetTask(libraryPath: string): (taskUuid: string) => string | null {
  const lib = requireKoffi().load(libraryPath);
  return lib.func('const char * client_get_task(const char *task_uuid)') as (taskUuid: string) => string | null;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Growth of `field` over `samples` (already past warm-up), per million calls. */
export function growthOf(samples: MemorySample[], field: 'rss' | 'heapUsed' | 'external'): GrowthFigures {
  const n = samples.length;
  const first = samples[0];
  const last = samples[n - 1];
  if (n < 2 || first === undefined || last === undefined || last.calls === first.calls) {
    return { samples: n, callSpan: 0, deltaPerMillion: 0, slopePerMillion: 0 };
  }
  const window = Math.min(3, Math.floor(n / 2));
  const head = samples.slice(0, window);
  const tail = samples.slice(n - window);
  const headCalls = mean(head.map((s) => s.calls));
  const tailCalls = mean(tail.map((s) => s.calls));
  const delta = mean(tail.map((s) => s[field])) - mean(head.map((s) => s[field]));
  const xs = samples.map((s) => s.calls);
  const ys = samples.map((s) => s[field]);
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] as number) - mx;
    num += dx * ((ys[i] as number) - my);
    den += dx * dx;
  }
  return {
    samples: n,
    callSpan: last.calls - first.calls,
    deltaPerMillion: (delta / (tailCalls - headCalls)) * 1e6,
    slopePerMillion: den === 0 ? 0 : (num / den) * 1e6,
  };
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
}

/** Runs the workload on `options.backend` in this process; see the module comment. */
export function runWorkload(options: WorkloadOptions): WorkloadResult {
  const target = Math.max(1, Math.floor(options.calls ?? DEFAULT_CALLS));
  const sampleCount = Math.max(2, options.samples ?? 50);
  const tasksPerEngine = Math.max(1, options.tasksPerEngine ?? 100);
  const warmupCalls = Math.floor(target * (options.warmupFraction ?? 0.3));
  const leakEvery = options.leakEvery ?? 0;

  const ffi: TaskerFfi = loadBackend({ backend: options.backend, ...(options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath }) });
  const koffiBackend = ffi instanceof KoffiBackend ? ffi : undefined;
  if (leakEvery > 0 && koffiBackend === undefined) {
    throw new Error('soak: the deliberate leak (leakEvery) needs the koffi backend: napi has no C strings to leak');
  }
  const libraryPath = koffiBackend?.libraryPath ?? '';
  const leaky = leakEvery > 0 ? leakyGetTask(libraryPath) : undefined;

  const counts: CallCounts = { create: 0, poll: 0, emptyPoll: 0, complete: 0, get: 0, list: 0, stop: 0, bootstrap: 0 };
  const anomalies: string[] = [];
  const samples: MemorySample[] = [];
  const total = (): number =>
    counts.create + counts.poll + counts.complete + counts.get + counts.list + counts.stop + counts.bootstrap;
  const anomaly = (text: string): void => {
    if (anomalies.length < 20) anomalies.push(text);
  };

  const started = performance.now();
  const sample = (): void => {
    collect();
    const memory = process.memoryUsage();
    const s: MemorySample = {
      calls: total(),
      elapsedMs: Math.round(performance.now() - started),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      liveStrings: koffiBackend === undefined ? null : liveStringsOf(koffiBackend.libraryPath),
    };
    samples.push(s);
    options.onSample?.(s, { calls: target });
  };

  // A clean engine to start from (another run in this process may have left one).
  ffi.stopWorker();
  ffi.bootstrapWorker();
  counts.stop += 1;
  counts.bootstrap += 1;
  sample();

  const sampleEvery = target / sampleCount;
  let nextSample = sampleEvery;
  let cycle = 0;
  let tasksInEngine = 0;
  let restarts = 0;
  let leakedCalls = 0;

  while (total() < target) {
    if (tasksInEngine >= tasksPerEngine) {
      ffi.stopWorker();
      ffi.bootstrapWorker();
      counts.stop += 1;
      counts.bootstrap += 1;
      restarts += 1;
      tasksInEngine = 0;
      // Samples are taken right after a restart, when the engine is empty, so that every sample
      // sees the same engine state and the differences between them are the bridge's.
      if (total() >= nextSample) {
        sample();
        while (nextSample <= total()) nextSample += sampleEvery;
      }
    }
    const task = ffi.clientCreateTask(requestFor(cycle));
    counts.create += 1;
    tasksInEngine += 1;
    for (;;) {
      const event = ffi.pollStepEvents();
      counts.poll += 1;
      if (event === null) {
        counts.emptyPoll += 1;
        break;
      }
      if (!ffi.completeStepEvent(event.eventId, resultFor(event, cycle))) anomaly(`cycle ${cycle}: complete returned false`);
      counts.complete += 1;
    }
    if (leaky !== undefined && cycle % leakEvery === 0) {
      const text = leaky(task.task_uuid);
      leakedCalls += 1;
      const status = text === null ? null : (JSON.parse(text) as { data?: { status?: string } }).data?.status;
      if (status !== 'complete') anomaly(`cycle ${cycle}: task ${task.task_uuid} is ${String(status)}`);
    } else {
      const got = ffi.clientGetTask(task.task_uuid);
      if (got.status !== 'complete') anomaly(`cycle ${cycle}: task ${task.task_uuid} is ${got.status}`);
    }
    counts.get += 1;
    ffi.clientListTasks({ limit: 10, offset: 0 });
    counts.list += 1;
    cycle += 1;
  }
  ffi.stopWorker();
  counts.stop += 1;
  const durationMs = performance.now() - started;
  const during = samples.slice();
  // The end sample: the engine is gone, and so must be every C string.
  sample();

  const measured = during.filter((s) => s.calls >= warmupCalls);
  const live = samples.map((s) => s.liveStrings).filter((n): n is number => n !== null);
  return {
    backend: ffi.backend,
    libraryPath,
    calls: total(),
    cycles: cycle,
    tasksPerEngine,
    engineRestarts: restarts,
    counts,
    durationMs: Math.round(durationMs),
    callsPerSecond: Math.round(total() / (durationMs / 1000)),
    warmupCalls,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    samples,
    rss: growthOf(measured, 'rss'),
    heapUsed: growthOf(measured, 'heapUsed'),
    external: growthOf(measured, 'external'),
    liveStringsEnd: koffiBackend === undefined ? null : liveStringsOf(koffiBackend.libraryPath),
    liveStringsMax: live.length === 0 ? null : Math.max(...live),
    leakedCalls,
    anomalies,
  };
}
