/**
 * Judges a benchmark run against the targets of the migration (docs/benchmarks.md). Every ratio
 * comes with a 95% interval from the interleaved rounds (a bootstrap over paired rounds); a
 * scenario is faster or slower only when its interval excludes 1, otherwise it is a tie.
 *
 * 1. no operation at any payload size is significantly slower on napi (interval upper bound >= 1);
 * 2. small structured calls (create task, complete step event, poll with dependency results;
 *    100 B and 1 KB): koffi/napi >= 1.5 at the interval's lower bound;
 * 3. napi within 2.5x of its floor (the core's own time + the empty napi call) for those calls,
 *    and getVersion within 2.5x of the empty napi call;
 * 4. cost grows linearly with payload size on both bridges (log-log slope 0.8..1.25 over the
 *    payload-dominated sizes, >= 10 KB);
 * 5. the napi transfer of free-form JSON (JSON text in N-API strings) is the fastest measured
 *    (JSON text vs napi-rs objects, and outbound vs objects with cached property keys), or ties
 *    with them (within 5%).
 *
 * Targets are judged on a full run; a quick run is a smoke (the cutover report does not judge it).
 * Plus what is reported without a threshold: steps per second through WorkerServer, and the
 * contract layer's own share (validation and JSON policy) of each call.
 */
import { seededRandom } from '../parity-tests/arbitraries/payloads.js';
import type { TaskRecord } from './harness.js';
import type { Analysis, BenchReport, ContractShare, ScenarioResult, SlopeFit, TargetRow, TargetVerdict } from './model.js';

export const SMALL_STRUCTURED_OPS = ['clientCreateTask', 'completeStepEvent', 'pollStepEvents'];
export const SMALL_MAX_BYTES = 1024;
export const SMALL_MIN_SPEEDUP = 1.5;
export const TRIVIAL_OPS = ['getVersion'];
export const TRIVIAL_MAX_OVER_NOOP = 2.5;
/** napi's median may be this many times its floor (core + empty napi call). */
export const MAX_OVER_FLOOR = 2.5;
/** Bootstrap resamples of the rounds, and the interval's coverage. */
export const BOOTSTRAP_RESAMPLES = 2000;
export const INTERVAL = 0.95;
export const LINEAR_SLOPE = [0.8, 1.25] as const;
export const LARGE_MIN_BYTES = 10_000;
/** The contract layer "dominates" a call when its checks take more than this share of it. */
export const CONTRACT_DOMINATES = 0.5;
/** The chosen napi transfer may be this much slower than the alternative in one scenario and still count (a tie). */
export const TRANSFER_TIE = 0.05;
/** The object transfers the JSON text transfer is judged against: subject and label. */
export const TRANSFER_ALTERNATIVES = [
  ['napi-objects', 'objects'],
  ['napi-cached-keys', 'cached-keys objects'],
] as const;

export function record(records: readonly TaskRecord[], subject: string): TaskRecord | undefined {
  return records.find((r) => r.subject === subject);
}

export function median(records: readonly TaskRecord[], subject: string): number | null {
  return record(records, subject)?.medianNs ?? null;
}

/** koffi median / napi median (> 1: napi is faster). */
export function speedup(scenario: ScenarioResult): number | null {
  const napi = median(scenario.records, 'napi');
  const koffi = median(scenario.records, 'koffi');
  return napi === null || koffi === null || napi <= 0 ? null : koffi / napi;
}

/** A ratio with its 95% interval; `low`/`high` are null with fewer than two paired rounds. */
export interface RatioInterval {
  point: number;
  low: number | null;
  high: number | null;
  rounds: number;
  /** `faster`/`slower` (for the numerator's subject: napi when koffi/napi) only when the interval excludes 1. */
  verdict: 'faster' | 'slower' | 'tie' | 'no interval';
}

const medianOf = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(mid)] as number) + (sorted[Math.ceil(mid)] as number)) / 2;
};

/**
 * `slow / fast` (koffi / napi by default: > 1 means napi is faster). The point is the ratio of the
 * medians over all samples; the interval is a percentile bootstrap of the median of per-round
 * ratios, resampling rounds (each round ran both subjects side by side, so they pair).
 */
export function ratioInterval(records: readonly TaskRecord[], slow = 'koffi', fast = 'napi'): RatioInterval | null {
  const a = record(records, slow);
  const b = record(records, fast);
  if (a?.medianNs == null || b?.medianNs == null || b.medianNs <= 0) return null;
  const ra = a.roundMediansNs ?? [];
  const rb = b.roundMediansNs ?? [];
  const ratios = ra.slice(0, Math.min(ra.length, rb.length)).map((x, i) => x / (rb[i] as number)).filter((x) => Number.isFinite(x) && x > 0);
  if (ratios.length < 2) return { point: a.medianNs / b.medianNs, low: null, high: null, rounds: ratios.length, verdict: 'no interval' };
  // The point is the statistic the interval is for (the median of the paired per-round ratios),
  // so it always lies inside it; the ratio of the two overall medians can fall outside.
  const point = medianOf(ratios);
  // Seeded: the same run gives the same interval.
  const next = seededRandom(ratios.length * 7919 + Math.round(point * 1e6));
  const estimates: number[] = [];
  for (let i = 0; i < BOOTSTRAP_RESAMPLES; i += 1) {
    const resample = ratios.map(() => ratios[Math.floor(next() * ratios.length)] as number);
    estimates.push(medianOf(resample));
  }
  estimates.sort((x, y) => x - y);
  const tail = (1 - INTERVAL) / 2;
  const low = estimates[Math.floor(tail * (estimates.length - 1))] as number;
  const high = estimates[Math.ceil((1 - tail) * (estimates.length - 1))] as number;
  const verdict = low > 1 ? 'faster' : high < 1 ? 'slower' : 'tie';
  return { point, low, high, rounds: ratios.length, verdict };
}

/** `1.62x [1.41, 1.80]`. */
export function formatInterval(r: RatioInterval | null): string {
  if (r === null) return 'n/a';
  return r.low === null || r.high === null ? `${fmt(r.point)}x (no interval)` : `${fmt(r.point)}x [${fmt(r.low)}, ${fmt(r.high)}]`;
}

function status(rows: TargetRow[]): TargetVerdict['status'] {
  if (rows.length === 0 || rows.some((r) => r.ok === null)) return 'not measured';
  return rows.every((r) => r.ok === true) ? 'met' : 'not met';
}

const fmt = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
/** `1.23x`, or `n/a` when there is no value. */
const times = (x: number | null) => (x === null ? 'n/a' : `${fmt(x)}x`);

function failing(rows: TargetRow[]): string {
  const bad = rows.filter((r) => r.ok === false);
  if (bad.length === 0) return '';
  const shown = bad.slice(0, 6).map((r) => `${r.label} (${r.value === null ? 'n/a' : fmt(r.value)}${r.unit})`);
  return `; fails: ${shown.join(', ')}${bad.length > shown.length ? `, and ${bad.length - shown.length} more` : ''}`;
}

/** Least-squares slope of ln(y) on ln(x); null with fewer than two points. */
export function logLogSlope(points: readonly { bytes: number; medianNs: number }[]): number | null {
  const usable = points.filter((p) => p.bytes > 0 && p.medianNs > 0);
  if (usable.length < 2) return null;
  const xs = usable.map((p) => Math.log(p.bytes));
  const ys = usable.map((p) => Math.log(p.medianNs));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * ((ys[i] as number) - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? null : num / den;
}

export function fits(scenarios: readonly ScenarioResult[], subjects = ['napi', 'koffi']): SlopeFit[] {
  const sizedOps = [...new Set(scenarios.filter((s) => s.payloadBytes !== null).map((s) => s.op))];
  const out: SlopeFit[] = [];
  for (const op of sizedOps) {
    const sized = scenarios.filter((s) => s.op === op && s.payloadBytes !== null);
    if (sized.length < 3) continue; // only the operations measured across sizes
    for (const subject of subjects) {
      const at = (s: ScenarioResult): number | null => {
        if (subject !== 'core') return median(s.records, subject);
        const c = s.core;
        return c !== undefined && 'medianNs' in c ? c.medianNs : null;
      };
      const points = sized
        .map((s) => ({ bytes: s.payloadBytes as number, medianNs: at(s) }))
        .filter((p): p is { bytes: number; medianNs: number } => p.medianNs !== null)
        .sort((a, b) => a.bytes - b.bytes);
      if (points.length === 0) continue;
      out.push({
        op,
        subject,
        slopeAll: logLogSlope(points),
        slopeLarge: logLogSlope(points.filter((p) => p.bytes >= LARGE_MIN_BYTES)),
        points,
      });
    }
  }
  return out;
}

/**
 * A target's row for one scenario's koffi/napi ratio: shows `shown` of it, and is met when the
 * interval's `bound` is at least `min` (unknown without an interval).
 */
function ratioRow(
  scenario: ScenarioResult,
  spec: { shown: 'point' | 'low'; unit: string; bound: 'low' | 'high'; min: number; threshold: string },
): TargetRow {
  const r = ratioInterval(scenario.records);
  const limit = r?.[spec.bound] ?? null;
  return { label: scenario.name, value: r?.[spec.shown] ?? null, unit: spec.unit, interval: r, threshold: spec.threshold, ok: limit === null ? null : limit >= spec.min };
}

export function analyze(report: Omit<BenchReport, 'analysis'>): Analysis {
  const { scenarios } = report;
  const targets: TargetVerdict[] = [];

  // 1. No operation significantly slower on napi.
  const everyRows: TargetRow[] = scenarios.map((s) =>
    ratioRow(s, { shown: 'point', unit: 'x', bound: 'high', min: 1, threshold: 'interval upper bound >= 1 (not significantly slower)' }),
  );
  const counts = { faster: 0, tie: 0, slower: 0 };
  for (const row of everyRows) if (row.interval != null && row.interval.verdict !== 'no interval') counts[row.interval.verdict] += 1;
  targets.push({
    id: 'napi-not-slower',
    title: 'no operation at any payload size is significantly slower on napi (koffi/napi interval excludes values below 1)',
    status: status(everyRows),
    summary: `napi faster in ${counts.faster}, tie in ${counts.tie}, slower in ${counts.slower} of ${everyRows.length} scenarios${failing(everyRows)}`,
    rows: everyRows,
  });

  // 2. Small structured calls: koffi/napi >= 1.5 at the interval's lower bound.
  const small = scenarios.filter((s) => SMALL_STRUCTURED_OPS.includes(s.op) && s.payloadBytes !== null && s.payloadBytes <= SMALL_MAX_BYTES);
  const smallRows: TargetRow[] = small.map((s) =>
    ratioRow(s, { shown: 'low', unit: 'x (lower bound)', bound: 'low', min: SMALL_MIN_SPEEDUP, threshold: `>= ${SMALL_MIN_SPEEDUP}` }),
  );
  targets.push({
    id: 'small-structured-1.5x',
    title: `small structured calls (create task, complete step, poll with dependency results; 100 B and 1 KB): koffi/napi >= ${SMALL_MIN_SPEEDUP} at the 95% interval's lower bound`,
    status: status(smallRows),
    summary: smallRows.length === 0 ? 'not measured' : `koffi/napi ${smallRows.map((r) => `${r.label} ${formatInterval(r.interval ?? null)}`).join(', ')}`,
    rows: smallRows,
  });

  // 3. napi near its floor: the core's own time plus the empty napi call.
  const noop = median(report.floors, 'napi');
  const floorRows: TargetRow[] = small.map((s) => {
    const napi = median(s.records, 'napi');
    const core = s.core !== undefined && 'medianNs' in s.core ? s.core.medianNs : null;
    const floor = core === null || noop === null ? null : core + noop;
    const ratio = napi === null || floor === null || floor <= 0 ? null : napi / floor;
    return { label: s.name, value: ratio, unit: 'x floor', threshold: `<= ${MAX_OVER_FLOOR}`, ok: ratio === null ? null : ratio <= MAX_OVER_FLOOR };
  });
  for (const op of TRIVIAL_OPS) {
    const s = scenarios.find((x) => x.op === op);
    const napi = s === undefined ? null : median(s.records, 'napi');
    const ratio = napi === null || noop === null || noop <= 0 ? null : napi / noop;
    floorRows.push({ label: `${op} [-]`, value: ratio, unit: 'x empty call', threshold: `<= ${TRIVIAL_MAX_OVER_NOOP}`, ok: ratio === null ? null : ratio <= TRIVIAL_MAX_OVER_NOOP });
  }
  targets.push({
    id: 'napi-near-floor',
    title: `napi within ${MAX_OVER_FLOOR}x of its floor (core + empty napi call) for the small structured calls; getVersion within ${TRIVIAL_MAX_OVER_NOOP}x of the empty napi call`,
    status: status(floorRows),
    summary: `napi / floor (empty napi call ${noop === null ? 'n/a' : `${fmt(noop)} ns`}): ${floorRows.map((r) => `${r.label} ${times(r.value)}`).join(', ')}`,
    rows: floorRows,
  });

  // 4. Linear growth with payload size.
  const slopeFits = fits(scenarios, ['napi', 'koffi', 'core']);
  const bridgeFits = slopeFits.filter((f) => f.subject === 'napi' || f.subject === 'koffi');
  // An operation measured at fewer than two sizes >= 10 KB (clientCreateTask: tasker refuses larger
  // contexts) has no large-size slope: named, not judged.
  const unsized = [...new Set(bridgeFits.filter((f) => f.slopeLarge === null).map((f) => f.op))];
  const linearRows: TargetRow[] = bridgeFits
    .filter((f) => f.slopeLarge !== null)
    .map((f) => ({
      label: `${f.subject}: ${f.op}`,
      value: f.slopeLarge,
      unit: '',
      threshold: `${LINEAR_SLOPE[0]}..${LINEAR_SLOPE[1]}`,
      ok: f.slopeLarge === null ? null : f.slopeLarge >= LINEAR_SLOPE[0] && f.slopeLarge <= LINEAR_SLOPE[1],
    }));
  targets.push({
    id: 'linear-growth',
    title: 'cost grows linearly with payload size on both bridges (log-log slope over >= 10 KB)',
    status: status(linearRows),
    summary:
      linearRows.length === 0
        ? 'not measured (needs three or more payload sizes)'
        : `slopes ${linearRows.map((r) => `${r.label} ${r.value === null ? 'n/a' : r.value.toFixed(2)}`).join(', ')}` +
          (unsized.length > 0 ? `; not enough sizes >= 10 KB: ${unsized.join(', ')}` : ''),
    rows: linearRows,
  });

  // 5. The napi backend's transfer (JSON text in N-API strings) is the fastest measured: every
  // object transfer probe (napi-rs objects both ways, objects with cached keys outbound) against
  // the string, the same payload, without an operation around it.
  const transferRows: TargetRow[] = report.transfer.flatMap((s) =>
    TRANSFER_ALTERNATIVES.filter(([subject]) => record(s.records, subject) !== undefined && record(s.records, 'napi-string') !== undefined).map(
      ([subject, label]): TargetRow => {
        const chosen = median(s.records, 'napi-string');
        const alternative = median(s.records, subject);
        const ratio = chosen === null || alternative === null || chosen <= 0 ? null : alternative / chosen;
        // A tie within TRANSFER_TIE is no reason to switch transfers: medians of sub-microsecond
        // calls move by a few percent between runs on a shared machine.
        return {
          label: `${s.name}: ${label} / json`,
          value: ratio,
          interval: ratioInterval(s.records, subject, 'napi-string'),
          unit: 'x',
          threshold: `>= ${1 - TRANSFER_TIE} (${label} / json; within ${TRANSFER_TIE * 100}% is a tie)`,
          ok: ratio === null ? null : ratio >= 1 - TRANSFER_TIE,
        };
      },
    ),
  );
  const perAlternative = TRANSFER_ALTERNATIVES.map(([, label]) => {
    const rows = transferRows.filter((r) => r.label.endsWith(`: ${label} / json`));
    return rows.length === 0 ? null : `${label} / JSON text: ${rows.filter((r) => r.ok === true).length} of ${rows.length} transfers faster with JSON text or tied`;
  }).filter((x) => x !== null);
  targets.push({
    id: 'napi-transfer',
    title: "napi's transfer of free-form JSON (JSON text in N-API strings) is the fastest measured: beats napi-rs objects and objects with cached keys",
    status: status(transferRows),
    summary: transferRows.length === 0 ? 'not measured' : `${perAlternative.join('; ')}${failing(transferRows)}`,
    rows: transferRows,
  });

  const contract: ContractShare[] = scenarios
    .filter((s) => record(s.records, 'contract') !== undefined)
    .map((s) => {
      const validateNs = median(s.records, 'contract');
      const napiNs = median(s.records, 'napi');
      return {
        scenario: s.name,
        validateNs,
        napiNs,
        koffiNs: median(s.records, 'koffi'),
        shareOfNapi: validateNs === null || napiNs === null || napiNs <= 0 ? null : validateNs / napiNs,
      };
    });

  const errors: Analysis['errors'] = [];
  const all = [...report.floors, ...scenarios.flatMap((s) => s.records), ...report.transfer.flatMap((t) => t.records), ...report.worker];
  for (const r of all) if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') errors.push({ name: r.name, error: r.error ?? r.state });
  return { targets, fits: slopeFits, contract, errors };
}
