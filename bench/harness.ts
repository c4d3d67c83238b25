/**
 * Runs measured subjects with tinybench and reads the numbers from `bench.tasks`.
 *
 * One `Bench` per scenario holds every subject of that scenario (both backends, their floors and
 * any transfer variants) and warms them all up before it measures any, so the backends are
 * measured side by side in one process and one run. A scenario runs in `rounds` such Benches,
 * each with the subjects in a rotated order and a share of the time budget; the statistics are
 * taken over the samples of all rounds (read from `bench.tasks`, kept with `retainSamples`), so
 * a change of machine load during a scenario falls on every subject alike.
 *
 * Each task times its own calls and hands tinybench the duration per call
 * (`overriddenDuration`): stateful calls are timed one by one, with their set-up outside the
 * timed window (`beforeEach`/`afterEach`); calls that can run back to back are timed in batches
 * of `batch` calls (chosen so a sample lasts about `targetSampleMs`), because a single call of
 * a few tens of nanoseconds is below what a timer read can resolve. A batched sample is the mean
 * of its batch: medians are unaffected, and p99 is the p99 of batch means.
 */
import { Bench, type Task } from 'tinybench';

import type { Prepared } from './scenarios.js';

export interface BenchSettings {
  /** tinybench `time` (ms per task) and `iterations` (minimum samples per task). */
  time: number;
  iterations: number;
  warmupTime: number;
  warmupIterations: number;
  /** How long a batched sample should last. */
  targetSampleMs: number;
  /** Core work per scenario and build for the native floor. */
  coreBudgetMs: number;
  /** Benches per scenario (rotating the subjects' order); `time` and `iterations` are split. */
  rounds: number;
}

export const QUICK: BenchSettings = {
  time: 100,
  iterations: 10,
  warmupTime: 40,
  warmupIterations: 3,
  targetSampleMs: 0.02,
  coreBudgetMs: 40,
  rounds: 4,
};
export const FULL: BenchSettings = {
  time: 1000,
  iterations: 64,
  warmupTime: 250,
  warmupIterations: 16,
  targetSampleMs: 0.02,
  coreBudgetMs: 300,
  // The ratio intervals resample rounds: ten give a usable 95% interval.
  rounds: 10,
};
/** For tests: as little as still gives statistics. */
export const TINY: BenchSettings = {
  time: 5,
  iterations: 3,
  warmupTime: 1,
  warmupIterations: 1,
  targetSampleMs: 0.005,
  coreBudgetMs: 1,
  rounds: 1,
};

/** Something to measure: a named subject that prepares itself for the scenario. */
export interface Subject {
  /** `"<subject>: <operation> [<payload>]"`. */
  name: string;
  /** Who is measured: `napi`, `koffi`, a floor (`js`, `contract`), or a transfer variant. */
  subject: string;
  kind: 'backend' | 'floor' | 'transfer';
  batch: boolean;
  prepare(): Prepared;
}

/** The statistics of one task, in nanoseconds per call. */
export interface TaskRecord {
  name: string;
  subject: string;
  kind: Subject['kind'];
  state: string;
  error?: string;
  /** Calls per sample. */
  batch: number;
  samples: number;
  medianNs: number | null;
  p99Ns: number | null;
  meanNs: number | null;
  minNs: number | null;
  maxNs: number | null;
  sdNs: number | null;
  /** Relative margin of error of the mean, in percent. */
  rme: number | null;
  /** Benches the samples come from. */
  rounds: number;
  /**
   * The median of each round, in round order. Rounds of one scenario interleave its subjects, so
   * round i of napi and round i of koffi ran under the same machine load: ratios pair them.
   */
  roundMediansNs: number[];
}

const MAX_BATCH = 1000;

/** Per-call cost of `subject`, from a short untimed run (also a warm-up). */
function probeCostMs(subject: Subject, budgetMs: number): number {
  const prepared = subject.prepare();
  try {
    let calls = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < budgetMs && calls < 10_000) {
      prepared.call();
      calls += 1;
      elapsed = performance.now() - t0;
    }
    return elapsed / calls;
  } finally {
    prepared.finish?.();
  }
}

/** Calls per sample, the same for every batched subject of a scenario (from the fastest). */
export function chooseBatch(subjects: Subject[], settings: BenchSettings): number {
  const batched = subjects.filter((s) => s.batch);
  if (batched.length === 0) return 1;
  let fastest = Infinity;
  for (const subject of batched) {
    try {
      fastest = Math.min(fastest, probeCostMs(subject, Math.max(0.5, settings.targetSampleMs * 50)));
    } catch {
      // An erroring subject is reported by the real run.
    }
  }
  if (!Number.isFinite(fastest) || fastest <= 0) return 1;
  return Math.max(1, Math.min(MAX_BATCH, Math.round(settings.targetSampleMs / fastest)));
}

function addSubject(bench: Bench, subject: Subject, batch: number): void {
  let prepared: Prepared | undefined;
  let returned: unknown;
  const calls = subject.batch ? batch : 1;
  bench.add(
    subject.name,
    () => {
      const p = prepared as Prepared;
      const t0 = performance.now();
      for (let i = 0; i < calls; i += 1) returned = p.call();
      const elapsed = performance.now() - t0;
      return { overriddenDuration: elapsed / calls, overriddenIterationCost: elapsed };
    },
    {
      beforeAll() {
        prepared = subject.prepare();
      },
      beforeEach() {
        prepared?.before?.();
      },
      afterEach() {
        const last = returned;
        returned = undefined;
        prepared?.after?.(last, calls);
      },
      afterAll() {
        prepared?.finish?.();
        prepared = undefined;
      },
    },
  );
}

const ns = (ms: number | undefined): number | null => (ms === undefined || !Number.isFinite(ms) ? null : ms * 1e6);

/** Two-sided 95% critical values of Student's t, by degrees of freedom (1..30); 1.96 beyond. */
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Linear interpolation between order statistics (as tinybench computes its percentiles). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Statistics of latency samples in ms, as a record's fields in ns. */
export function statistics(samplesMs: readonly number[]): Pick<TaskRecord, 'samples' | 'medianNs' | 'p99Ns' | 'meanNs' | 'minNs' | 'maxNs' | 'sdNs' | 'rme'> {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { samples: 0, medianNs: null, p99Ns: null, meanNs: null, minNs: null, maxNs: null, sdNs: null, rme: null };
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? sorted.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const critical = n > 1 ? (T_95[n - 2] ?? 1.96) : 0;
  const rme = mean > 0 ? (100 * critical * (sd / Math.sqrt(n))) / mean : null;
  return {
    samples: n,
    medianNs: ns(quantile(sorted, 0.5)),
    p99Ns: ns(quantile(sorted, 0.99)),
    meanNs: ns(mean),
    minNs: ns(sorted[0]),
    maxNs: ns(sorted[n - 1]),
    sdNs: ns(sd),
    rme,
  };
}

/** The record of `subject` from the same task in every round (its samples merged). */
export function taskRecord(tasks: Task | Task[], subject: Subject, batch: number): TaskRecord {
  const list = Array.isArray(tasks) ? tasks : [tasks];
  const base = { name: subject.name, subject: subject.subject, kind: subject.kind, batch: subject.batch ? batch : 1, rounds: list.length };
  const samples: number[] = [];
  const roundMediansNs: number[] = [];
  for (const task of list) {
    const result = task.result;
    if (result.state === 'completed' || result.state === 'aborted-with-statistics') {
      const retained = result.latency.samples;
      const round = retained ?? [result.latency.p50]; // samples not retained: the median stands in
      // A loop, not push(...round): a round of a fast subject holds more samples than a call takes arguments.
      for (const sample of round) samples.push(sample);
      const median = statistics(round).medianNs;
      if (median !== null) roundMediansNs.push(median);
      continue;
    }
    const error = result.state === 'errored' ? (result.error?.message ?? String(result.error)) : undefined;
    return { ...base, state: result.state, ...(error === undefined ? {} : { error }), ...statistics([]), roundMediansNs: [] };
  }
  return { ...base, state: 'completed', ...statistics(samples), roundMediansNs };
}

/**
 * Runs one scenario's subjects in `settings.rounds` Benches (rotating their order); returns one
 * record per subject, errored ones too.
 */
export function runSubjects(name: string, subjects: Subject[], settings: BenchSettings): TaskRecord[] {
  const batch = chooseBatch(subjects, settings);
  const rounds = Math.max(1, settings.rounds);
  const tasks = new Map<string, Task[]>(subjects.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const bench = new Bench({
      name: `${name} #${round + 1}`,
      time: settings.time / rounds,
      iterations: Math.max(2, Math.ceil(settings.iterations / rounds)),
      warmup: true,
      warmupTime: settings.warmupTime / rounds,
      warmupIterations: settings.warmupIterations,
      retainSamples: true,
      throws: false,
    });
    const shift = round % subjects.length;
    const order = [...subjects.slice(shift), ...subjects.slice(0, shift)];
    for (const subject of order) addSubject(bench, subject, batch);
    bench.runSync();
    for (const subject of subjects) {
      const task = bench.getTask(subject.name);
      if (task === undefined) throw new Error(`bench: task ${subject.name} vanished`);
      tasks.get(subject.name)?.push(task);
    }
  }
  return subjects.map((subject) => taskRecord(tasks.get(subject.name) ?? [], subject, batch));
}
