/**
 * The shape of `reports/bench.json` (schema `tasker-ffi-bench/1`), shared by the benchmark run,
 * the report writers and the cutover report. All times are nanoseconds per call.
 */
import type { CoreTiming } from './core-floor.js';
import type { WorkerThroughput } from './e2e.js';
import type { RatioInterval } from './analysis.js';
import type { BenchSettings, TaskRecord } from './harness.js';

export const BENCH_SCHEMA = 'tasker-ffi-bench/1';

export interface ScenarioResult {
  /** `"<operation> [<payload>]"`. */
  name: string;
  op: string;
  /** Payload label (`1KB`) or `-`. */
  payload: string;
  payloadBytes: number | null;
  /** What the payload is in this call (task context, step result, …). */
  payloadRole: string | null;
  /** Every subject of the scenario: `napi`, `koffi`, `napi-objects`, floors `js`, `contract`. */
  records: TaskRecord[];
  /** The core's own time for the operation, timed natively (`cargo bench --bench core_floor`). */
  core?: CoreTiming | { error: string };
}

export interface TransferResult {
  name: string;
  /** `in`: JS -> Rust (argument); `out`: Rust -> JS (result). */
  direction: 'in' | 'out';
  payload: string;
  payloadBytes: number;
  records: TaskRecord[];
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  os: string;
  arch: string;
  totalMemoryGiB: number;
  loadAverage: number[];
  node: string;
  v8: string;
}

export type TargetStatus = 'met' | 'not met' | 'not measured';

export interface TargetRow {
  label: string;
  value: number | null;
  /** The ratio with its 95% interval, where the row is a koffi/napi ratio. */
  interval?: RatioInterval | null;
  /** How `value` reads (`x` for ratios, `slope`, …). */
  unit: string;
  threshold: string;
  ok: boolean | null;
}

export interface TargetVerdict {
  id: string;
  title: string;
  status: TargetStatus;
  summary: string;
  rows: TargetRow[];
}

export interface SlopeFit {
  op: string;
  subject: string;
  /** Log-log slope of median latency against payload bytes, all sizes. */
  slopeAll: number | null;
  /** The same over the payload-dominated sizes (>= 10 KB). */
  slopeLarge: number | null;
  points: { bytes: number; medianNs: number }[];
}

export interface ContractShare {
  scenario: string;
  validateNs: number | null;
  napiNs: number | null;
  koffiNs: number | null;
  /** validate / napi median. */
  shareOfNapi: number | null;
}

export interface Analysis {
  targets: TargetVerdict[];
  fits: SlopeFit[];
  contract: ContractShare[];
  /** Errored tasks, by name, with their error. */
  errors: { name: string; error: string }[];
}

export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  generatedAt: string;
  mode: 'quick' | 'full' | 'tiny';
  settings: BenchSettings;
  durationMs: number;
  machine: MachineInfo;
  /** Crate and package versions, library paths. */
  versions: Record<string, string>;
  /** Floors measured once per run: empty JS call, empty napi call, empty koffi call. */
  floors: TaskRecord[];
  scenarios: ScenarioResult[];
  transfer: TransferResult[];
  worker: WorkerThroughput[];
  analysis: Analysis;
}
