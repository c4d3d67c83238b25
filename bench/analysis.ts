/**
 * Judges a benchmark run against the targets of the migration (docs/benchmarks.md):
 *
 * 1. napi's median <= koffi's for every operation at every payload size;
 * 2. small structured calls (create task and complete step event with <= 1 KB, poll with
 *    dependency results <= 1 KB): napi at least 2x faster than koffi;
 * 3. trivial calls (getVersion, healthCheck): napi within 1.5x of the empty napi call;
 * 4. cost grows linearly with payload size on both bridges (log-log slope 0.8..1.25 over the
 *    payload-dominated sizes, >= 10 KB);
 * 5. the napi backend's transfer of free-form JSON is the fastest measured (JSON text vs
 *    napi-rs objects), or ties with it (within 5%).
 *
 * Plus what is reported without a threshold: steps per second through WorkerServer, and the
 * contract layer's own share (validation and JSON policy) of each call.
 */
import type { TaskRecord } from './harness.js';
import type { Analysis, BenchReport, ContractShare, ScenarioResult, SlopeFit, TargetRow, TargetVerdict } from './model.js';

export const SMALL_STRUCTURED_OPS = ['clientCreateTask', 'completeStepEvent', 'pollStepEvents'];
export const SMALL_MAX_BYTES = 1024;
export const SMALL_MIN_SPEEDUP = 2;
export const TRIVIAL_OPS = ['getVersion', 'healthCheck'];
export const TRIVIAL_MAX_OVER_NOOP = 1.5;
export const LINEAR_SLOPE = [0.8, 1.25] as const;
export const LARGE_MIN_BYTES = 10_000;
/** The contract layer "dominates" a call when its checks take more than this share of it. */
export const CONTRACT_DOMINATES = 0.5;
/** The chosen napi transfer may be this much slower than the alternative in one scenario and still count (a tie). */
export const TRANSFER_TIE = 0.05;

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

export function analyze(report: Omit<BenchReport, 'analysis'>): Analysis {
  const { scenarios } = report;
  const targets: TargetVerdict[] = [];

  // 1. napi <= koffi everywhere.
  const everyRows: TargetRow[] = scenarios.map((s) => {
    const ratio = speedup(s);
    return { label: s.name, value: ratio, unit: 'x', threshold: '>= 1', ok: ratio === null ? null : ratio >= 1 };
  });
  const everyOk = everyRows.filter((r) => r.ok === true).length;
  targets.push({
    id: 'napi-not-slower',
    title: "napi's median <= koffi's for every operation at every payload size",
    status: status(everyRows),
    summary: `${everyOk} of ${everyRows.length} scenarios have napi at least as fast as koffi${failing(everyRows)}`,
    rows: everyRows,
  });

  // 2. Small structured calls: napi >= 2x faster.
  const smallRows: TargetRow[] = scenarios
    .filter((s) => SMALL_STRUCTURED_OPS.includes(s.op) && s.payloadBytes !== null && s.payloadBytes <= SMALL_MAX_BYTES)
    .map((s) => {
      const ratio = speedup(s);
      return { label: s.name, value: ratio, unit: 'x', threshold: `>= ${SMALL_MIN_SPEEDUP}`, ok: ratio === null ? null : ratio >= SMALL_MIN_SPEEDUP };
    });
  targets.push({
    id: 'small-structured-2x',
    title: 'small structured calls (create task, complete step, poll with dependency results; <= 1 KB): napi >= 2x faster than koffi',
    status: status(smallRows),
    summary:
      smallRows.length === 0
        ? 'not measured'
        : `koffi/napi ${smallRows.map((r) => `${r.label} ${times(r.value)}`).join(', ')}`,
    rows: smallRows,
  });

  // 3. Trivial calls within 1.5x of the empty napi call.
  const noop = median(report.floors, 'napi');
  const trivialRows: TargetRow[] = TRIVIAL_OPS.map((op) => {
    const s = scenarios.find((x) => x.op === op);
    const napi = s === undefined ? null : median(s.records, 'napi');
    const ratio = napi === null || noop === null || noop <= 0 ? null : napi / noop;
    return { label: `${op} [-]`, value: ratio, unit: 'x noop', threshold: `<= ${TRIVIAL_MAX_OVER_NOOP}`, ok: ratio === null ? null : ratio <= TRIVIAL_MAX_OVER_NOOP };
  });
  targets.push({
    id: 'trivial-near-noop',
    title: `trivial calls (getVersion, healthCheck): napi within ${TRIVIAL_MAX_OVER_NOOP}x of the empty napi call`,
    status: status(trivialRows),
    summary: `napi / empty napi call (${noop === null ? 'n/a' : `${fmt(noop)} ns`}): ${trivialRows.map((r) => `${r.label} ${times(r.value)}`).join(', ')}`,
    rows: trivialRows,
  });

  // 4. Linear growth with payload size.
  const slopeFits = fits(scenarios, ['napi', 'koffi', 'core']);
  const linearRows: TargetRow[] = slopeFits
    .filter((f) => f.subject === 'napi' || f.subject === 'koffi')
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
        : `slopes ${linearRows.map((r) => `${r.label} ${r.value === null ? 'n/a' : r.value.toFixed(2)}`).join(', ')}`,
    rows: linearRows,
  });

  // 5. The napi backend's transfer (JSON text in N-API strings) is the fastest measured: the
  // transfer probes, the same payload both ways, without an operation around it.
  const transferRows: TargetRow[] = report.transfer
    .filter((s) => record(s.records, 'napi-objects') !== undefined && record(s.records, 'napi-string') !== undefined)
    .map((s) => {
      const chosen = median(s.records, 'napi-string');
      const objects = median(s.records, 'napi-objects');
      const ratio = chosen === null || objects === null || chosen <= 0 ? null : objects / chosen;
      // A tie within TRANSFER_TIE is no reason to switch transfers: medians of sub-microsecond
      // calls move by a few percent between runs on a shared machine.
      return {
        label: s.name,
        value: ratio,
        unit: 'x',
        threshold: `>= ${1 - TRANSFER_TIE} (objects / json; within ${TRANSFER_TIE * 100}% is a tie)`,
        ok: ratio === null ? null : ratio >= 1 - TRANSFER_TIE,
      };
    });
  targets.push({
    id: 'napi-transfer',
    title: "napi's transfer of free-form JSON (JSON text in N-API strings) beats napi-rs object conversion",
    status: status(transferRows),
    summary:
      transferRows.length === 0
        ? 'not measured'
        : `objects / JSON text: ${transferRows.filter((r) => r.ok === true).length} of ${transferRows.length} transfers faster with JSON text${failing(transferRows)}`,
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
