/**
 * Both bridges under `worker_threads`.
 *
 * **Concurrency.** The native state is process-global: one engine per backend library, shared by
 * every thread of the process. The driver bootstraps each backend once; then `threads` workers
 * (`thread-worker.ts`) each load every backend through the contract and create, poll and complete
 * concurrently, interleaving the backends. Afterwards the driver checks, per backend, that every
 * step of every created task was handed out exactly once (step uuids collected per thread: none
 * missing, none twice), that every complete was accepted, that every task is complete, and that
 * the final counts are the same on both backends; and that the legacy library has no C string
 * left unfreed.
 *
 * **Churn.** `churnWorkers` short-lived workers (in batches) each load the napi addon and the
 * legacy library, create a task on each, poll and complete what they can, and exit. The driver
 * samples RSS after each batch (after `gc()`) and checks that nothing crashed, that every churn
 * task completes, and that no C string is left unfreed.
 *
 * Run it in a child process (`threads-child.ts`): a crash is then a reported result.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { BACKENDS, type BackendName, type TaskerFfi } from '../../../src/contract.js';
import { packageRoot, resolveLegacyLibrary, resolveNapiModule } from '../../../src/backends/locate.js';
import { loadBackend } from '../../../src/select.js';
import { liveStrings } from './strings.js';
import type { ThreadBackendRecord, ThreadWorkerData, ThreadWorkerResult } from './thread-worker.js';

export interface ThreadScenarioOptions {
  backends?: BackendName[];
  /** worker_threads creating, polling and completing at once (default 6). */
  threads?: number;
  /** Tasks each thread creates on each backend (default 25). */
  tasksPerWorker?: number;
  /** Short-lived workers that load and unload both bridges (default 50; 0: skip). */
  churnWorkers?: number;
  /** Churn workers alive at once (default 5). */
  churnBatch?: number;
  libraryPaths?: Partial<Record<BackendName, string>>;
  timeoutMs?: number;
}

export interface BackendThreadReport {
  backend: BackendName;
  tasksCreated: number;
  stepsExpected: number;
  handedOut: number;
  uniqueHandedOut: number;
  /** Steps handed out more than once. */
  duplicates: number;
  /** Steps of created tasks never handed out. */
  missing: number;
  /** Step uuids handed out that belong to no created task. */
  unknown: number;
  completedTrue: number;
  completedFalse: number;
  tasksComplete: number;
  /** `getFfiDispatchMetrics()` at the end. */
  /** Steps whose state is `complete`, and the dispatch metrics' events still pending (handed out, unanswered). */
  metrics: { stepsComplete: number; pendingCount: number };
  errors: string[];
  /** Every step handed out and completed exactly once, every task complete, no error. */
  exactlyOnce: boolean;
}

export interface ChurnReport {
  workers: number;
  batch: number;
  /** Workers that exited with an error or a non-zero code. */
  failed: number;
  errors: string[];
  /** RSS after each batch (bytes, after gc). */
  rssAfterBatch: number[];
  /** RSS after the first batch (warm-up) and after the last. */
  rssWarm: number;
  rssEnd: number;
  /** (rssEnd - rssWarm) / (workers after the first batch), bytes. */
  rssGrowthPerWorker: number;
  /** Tasks the churn workers created that are complete at the end (after the driver drained). */
  tasksCreated: Record<string, number>;
  tasksComplete: Record<string, number>;
  liveStringsEnd: number | null;
}

export interface ThreadScenarioResult {
  threads: number;
  tasksPerWorker: number;
  durationMs: number;
  workersTimedOut: number;
  perBackend: BackendThreadReport[];
  /** The final counts agree across backends. */
  sameCounts: boolean;
  /** koffi: C strings not freed after the concurrency phase. */
  liveStringsEnd: number | null;
  churn: ChurnReport | null;
  ok: boolean;
}

const here = import.meta.url;
const fromSources = here.endsWith('.ts');

/** How to start a worker running module `name` of this folder (tsx from the sources). */
function workerEntry(name: string): { file: URL; entry: string | undefined } {
  if (fromSources) return { file: new URL('./tsx-worker.mjs', here), entry: new URL(`./${name}.ts`, here).href };
  return { file: new URL(`./${name}.js`, here), entry: undefined };
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function runWorker<T>(file: URL | string, options: ConstructorParameters<typeof Worker>[1]): Promise<{ message: T | undefined; error: string | undefined; exitCode: number }> {
  return new Promise((resolve) => {
    const worker = new Worker(file, options);
    let message: T | undefined;
    let error: string | undefined;
    worker.on('message', (value: T) => {
      message = value;
    });
    worker.on('error', (e) => {
      error = e instanceof Error ? e.message : String(e);
    });
    worker.on('exit', (exitCode) => resolve({ message, error, exitCode }));
  });
}

function load(backend: BackendName, libraryPaths: Partial<Record<BackendName, string>>): TaskerFfi {
  const libraryPath = libraryPaths[backend];
  return loadBackend({ backend, ...(libraryPath === undefined ? {} : { libraryPath }) });
}

/** Polls and completes on the calling thread until nothing is ready (the driver's drain). */
function drain(ffi: TaskerFfi): number {
  let n = 0;
  for (let event = ffi.pollStepEvents(); event !== null; event = ffi.pollStepEvents()) {
    ffi.completeStepEvent(event.eventId, {
      stepUuid: event.stepUuid,
      success: true,
      result: { by: 'driver' },
      status: 'completed',
      metadata: { executionTimeMs: 0, completedAt: new Date().toISOString() },
    });
    n += 1;
  }
  return n;
}

function verify(backend: BackendName, ffi: TaskerFfi, records: ThreadBackendRecord[], stepsExpected: number): BackendThreadReport {
  const tasks = records.flatMap((r) => r.tasks);
  const handed = records.flatMap((r) => r.handedOut);
  const unique = new Set(handed);
  const expected = new Set<string>();
  let tasksComplete = 0;
  const errors = records.flatMap((r) => r.errors);
  let stepsComplete = 0;
  for (const task of tasks) {
    for (const step of ffi.clientListTaskSteps(task)) {
      expected.add(step.step_uuid);
      if (step.current_state === 'complete') stepsComplete += 1;
    }
    if (ffi.clientGetTask(task).status === 'complete') tasksComplete += 1;
  }
  const missing = [...expected].filter((uuid) => !unique.has(uuid)).length;
  const unknown = [...unique].filter((uuid) => !expected.has(uuid)).length;
  const m = ffi.getFfiDispatchMetrics();
  const completedTrue = records.reduce((n, r) => n + r.completedTrue, 0);
  const completedFalse = records.reduce((n, r) => n + r.completedFalse, 0);
  const report: BackendThreadReport = {
    backend,
    tasksCreated: tasks.length,
    stepsExpected,
    handedOut: handed.length,
    uniqueHandedOut: unique.size,
    duplicates: handed.length - unique.size,
    missing,
    unknown,
    completedTrue,
    completedFalse,
    tasksComplete,
    metrics: { stepsComplete, pendingCount: m.pendingCount },
    errors,
    exactlyOnce: false,
  };
  report.exactlyOnce =
    errors.length === 0 &&
    expected.size === stepsExpected &&
    handed.length === stepsExpected &&
    report.duplicates === 0 &&
    missing === 0 &&
    unknown === 0 &&
    completedTrue === stepsExpected &&
    completedFalse === 0 &&
    tasksComplete === tasks.length &&
    stepsComplete === stepsExpected &&
    m.pendingCount === 0;
  return report;
}

/** The counts that must agree across backends. */
function countsOf(r: BackendThreadReport): unknown[] {
  return [r.tasksCreated, r.stepsExpected, r.handedOut, r.uniqueHandedOut, r.completedTrue, r.completedFalse, r.tasksComplete, r.metrics.stepsComplete, r.metrics.pendingCount];
}

// The churn worker is plain CommonJS, run with `eval: true`: it needs no TypeScript loader, so a
// worker costs what loading the two bridges costs. It drives both libraries through their raw
// interfaces (the addon's exports; koffi declarations bound to free_rust_string).
const CHURN_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { createRequire } = require('node:module');
const req = createRequire(workerData.base);
const out = { created: {}, errors: [] };
const result = (stepUuid) => ({ stepUuid, success: true, result: { churn: workerData.index }, status: 'completed',
  metadata: { executionTimeMs: 0, completedAt: '2026-01-01T00:00:00Z' } });
const request = { name: 'order_processing', namespace: 'ecommerce', version: '1.0.0', context: { churn: workerData.index },
  initiator: 'churn', reason: 'churn' };
if (workerData.napi) {
  try {
    const addon = req(workerData.napi);
    if (typeof addon.getVersion() !== 'string') throw new Error('getVersion');
    const created = addon.clientCreateTask({ ...request, sourceSystem: 'churn' });
    if (!created.success) throw new Error(created.error);
    out.created.napi = created.data.task_uuid;
    for (let e = addon.pollStepEvents(); e; e = addon.pollStepEvents()) addon.completeStepEvent(e.eventId, result(e.stepUuid));
    addon.clientListTasks({ perPage: 5 });
  } catch (e) { out.errors.push('napi: ' + (e && e.message)); }
}
if (workerData.koffi) {
  try {
    const koffi = req('koffi');
    const lib = koffi.load(workerData.koffi);
    const free = lib.func('void free_rust_string(void *s)');
    koffi.disposable('ChurnString', 'char *', (p) => free(p));
    const version = lib.func('ChurnString get_version(void)');
    const create = lib.func('ChurnString client_create_task(const char *request_json)');
    const poll = lib.func('ChurnString poll_step_events(void)');
    const complete = lib.func('int complete_step_event(const char *event_id, const char *result_json)');
    const list = lib.func('ChurnString client_list_tasks(const char *params_json)');
    if (typeof version() !== 'string') throw new Error('get_version');
    const envelope = JSON.parse(create(JSON.stringify({ ...request, source_system: 'churn' })));
    if (!envelope.success) throw new Error(envelope.error);
    out.created.koffi = envelope.data.task_uuid;
    for (let text = poll(); text !== null; text = poll()) {
      const e = JSON.parse(text);
      const r = result(e.step_uuid);
      complete(e.event_id, JSON.stringify({ step_uuid: r.stepUuid, success: true, result: r.result, status: 'completed',
        metadata: { execution_time_ms: 0, completed_at: r.metadata.completedAt } }));
    }
    list(null);
  } catch (e) { out.errors.push('koffi: ' + (e && e.message)); }
}
parentPort.postMessage(out);
`;

/** Runs `workers` eval workers of `code`, `batch` at a time; RSS after each batch (after gc). */
async function churnBatches(
  code: string,
  workers: number,
  batch: number,
  workerData: Record<string, unknown>,
  onExit: (run: { message: { created: Record<string, string>; errors: string[] } | undefined; error: string | undefined; exitCode: number }) => void,
): Promise<number[]> {
  const rss: number[] = [];
  let started = 0;
  while (started < workers) {
    const size = Math.min(batch, workers - started);
    const runs = Array.from({ length: size }, (_, k) =>
      runWorker<{ created: Record<string, string>; errors: string[] }>(code, {
        eval: true,
        // Not the parent's flags: a churn worker must not load tsx.
        execArgv: [],
        workerData: { ...workerData, index: started + k },
      }),
    );
    started += size;
    for (const run of await Promise.all(runs)) onExit(run);
    collect();
    rss.push(process.memoryUsage().rss);
  }
  return rss;
}

const perWorker = (rss: number[], workers: number, batch: number): number => {
  const after = workers - Math.min(batch, workers);
  return after > 0 ? ((rss[rss.length - 1] ?? 0) - (rss[0] ?? 0)) / after : 0;
};

async function runChurn(
  backends: BackendName[],
  ffis: Map<BackendName, TaskerFfi>,
  libraryPaths: Partial<Record<BackendName, string>>,
  workers: number,
  batch: number,
): Promise<ChurnReport> {
  const base = path.join(packageRoot(), 'package.json');
  const workerData = {
    base,
    napi: backends.includes('napi') ? resolveNapiModule(libraryPaths.napi) : undefined,
    koffi: backends.includes('koffi') ? resolveLegacyLibrary(libraryPaths.koffi) : undefined,
  };
  const created: Record<string, string[]> = Object.fromEntries(backends.map((b) => [b, []]));
  const errors: string[] = [];
  let failed = 0;
  const rssAfterBatch = await churnBatches(CHURN_WORKER, workers, batch, workerData, (run) => {
    const problems = [...(run.message?.errors ?? []), ...(run.error === undefined ? [] : [run.error])];
    if (run.exitCode !== 0 || problems.length > 0 || run.message === undefined) {
      failed += 1;
      if (errors.length < 20) errors.push(problems.join('; ') || `exit code ${run.exitCode}`);
    }
    for (const [backend, uuid] of Object.entries(run.message?.created ?? {})) created[backend]?.push(uuid);
  });
  const tasksCreated: Record<string, number> = {};
  const tasksComplete: Record<string, number> = {};
  for (const backend of backends) {
    const ffi = ffis.get(backend) as TaskerFfi;
    // Steps a worker left ready (another worker held the step before it) are finished here.
    drain(ffi);
    const uuids = created[backend] ?? [];
    tasksCreated[backend] = uuids.length;
    tasksComplete[backend] = uuids.filter((uuid) => ffi.clientGetTask(uuid).status === 'complete').length;
  }
  const koffi = ffis.get('koffi');
  const rssWarm = rssAfterBatch[0] ?? 0;
  const rssEnd = rssAfterBatch[rssAfterBatch.length - 1] ?? 0;
  return {
    workers,
    batch,
    failed,
    errors,
    rssAfterBatch,
    rssWarm,
    rssEnd,
    rssGrowthPerWorker: perWorker(rssAfterBatch, workers, batch),
    tasksCreated,
    tasksComplete,
    liveStringsEnd: koffi === undefined ? null : liveStrings(koffi),
  };
}

export async function runThreadScenario(options: ThreadScenarioOptions = {}): Promise<ThreadScenarioResult> {
  const backends = options.backends ?? [...BACKENDS];
  const threads = options.threads ?? 6;
  const tasksPerWorker = options.tasksPerWorker ?? 25;
  const libraryPaths = options.libraryPaths ?? {};
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();

  const ffis = new Map<BackendName, TaskerFfi>();
  for (const backend of backends) {
    const ffi = load(backend, libraryPaths);
    ffi.stopWorker();
    ffi.bootstrapWorker();
    ffis.set(backend, ffi);
  }

  // 4 steps per task in both templates the workers use.
  const stepsExpected = threads * tasksPerWorker * 4;
  const counters = new SharedArrayBuffer(4 * (backends.length + 1));
  const { file, entry } = workerEntry('thread-worker');
  const runs = Array.from({ length: threads }, (_, index) => {
    const data: ThreadWorkerData & { entry?: string } = {
      index,
      backends,
      libraryPaths,
      tasksPerWorker,
      expectedSteps: stepsExpected,
      counters,
      threads,
      timeoutMs,
      ...(entry === undefined ? {} : { entry }),
    };
    return runWorker<ThreadWorkerResult>(file, { workerData: data, execArgv: [] });
  });
  const outcomes = await Promise.all(runs);
  const results = outcomes.map((o) => o.message).filter((m): m is ThreadWorkerResult => m !== undefined);
  const crashErrors = outcomes.flatMap((o, i) =>
    o.message === undefined || o.exitCode !== 0 ? [`thread ${i}: ${o.error ?? `exit code ${o.exitCode} without a result`}`] : [],
  );

  const perBackend = backends.map((backend) => {
    const ffi = ffis.get(backend) as TaskerFfi;
    const records = results.map((r) => r.perBackend[backend]).filter((r): r is ThreadBackendRecord => r !== undefined);
    const report = verify(backend, ffi, records, stepsExpected);
    if (crashErrors.length > 0) {
      report.errors.push(...crashErrors);
      report.exactlyOnce = false;
    }
    return report;
  });
  const first = perBackend[0];
  const sameCounts = first !== undefined && perBackend.every((r) => JSON.stringify(countsOf(r)) === JSON.stringify(countsOf(first)));
  const koffi = ffis.get('koffi');
  const liveStringsEnd = koffi === undefined ? null : liveStrings(koffi);

  const churnWorkers = options.churnWorkers ?? 50;
  const churn = churnWorkers > 0 ? await runChurn(backends, ffis, libraryPaths, churnWorkers, Math.max(1, options.churnBatch ?? 5)) : null;
  for (const ffi of ffis.values()) ffi.stopWorker();

  const churnOk =
    churn === null ||
    (churn.failed === 0 &&
      (churn.liveStringsEnd ?? 0) === 0 &&
      backends.every((b) => churn.tasksCreated[b] === churn.workers && churn.tasksComplete[b] === churn.workers));
  return {
    threads,
    tasksPerWorker,
    durationMs: Math.round(performance.now() - started),
    workersTimedOut: results.filter((r) => r.timedOut).length,
    perBackend,
    sameCounts,
    liveStringsEnd,
    churn,
    ok: perBackend.every((r) => r.exactlyOnce) && sameCounts && (liveStringsEnd ?? 0) === 0 && churnOk,
  };
}

/** For callers that want the module file of the child entry. */
export const THREADS_CHILD = fileURLToPath(new URL(`./threads-child${fromSources ? '.ts' : '.js'}`, here));
