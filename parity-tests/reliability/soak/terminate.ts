/**
 * Threads terminated mid-call: `worker.terminate()` while a worker_thread is inside a bridge call
 * that returns a string, N times per arm, and what that leaves behind (live C strings, RSS).
 *
 * **Mechanism (koffi).** `worker.terminate()` marks the worker's Node environment as *stopping*
 * at once (`can_call_into_js()` becomes false), then asks V8 to terminate, which V8 does at the
 * thread's next interrupt check (a JS function entry, a loop's budget check), not inside a native
 * call. A call that was in the Rust code at that moment returns its `char *` normally. Before the
 * fix every returned string was a koffi *disposable* type whose dispose function was JavaScript
 * (`(p) => free_rust_string(p)`); koffi runs that function with `napi_call_function`, which Node
 * refuses while the environment is stopping, so koffi drops the pointer and the string leaks: one
 * per termination that lands mid-call (and one per call for as long as a loop of bare koffi calls
 * runs on before an interrupt check). koffi has no native dispose other than libc `free()`, which
 * is not the library's `free_rust_string`. The fix (`legacy-library.ts`) declares those returns
 * `void *` and decodes and frees them in the caller's own frame with two native calls
 * (`koffi.decode.string`, `free_rust_string`): nothing calls back into JS, and V8 does not stop a
 * thread between two native calls of one frame, so the string is freed before the termination
 * takes effect. The `koffi-js-dispose` control arm keeps the old declaration to show the leak.
 *
 * **napi** has no C strings: napi-rs builds the JS string in native code and drops the Rust
 * `String` there, whatever JS can or cannot run afterwards; what can be measured is RSS.
 *
 * **How.** Each arm runs in its own child process (`terminate-child.ts`: clean RSS, and a crash is a
 * reported result) with `--expose-gc`. The child bootstraps the engine (process-global: one per
 * library, shared by every thread), creates `tasks` tasks, then keeps `concurrency` workers
 * (`terminate-worker.ts`) alive: each loads the arm's bridge, makes one round of calls, says
 * `ready`, and loops; after a random 0..`maxDelayMs` ms the driver reads the worker's in-flight slot
 * and terminates it. RSS (after `gc()` twice) is sampled about every tenth of the run; the first
 * sample is the warm-up baseline. Live C strings are read before the first worker and after the
 * last one exited, through a second handle on the same library (`strings.ts`).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { BACKENDS, type BackendName } from '../../../src/contract.js';
import { packageRoot, resolveLegacyLibrary, resolveNapiModule } from '../../../src/backends/locate.js';
import { KoffiTransport } from '../../../src/backends/koffi-transport.js';
import { NapiTransport } from '../../../src/backends/napi-transport.js';
import type { Transport } from '../../../src/backends/transport.js';
import { loadBackend } from '../../../src/select.js';
import { describeFailure, runInChild, siblingModule } from '../../../scripts/lib/child-process.js';
import { liveStringsOf } from './strings.js';
import { CHURN_RSS_BOUND_BYTES_PER_WORKER } from './targets.js';
import type { TerminateArm, TerminateWorkerData } from './terminate-worker.js';

export type { TerminateArm } from './terminate-worker.js';

export interface TerminateArmOptions {
  arm: TerminateArm;
  terminations: number;
  /** Workers alive at once (default 2). */
  concurrency?: number;
  /** Upper bound of the random delay between `ready` and `terminate()` (default 3 ms). */
  maxDelayMs?: number;
  /** Tasks created before the first worker (default 12). */
  tasks?: number;
  /** The bridge's binary (default: the product build). */
  libraryPath?: string;
}

export interface TerminateArmResult {
  arm: TerminateArm;
  /** null for the `none` arm (no bridge). */
  backend: BackendName | null;
  /** '' for the `none` arm. */
  libraryPath: string;
  terminations: number;
  concurrency: number;
  maxDelayMs: number;
  /** Terminations that found the worker inside a bridge call (its in-flight slot set). */
  midCall: number;
  /** Calls the workers completed, in all. */
  calls: number;
  /** Workers that reported an error or exited other than by `terminate()` (exit code 1). */
  failedWorkers: number;
  errors: string[];
  /** koffi arms: `legacy_live_strings()` before the first worker and after the last; napi: null. */
  liveStringsBefore: number | null;
  liveStringsAfter: number | null;
  /** liveStringsAfter - liveStringsBefore. */
  leakedStrings: number | null;
  leakedPerTermination: number | null;
  /** Mean length of the loop's answers on the wire (what one leaked string costs, roughly). */
  meanAnswerBytes: number;
  /** RSS after gc: before the first worker, then about every tenth of the run (the first of
   *  those is the warm-up baseline), the last after every worker exited. */
  rssSamples: { terminations: number; rss: number; heapUsed: number }[];
  rssBefore: number;
  rssWarm: number;
  rssEnd: number;
  /** (rssEnd - rssWarm) / terminations after the warm-up sample, bytes. */
  rssPerTermination: number;
  durationMs: number;
}

export interface TerminationsOptions {
  backends?: BackendName[];
  /** Terminations per bridge (default 200). */
  terminations?: number;
  /** Run the `koffi-js-dispose` control arm (default true when koffi is among the backends). */
  control?: boolean;
  /** Run the `none` arm (a worker with no bridge: Node's own cost of a termination; default true). */
  floor?: boolean;
  /** Terminations of the control arm (default min(terminations, 200)). */
  controlTerminations?: number;
  concurrency?: number;
  maxDelayMs?: number;
  libraryPaths?: Partial<Record<BackendName, string>>;
  /** Per-arm child time limit (default 10 minutes). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface TerminationsReport {
  arms: (TerminateArmResult | { arm: TerminateArm; failure: string })[];
  /** napi: no failed worker and RSS per termination under the churn bound (the judged part). */
  napiOk: boolean | null;
  /** koffi (the adapter): C strings left by the terminations; null when not run. */
  koffiLeakedStrings: number | null;
  /** The control arm leaked (the experiment can see a leak); null when not run. */
  controlDetected: boolean | null;
  /** The bound of `napiOk`: the churn's per-worker RSS bound. */
  rssBoundBytesPerTermination: number;
  ok: boolean;
}

/** Terminations per bridge for a soak of `calls` calls per backend: 200 at CI scale (200k calls), 2000 at the full million. */
export function terminationsForCalls(calls: number): number {
  if (calls <= 250_000) return 200;
  return Math.min(5000, Math.round((calls / 1_000_000) * 2000));
}

const here = import.meta.url;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

let bundled: string | undefined;

/**
 * The worker's code: `terminate-worker.ts` and what it imports bundled into one CommonJS script
 * (esbuild, which tsx brings), run as an eval worker. A worker started through tsx's loader spends
 * 200-300 ms registering it (its own hooks thread) and resolving the sources; the bundle loads in a
 * few ms, so a run of thousands of terminations measures terminations, not the loader. koffi stays
 * external (a native module); `import.meta.url` is the package's root, where `packageRoot()` and
 * `createRequire` resolve from.
 */
function workerScript(): string {
  if (bundled !== undefined) return bundled;
  const esbuild = createRequire(import.meta.url)('esbuild') as {
    buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[] };
  };
  const result = esbuild.buildSync({
    entryPoints: [fileURLToPath(new URL('./terminate-worker.ts', here))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    external: ['koffi'],
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(packageRoot(), 'package.json')).href) },
    logLevel: 'silent',
  });
  bundled = result.outputFiles[0]?.text ?? '';
  return bundled;
}

const backendOf = (arm: TerminateArm): BackendName => (arm === 'napi' ? 'napi' : 'koffi');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Mean byte length of one round of the loop's answers on the wire. */
function meanAnswerBytes(transport: Transport, tasks: string[]): number {
  const texts = [
    transport.text('getWorkerStatus', []),
    transport.text('clientGetTask', [tasks[0] as string]),
    transport.text('pollStepEvents', []),
    transport.text('clientListTasks', ['{"limit":10}']),
    transport.text('getFfiDispatchMetrics', []),
  ].filter((t): t is string => t !== null);
  return Math.round(texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / Math.max(1, texts.length));
}

/** Runs one arm in this process (call it in a child: `terminate-child.ts`). */
export async function runTerminateArm(options: TerminateArmOptions): Promise<TerminateArmResult> {
  const started = performance.now();
  const { arm } = options;
  const backend = arm === 'none' ? null : backendOf(arm);
  const terminations = options.terminations;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const maxDelayMs = options.maxDelayMs ?? 3;
  const libraryPath = backend === null ? '' : backend === 'koffi' ? resolveLegacyLibrary(options.libraryPath) : resolveNapiModule(options.libraryPath);

  const ffi = backend === null ? null : loadBackend({ backend, libraryPath });
  const taskUuids: string[] = [];
  const taskCount = options.tasks ?? 12;
  if (ffi === null) {
    for (let i = 0; i < taskCount; i += 1) taskUuids.push(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  } else {
    ffi.stopWorker();
    ffi.bootstrapWorker();
    for (let i = 0; i < taskCount; i += 1) {
      const linear = i % 2 === 0;
      taskUuids.push(
        ffi.clientCreateTask({
          name: linear ? 'order_processing' : 'report',
          namespace: linear ? 'ecommerce' : 'analytics',
          version: '1.0.0',
          context: linear ? { order_id: i, items: [] } : { day: '2026-01-01', n: i },
          initiator: 'terminations',
          sourceSystem: 'tasker-ffi-terminate',
          reason: 'terminations scenario',
        }).task_uuid,
      );
    }
  }
  const transport: Transport | null = backend === null ? null : backend === 'koffi' ? new KoffiTransport(libraryPath) : new NapiTransport(libraryPath);
  const answerBytes = transport === null ? 0 : meanAnswerBytes(transport, taskUuids);
  const live = (): number | null => (backend === 'koffi' ? liveStringsOf(libraryPath) : null);

  collect();
  const liveStringsBefore = live();
  const first = process.memoryUsage();
  const rssSamples: TerminateArmResult['rssSamples'] = [{ terminations: 0, rss: first.rss, heapUsed: first.heapUsed }];

  const state = new SharedArrayBuffer(4 * 2 * concurrency);
  const view = new Int32Array(state);
  const script = workerScript();
  let midCall = 0;
  let failedWorkers = 0;
  const errors: string[] = [];
  let done = 0;
  let started_ = 0;
  const every = Math.max(1, Math.round(terminations / 10));

  const one = async (slot: number): Promise<void> => {
    const data: TerminateWorkerData = { arm, libraryPath, taskUuids, state, slot, deadlineMs: 60_000 };
    Atomics.store(view, slot * 2, 0);
    const worker = new Worker(script, { eval: true, workerData: data, execArgv: [] });
    let error: string | undefined;
    worker.on('error', (e) => {
      error = e instanceof Error ? e.message : String(e);
    });
    const exited = new Promise<number>((resolve) => worker.on('exit', resolve));
    const ready = await Promise.race([new Promise<boolean>((resolve) => worker.once('message', () => resolve(true))), exited.then(() => false)]);
    if (ready) {
      await sleep(Math.random() * maxDelayMs);
      if (Atomics.load(view, slot * 2) !== 0) midCall += 1;
      await worker.terminate();
    }
    const code = await exited;
    // terminate() ends a worker with exit code 1; anything else (or an error) is a failure.
    if (!ready || code !== 1 || error !== undefined) {
      failedWorkers += 1;
      if (errors.length < 10) errors.push(error ?? `worker exited with code ${code}${ready ? '' : ' before it was ready'}`);
    }
  };

  const lanes = Array.from({ length: concurrency }, async (_, slot) => {
    while (started_ < terminations) {
      started_ += 1;
      await one(slot);
      done += 1;
      if (done % every === 0 && done < terminations) {
        collect();
        const m = process.memoryUsage();
        rssSamples.push({ terminations: done, rss: m.rss, heapUsed: m.heapUsed });
      }
    }
  });
  await Promise.all(lanes);
  const calls = Array.from({ length: concurrency }, (_, slot) => Atomics.load(view, slot * 2 + 1)).reduce((a, b) => a + b, 0);

  // Let the last isolates' teardown finish before the end sample.
  await sleep(50);
  collect();
  const end = process.memoryUsage();
  rssSamples.push({ terminations, rss: end.rss, heapUsed: end.heapUsed });
  const liveStringsAfter = live();
  ffi?.stopWorker();

  const warm = rssSamples[1] ?? rssSamples[0];
  const warmAt = warm?.terminations ?? 0;
  const rssWarm = warm?.rss ?? first.rss;
  const leakedStrings = liveStringsBefore === null || liveStringsAfter === null ? null : liveStringsAfter - liveStringsBefore;
  return {
    arm,
    backend,
    libraryPath,
    terminations,
    concurrency,
    maxDelayMs,
    midCall,
    calls,
    failedWorkers,
    errors,
    liveStringsBefore,
    liveStringsAfter,
    leakedStrings,
    leakedPerTermination: leakedStrings === null ? null : Math.round((leakedStrings / terminations) * 1000) / 1000,
    meanAnswerBytes: answerBytes,
    rssSamples,
    rssBefore: first.rss,
    rssWarm,
    rssEnd: end.rss,
    rssPerTermination: terminations > warmAt ? Math.round((end.rss - rssWarm) / (terminations - warmAt)) : 0,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Child-process entry of one arm. */
export const TERMINATE_CHILD = siblingModule(here, 'terminate-child');

/** Every arm, each in its own child process, one after the other. */
export async function runTerminations(options: TerminationsOptions = {}): Promise<TerminationsReport> {
  const backends = options.backends ?? [...BACKENDS];
  const terminations = options.terminations ?? 200;
  const log = options.log ?? (() => undefined);
  const arms: { arm: TerminateArm; terminations: number }[] = backends.map((b) => ({ arm: b, terminations }));
  if (options.floor ?? true) arms.push({ arm: 'none', terminations });
  if ((options.control ?? true) && backends.includes('koffi')) {
    arms.push({ arm: 'koffi-js-dispose', terminations: options.controlTerminations ?? Math.min(terminations, 200) });
  }
  const results: TerminationsReport['arms'] = [];
  for (const { arm, terminations: n } of arms) {
    const libraryPath = arm === 'none' ? undefined : options.libraryPaths?.[backendOf(arm)];
    const armOptions: TerminateArmOptions = {
      arm,
      terminations: n,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.maxDelayMs === undefined ? {} : { maxDelayMs: options.maxDelayMs }),
      ...(libraryPath === undefined ? {} : { libraryPath }),
    };
    log(`terminations: ${arm}, ${n.toLocaleString('en')} worker_threads terminated mid-loop`);
    const outcome = await runInChild<TerminateArmResult>(TERMINATE_CHILD, armOptions, { timeoutMs: options.timeoutMs ?? 10 * 60 * 1000 });
    if (outcome.ok && outcome.result !== undefined) {
      const r = outcome.result;
      results.push(r);
      log(
        `terminations: ${arm}: ${r.midCall} of ${r.terminations} mid-call, ${r.failedWorkers} failed, ` +
          `live C strings ${r.leakedStrings === null ? 'n/a' : `+${r.leakedStrings}`}, RSS ${(r.rssPerTermination / 1024).toFixed(1)} KiB per termination`,
      );
    } else {
      const failure = describeFailure(outcome);
      results.push({ arm, failure });
      log(`terminations: ${arm}: did not complete (${failure})`);
    }
  }
  const done = (arm: TerminateArm): TerminateArmResult | undefined => {
    const r = results.find((x) => x.arm === arm);
    return r !== undefined && !('failure' in r) ? r : undefined;
  };
  const ran = (arm: TerminateArm): boolean => results.some((x) => x.arm === arm);
  const napi = done('napi');
  const napiOk = !ran('napi') ? null : napi !== undefined && napi.failedWorkers === 0 && napi.rssPerTermination < CHURN_RSS_BOUND_BYTES_PER_WORKER;
  const koffi = done('koffi');
  const control = done('koffi-js-dispose');
  return {
    arms: results,
    napiOk,
    koffiLeakedStrings: koffi?.leakedStrings ?? null,
    controlDetected: !ran('koffi-js-dispose') ? null : (control?.leakedStrings ?? 0) > 0,
    rssBoundBytesPerTermination: CHURN_RSS_BOUND_BYTES_PER_WORKER,
    // Only napi is judged: koffi's figures are the rollback bridge's risk, reported, not a gate.
    ok: napiOk ?? true,
  };
}
