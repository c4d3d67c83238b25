/**
 * The soak: `tasker-ffi soak` / `npm run soak`.
 *
 * Runs the mixed workload (`workload.ts`) on each backend, each in its own child process (clean
 * RSS, and a crash is a reported result), then the worker_threads scenario (`threads.ts`, its own
 * child), then a short run with a deliberate C-string leak to show the live-string check catches
 * it, then worker_threads terminated mid-call on each bridge (`terminate.ts`, one child per arm);
 * judges each against the targets and writes `reports/soak.md` and `reports/soak.json`.
 *
 * Targets: under 5 MB of RSS growth per million calls after warm-up (both the end-to-end delta
 * and the least-squares slope), and 0 C strings left unfreed on the legacy bridge. The terminations
 * are judged on napi only (no failed worker, RSS per termination under the churn bound); koffi's
 * live strings after them are reported as the rollback bridge's risk, not a gate.
 */
import os from 'node:os';
import path from 'node:path';

import { BACKENDS, type BackendName } from '../../../src/contract.js';
import { packageRoot } from '../../../src/backends/locate.js';
import { describeFailure, runInChild, siblingModule, type ChildOutcome } from '../../../scripts/lib/child-process.js';
import { writeReportFiles } from '../../report-files.js';
import { renderSoakMarkdown } from './report.js';
import { runTerminations, terminationsForCalls, type TerminationsOptions, type TerminationsReport } from './terminate.js';
import type { ThreadScenarioOptions, ThreadScenarioResult } from './threads.js';
import type { WorkloadOptions, WorkloadResult } from './workload.js';
import {
  CHURN_RSS_BOUND_BYTES_PER_WORKER,
  growthJudged,
  judgeWorkload,
  MIN_CALLS_FOR_GROWTH,
  RSS_TARGET_BYTES_PER_MILLION,
  SOAK_NODE_FLAGS,
  type BackendVerdict,
} from './targets.js';

export * from './targets.js';

export interface SoakOptions {
  backends?: BackendName[];
  /** Calls per backend (default 1 000 000). */
  calls?: number;
  /** Run the thread scenario too (default true). */
  threads?: boolean | ThreadScenarioOptions;
  /** Run the deliberate-leak demonstration (koffi, default true when koffi is soaked). */
  leakCheck?: boolean;
  /** Terminate worker_threads mid-call on each bridge (default true: `terminationsForCalls(calls)`
   *  per bridge; a number sets it; false skips). */
  terminations?: boolean | number | Omit<TerminationsOptions, 'backends' | 'libraryPaths' | 'log'>;
  /** Run the backends' workloads at the same time (default true: they are separate processes). */
  parallel?: boolean;
  libraryPaths?: Partial<Record<BackendName, string>>;
  /** Where to write soak.md / soak.json (default `<package>/reports`; null: do not write). */
  reportDir?: string | null;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface BackendSoak {
  backend: BackendName;
  /** The child delivered a result. */
  completed: boolean;
  failure: string | null;
  result: WorkloadResult | null;
  verdict: BackendVerdict;
}

export interface LeakCheck {
  calls: number;
  leakEvery: number;
  leakedCalls: number;
  liveStringsEnd: number | null;
  /** The same verdict as the real run gives: it must FAIL on live strings. */
  verdict: BackendVerdict;
  detected: boolean;
  failure: string | null;
}

export interface SoakReport {
  /** `PASS` when every target is met (the same as `pass`; read by `tasker-ffi report`). */
  verdict: 'PASS' | 'FAIL';
  /** C strings left unfreed at the end of the koffi run (0 when koffi was not soaked). */
  leaks: number;
  /** The headline figures per backend. */
  summary: Record<string, { verdict: 'PASS' | 'FAIL'; calls: number; rssMbPerMillionCalls: number | null; rssSlopeMbPerMillionCalls: number | null; heapUsedMbPerMillionCalls: number | null; liveStringsEnd: number | null; durationS: number | null }>;
  generatedAt: string;
  environment: { node: string; platform: string; arch: string; cpus: number; cpuModel: string; totalMemoryMb: number; nodeFlags: string[] };
  targets: { rssBytesPerMillionCalls: number; liveStringsEnd: number };
  callsPerBackend: number;
  parallel: boolean;
  backends: BackendSoak[];
  threads: (ThreadScenarioResult & { failure: string | null }) | null;
  leakCheck: LeakCheck | null;
  /** worker_threads terminated mid-call, per bridge (`terminate.ts`); null when not run. */
  terminations: TerminationsReport | null;
  pass: boolean;
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;

function workloadChild(): string {
  return siblingModule(import.meta.url, 'workload-child');
}

/** Runs the workload on one backend in a child process. */
export async function runWorkloadInChild(
  options: Omit<WorkloadOptions, 'onSample'>,
  onSample?: (progress: { calls: number; target: number; rss: number }) => void,
): Promise<ChildOutcome<WorkloadResult>> {
  return runInChild<WorkloadResult>(workloadChild(), options, {
    nodeFlags: SOAK_NODE_FLAGS,
    timeoutMs: 60 * 60 * 1000,
    ...(onSample === undefined ? {} : { onProgress: (p) => onSample(p as { calls: number; target: number; rss: number }) }),
  });
}

function soakOf(backend: BackendName, outcome: ChildOutcome<WorkloadResult>): BackendSoak {
  if (!outcome.ok || outcome.result === undefined) {
    const failure = describeFailure(outcome);
    return { backend, completed: false, failure, result: null, verdict: { pass: false, reasons: [`the run did not complete: ${failure}`] } };
  }
  return { backend, completed: true, failure: null, result: outcome.result, verdict: judgeWorkload(outcome.result) };
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const backends = options.backends ?? [...BACKENDS];
  const calls = options.calls ?? 1_000_000;
  const parallel = options.parallel ?? true;
  const log = options.log ?? (() => undefined);
  const libraryPaths = options.libraryPaths ?? {};

  const one = async (backend: BackendName): Promise<BackendSoak> => {
    let lastPercent = -1;
    log(`[${backend}] soak: ${calls.toLocaleString('en')} calls in a child process`);
    const libraryPath = libraryPaths[backend];
    const outcome = await runWorkloadInChild({ backend, calls, ...(libraryPath === undefined ? {} : { libraryPath }) }, (p) => {
      const percent = Math.floor((p.calls / p.target) * 10) * 10;
      if (percent > lastPercent) {
        lastPercent = percent;
        log(`[${backend}] ${percent}% (${p.calls.toLocaleString('en')} calls), RSS ${mb(p.rss)}`);
      }
    });
    const soak = soakOf(backend, outcome);
    log(`[${backend}] ${soak.verdict.pass ? 'PASS' : 'FAIL'}${soak.verdict.reasons.length > 0 ? `: ${soak.verdict.reasons.join('; ')}` : ''}`);
    return soak;
  };
  const results = parallel ? await Promise.all(backends.map(one)) : await backends.reduce<Promise<BackendSoak[]>>(async (acc, b) => [...(await acc), await one(b)], Promise.resolve([]));

  let threads: SoakReport['threads'] = null;
  if (options.threads !== false) {
    const threadOptions: ThreadScenarioOptions = { backends, libraryPaths, ...(typeof options.threads === 'object' ? options.threads : {}) };
    log(`threads: ${threadOptions.threads ?? 6} worker_threads on ${backends.join(' and ')}, then ${threadOptions.churnWorkers ?? 50} short-lived workers`);
    const outcome = await runInChild<ThreadScenarioResult>(siblingModule(import.meta.url, 'threads-child'), threadOptions, { timeoutMs: 10 * 60 * 1000 });
    if (outcome.ok && outcome.result !== undefined) {
      threads = { ...outcome.result, failure: null };
      log(`threads: ${threads.ok ? 'PASS' : 'FAIL'}`);
    } else {
      const failure = describeFailure(outcome);
      log(`threads: FAIL (${failure})`);
      threads = {
        threads: threadOptions.threads ?? 6,
        tasksPerWorker: threadOptions.tasksPerWorker ?? 25,
        durationMs: outcome.durationMs,
        workersTimedOut: 0,
        perBackend: [],
        sameCounts: false,
        liveStringsEnd: null,
        churn: null,
        ok: false,
        failure,
      };
    }
  }

  let leakCheck: LeakCheck | null = null;
  if ((options.leakCheck ?? true) && backends.includes('koffi')) {
    const leakCalls = 20_000;
    const leakEvery = 50;
    log(`leak check: koffi, ${leakCalls.toLocaleString('en')} calls, one string leaked every ${leakEvery} cycles`);
    const libraryPath = libraryPaths.koffi;
    const outcome = await runWorkloadInChild({ backend: 'koffi', calls: leakCalls, leakEvery, samples: 10, ...(libraryPath === undefined ? {} : { libraryPath }) });
    const soak = soakOf('koffi', outcome);
    const result = soak.result;
    leakCheck = {
      calls: leakCalls,
      leakEvery,
      leakedCalls: result?.leakedCalls ?? 0,
      liveStringsEnd: result?.liveStringsEnd ?? null,
      verdict: soak.verdict,
      detected: result !== null && result.leakedCalls > 0 && result.liveStringsEnd === result.leakedCalls && !soak.verdict.pass,
      failure: soak.failure,
    };
    log(`leak check: ${leakCheck.detected ? 'detected' : 'NOT detected'} (${leakCheck.leakedCalls} leaked, ${String(leakCheck.liveStringsEnd)} live)`);
  }

  let terminations: TerminationsReport | null = null;
  if (options.terminations !== false && options.terminations !== 0) {
    const given = options.terminations;
    const perBridge = typeof given === 'number' ? given : typeof given === 'object' && given.terminations !== undefined ? given.terminations : terminationsForCalls(calls);
    terminations = await runTerminations({ ...(typeof given === 'object' ? given : {}), backends, libraryPaths, terminations: perBridge, log });
    log(`terminations: ${terminations.ok ? 'PASS' : 'FAIL'} (napi judged; koffi C strings left: ${String(terminations.koffiLeakedStrings)})`);
  }

  const cpus = os.cpus();
  const pass =
    results.every((r) => r.verdict.pass) &&
    (threads?.ok ?? true) &&
    (threads?.churn == null || threads.churn.rssGrowthPerWorker < CHURN_RSS_BOUND_BYTES_PER_WORKER) &&
    (leakCheck?.detected ?? true) &&
    (terminations?.ok ?? true);
  const perMillion = (bytes: number | undefined): number | null => (bytes === undefined ? null : Math.round((bytes / MB) * 1000) / 1000);
  const report: SoakReport = {
    verdict: pass ? 'PASS' : 'FAIL',
    leaks: results.reduce((sum, r) => sum + (r.result?.liveStringsEnd ?? 0), 0),
    summary: Object.fromEntries(
      results.map((r) => [
        r.backend,
        {
          verdict: r.verdict.pass ? 'PASS' : 'FAIL',
          calls: r.result?.calls ?? 0,
          rssMbPerMillionCalls: perMillion(r.result?.rss.deltaPerMillion),
          rssSlopeMbPerMillionCalls: perMillion(r.result?.rss.slopePerMillion),
          heapUsedMbPerMillionCalls: perMillion(r.result?.heapUsed.deltaPerMillion),
          liveStringsEnd: r.result?.liveStringsEnd ?? null,
          durationS: r.result === null ? null : Math.round(r.result.durationMs / 100) / 10,
        },
      ]),
    ),
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(os.totalmem() / MB),
      nodeFlags: ['--expose-gc', ...SOAK_NODE_FLAGS],
    },
    targets: { rssBytesPerMillionCalls: RSS_TARGET_BYTES_PER_MILLION, liveStringsEnd: 0 },
    callsPerBackend: calls,
    parallel,
    backends: results,
    threads,
    leakCheck,
    terminations,
    pass,
  };

  if (options.reportDir !== null) {
    const dir = options.reportDir ?? path.join(packageRoot(), 'reports');
    const files = writeReportFiles(dir, 'soak', renderSoakMarkdown(report), report);
    log(`wrote ${path.relative(process.cwd(), files.markdown)} and soak.json`);
  }
  return report;
}

/** `tasker-ffi soak [--backend b] [--calls n] [--out dir] [--json]`: returns the exit code. */
export async function soakCommand(options: { backend?: BackendName; calls?: string; out?: string; json?: boolean }): Promise<number> {
  let calls: number | undefined;
  if (options.calls !== undefined) {
    const text = options.calls.replace(/[_,]/g, '');
    const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text);
    const factor = match?.[2]?.toLowerCase() === 'm' ? 1e6 : match?.[2]?.toLowerCase() === 'k' ? 1e3 : 1;
    calls = match === null ? Number.NaN : Math.round(Number(match[1]) * factor);
    if (!Number.isInteger(calls) || calls < 1000) {
      process.stderr.write(`tasker-ffi soak: --calls must be a whole number of calls >= 1000 (e.g. 1000000, 250k, 2m), got "${options.calls}"\n`);
      return 2;
    }
  }
  const report = await runSoak({
    ...(options.backend === undefined ? {} : { backends: [options.backend] }),
    ...(calls === undefined ? {} : { calls }),
    ...(options.out === undefined ? {} : { reportDir: path.resolve(options.out) }),
    log: options.json === true ? undefined : (line) => process.stdout.write(`${line}\n`),
  });
  if (options.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const b of report.backends) {
      const r = b.result;
      process.stdout.write(
        r === null
          ? `[${b.backend}] FAIL: ${b.failure ?? 'no result'}\n`
          : `[${b.backend}] ${b.verdict.pass ? 'PASS' : 'FAIL'}: ${r.calls.toLocaleString('en')} calls in ${(r.durationMs / 1000).toFixed(1)} s, ` +
              `RSS ${mb(r.rss.deltaPerMillion)}/M (slope ${mb(r.rss.slopePerMillion)}/M), heap ${mb(r.heapUsed.deltaPerMillion)}/M, ` +
              `live C strings ${r.liveStringsEnd === null ? 'n/a' : r.liveStringsEnd}` +
              `${growthJudged(r) ? '' : ` (growth not judged: fewer than ${MIN_CALLS_FOR_GROWTH.toLocaleString('en')} calls)`}\n`,
      );
    }
    process.stdout.write(`soak: ${report.pass ? 'PASS' : 'FAIL'}\n`);
  }
  return report.pass ? 0 : 1;
}
