/**
 * The soak's targets and the one function that judges a run against them (used by the report, the
 * CLI and the reliability suite alike).
 */
import type { WorkloadResult } from './workload.js';

export const RSS_TARGET_BYTES_PER_MILLION = 5 * 1024 * 1024;
/** Churn bound: RSS growth per short-lived worker after the first batch (no per-load leak of an
 *  addon instance or an isolate, which would cost megabytes each). */
export const CHURN_RSS_BOUND_BYTES_PER_WORKER = 256 * 1024;
/** Below this many calls a run is still warming up (V8 tiers, allocator arenas): its growth per
 *  million calls is an extrapolation of noise, so it is reported but not judged. */
export const MIN_CALLS_FOR_GROWTH = 200_000;

/**
 * V8 flags of the soak children. V8 sizes its young generation adaptively and may double it at
 * any point of a run, a one-off step of 8-16 MB of RSS that is V8's choice, not a leak (seen
 * mid-run at ~140k calls). Pinning the semi-space size makes that step happen at start-up, so the
 * growth after warm-up is what the bridge and the core allocate and keep.
 */
export const SOAK_NODE_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

export interface BackendVerdict {
  pass: boolean;
  reasons: string[];
}

const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(2)} MB`;

/** Whether the run was long enough for its growth figures to be judged against the target. */
export function growthJudged(result: WorkloadResult): boolean {
  return result.calls >= MIN_CALLS_FOR_GROWTH;
}

/** PASS/FAIL of one backend's run against the targets (growth only for runs of at least
 *  `MIN_CALLS_FOR_GROWTH` calls; live C strings and anomalies always). */
export function judgeWorkload(result: WorkloadResult): BackendVerdict {
  const reasons: string[] = [];
  if (!result.gcExposed) reasons.push('global.gc was not exposed: samples are not comparable');
  const judged = growthJudged(result);
  for (const [label, figure] of [
    ['RSS delta', result.rss.deltaPerMillion],
    ['RSS slope', result.rss.slopePerMillion],
  ] as const) {
    if (judged && figure >= RSS_TARGET_BYTES_PER_MILLION) reasons.push(`${label} ${mb(figure)} per million calls >= ${mb(RSS_TARGET_BYTES_PER_MILLION)}`);
  }
  if (result.liveStringsEnd !== null && result.liveStringsEnd !== 0) reasons.push(`${result.liveStringsEnd} C strings not freed at the end`);
  if (result.anomalies.length > 0) reasons.push(`anomalies: ${result.anomalies.slice(0, 3).join('; ')}`);
  return { pass: reasons.length === 0, reasons };
}

