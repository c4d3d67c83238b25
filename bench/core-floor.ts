/**
 * The "core" floor: the core's own time for an operation, timed natively by the `core_floor`
 * cargo bench of tasker-core (`crates/tasker-core/benches/core_floor.rs`), never by a bridge
 * binary. All jobs of a run go to one `cargo bench` process (stdin: the jobs as JSON; stdout:
 * their timings), so the bench binary is built once and started twice: a probe of each job
 * to size its iteration count, then the measured run.
 */
import { spawnSync } from 'node:child_process';

import type { JsonValue } from '../src/contract.js';
import { packageRoot } from '../src/backends/locate.js';

/** What the core floor measured, in nanoseconds per call. */
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

export interface CoreJob {
  /** The core operation, snake_case as in `tasker_core::api` (`client_create_task`, …). */
  op: string;
  /** The free-form JSON the operation carries; `null`: the fixture's default. */
  payload: JsonValue | null;
}

interface RawTiming {
  op: string;
  iterations: number;
  median_ns: number;
  p99_ns: number;
  mean_ns: number;
  min_ns: number;
  max_ns: number;
  timer_overhead_ns: number;
}

function runCoreFloor(jobs: { op: string; payload: JsonValue | null; iterations: number }[]): CoreTiming[] {
  const result = spawnSync('cargo', ['bench', '-q', '-p', 'tasker-core', '--bench', 'core_floor'], {
    cwd: packageRoot(),
    input: JSON.stringify(jobs),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`cargo bench --bench core_floor exited with ${result.status ?? result.signal}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const lines = result.stdout.trim().split('\n');
  const raw = JSON.parse(lines[lines.length - 1] ?? '[]') as RawTiming[];
  return raw.map((d) => ({
    op: d.op,
    iterations: d.iterations,
    medianNs: d.median_ns,
    p99Ns: d.p99_ns,
    meanNs: d.mean_ns,
    minNs: d.min_ns,
    maxNs: d.max_ns,
    timerOverheadNs: d.timer_overhead_ns,
  }));
}

/**
 * Times every job with about `budgetMs` of core work each: a probe of 3 iterations estimates the
 * cost of one call, then the iteration count is chosen to fit the budget (within the bounds).
 * A failure of the whole run is returned as `{error}` for every job.
 */
export function timeCore(
  jobs: readonly CoreJob[],
  budgetMs: number,
  minIterations = 3,
  maxIterations = 20_000,
): (CoreTiming | { error: string })[] {
  if (jobs.length === 0) return [];
  try {
    const probes = runCoreFloor(jobs.map((job) => ({ ...job, iterations: 3 })));
    const sized = jobs.map((job, index) => {
      const perCallMs = Math.max(probes[index]?.meanNs ?? 1, 1) / 1e6;
      return { ...job, iterations: Math.max(minIterations, Math.min(maxIterations, Math.floor(budgetMs / perCallMs))) };
    });
    return runCoreFloor(sized);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return jobs.map(() => ({ error: message }));
  }
}
