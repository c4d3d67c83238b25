/**
 * `tasker-ffi bench`: every operation on both backends, at every payload size where it carries
 * free-form JSON, with the floors (empty JS call, empty napi and koffi calls, JSON.stringify +
 * JSON.parse of the same payload, the contract layer's own checks, the core's own time in Rust),
 * the napi transfer alternatives side by side (probes of the harness build), and steps per second through WorkerServer; then
 * writes reports/bench.{json,md,svg}. docs/benchmarks.md explains the method and the targets.
 */
import type { JsonObject, OperationName, TaskerFfi } from '../src/contract.js';
import { NapiBackend } from '../src/backends/napi.js';
import { KoffiBackend } from '../src/backends/koffi.js';
import { packageRoot } from '../src/backends/locate.js';
import { loadBackend } from '../src/select.js';
import { ObjectSurface } from '../parity-tests/parity/support/raw.js';
import { analyze } from './analysis.js';
import { timeCore } from './core-floor.js';
import { loadBenchProbes } from './probes.js';
import { measureWorkers } from './e2e.js';
import { FULL, QUICK, runSubjects, TINY, type BenchSettings, type Subject, type TaskRecord } from './harness.js';
import { machineInfo, versions } from './machine.js';
import { BENCH_SCHEMA, type BenchReport, type ScenarioResult, type TransferResult } from './model.js';
import { contextOfSize, PAYLOAD_SEED, PAYLOAD_SIZES, type PayloadSize } from './payloads.js';
import { allScenarios, coreName, scenarioName, type Scenario } from './scenarios.js';

export type BenchMode = BenchReport['mode'];

export interface RunBenchOptions {
  mode?: BenchMode;
  /** Only scenarios whose name matches (e.g. `/clientCreateTask/`). */
  filter?: RegExp;
  /** Payload sizes of the sized scenarios (default: all five). */
  sizes?: readonly PayloadSize[];
  /** Skip the transfer probes / the WorkerServer benchmark / the tasker-napi reference row. */
  transfer?: boolean;
  reference?: boolean;
  worker?: boolean;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

export const SETTINGS: Record<BenchMode, BenchSettings> = { quick: QUICK, full: FULL, tiny: TINY };

function formatNs(ns: number | null): string {
  if (ns === null) return 'ERR';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

function backendSubject(name: string, subject: string, kind: Subject['kind'], ffi: TaskerFfi, scenario: Scenario, payload: JsonObject | null): Subject {
  return { name, subject, kind, batch: scenario.batch, prepare: () => scenario.prepare(ffi, payload) };
}

/** Runs the benchmarks and returns the report (nothing is written). */
export async function runBench(options: RunBenchOptions = {}): Promise<BenchReport> {
  const mode = options.mode ?? 'quick';
  const settings = SETTINGS[mode];
  const progress = options.progress ?? (() => undefined);
  const started = performance.now();

  // Log records are never written during a benchmark: `off` drops them after the bridge, so the
  // log scenarios time the call, not the terminal.
  const savedLogLevel = process.env.TASKER_LOG_LEVEL;
  process.env.TASKER_LOG_LEVEL = 'off';
  try {
    const napi = loadBackend({ backend: 'napi' }) as NapiBackend;
    const koffi = loadBackend({ backend: 'koffi' }) as KoffiBackend;
    const probes = loadBenchProbes();
    // The reference: tasker's landed transfer, i.e. the addon's object exports (napi-rs objects and
    // serde_json::Value), mapped to the contract in JS as a worker must. Same addon, same engine.
    const taskerNapi = options.reference === false ? null : new ObjectSurface();
    const sizes = options.sizes ?? PAYLOAD_SIZES;
    const payloads = new Map(sizes.map((s) => [s.label, contextOfSize(s.bytes, PAYLOAD_SEED)]));

    // Floors measured once: the empty calls.
    progress('floors: empty JS call, empty napi call, empty koffi call');
    const empty = (): void => undefined;
    const floors = runSubjects(
      'floors',
      [
        { name: 'js: empty call [-]', subject: 'js', kind: 'floor', batch: true, prepare: () => ({ call: () => empty() }) },
        { name: 'napi: noop [-]', subject: 'napi', kind: 'floor', batch: true, prepare: () => ({ call: () => probes.napiNoop() }) },
        { name: 'koffi: noop [-]', subject: 'koffi', kind: 'floor', batch: true, prepare: () => ({ call: () => probes.koffiNoop() }) },
      ],
      settings,
    );
    progress(`  ${floors.map((r) => `${r.name} ${formatNs(r.medianNs)}`).join(', ')}`);

    const scenarios = allScenarios(sizes).filter((s) => {
      if (options.filter !== undefined && !options.filter.test(scenarioName(s))) return false;
      const payload = s.size === null ? undefined : payloads.get(s.size.label);
      const refused = payload === undefined ? null : (s.refuses?.(payload) ?? null);
      if (refused !== null) progress(`not run: ${scenarioName(s)}: ${refused}`);
      return refused === null;
    });
    const results: ScenarioResult[] = [];
    scenarios.forEach((scenario, index) => {
      const name = scenarioName(scenario);
      const payload = scenario.size === null ? null : (payloads.get(scenario.size.label) ?? null);
      const pair: Subject[] = [
        backendSubject(`napi: ${name}`, 'napi', 'backend', napi, scenario, payload),
        backendSubject(`koffi: ${name}`, 'koffi', 'backend', koffi, scenario, payload),
      ];
      // Alternate which backend goes first, so neither always runs on a warmer or cooler machine.
      const subjects: Subject[] = index % 2 === 0 ? pair : [pair[1] as Subject, pair[0] as Subject];
      if (taskerNapi !== null) subjects.push(backendSubject(`tasker-napi: ${name}`, 'tasker-napi', 'backend', taskerNapi, scenario, payload));
      if (payload !== null) {
        subjects.push({
          name: `js: JSON.stringify+parse ${name}`,
          subject: 'js',
          kind: 'floor',
          batch: true,
          prepare: () => ({ call: () => JSON.parse(JSON.stringify(payload)) as unknown }),
        });
        const validate = scenario.validate;
        if (validate !== undefined) {
          subjects.push({
            name: `contract: validate ${name}`,
            subject: 'contract',
            kind: 'floor',
            batch: true,
            prepare: () => ({ call: validate(payload) }),
          });
        }
      }
      const records = runSubjects(name, subjects, settings);
      results.push({
        name,
        op: scenario.op,
        payload: scenario.size?.label ?? '-',
        payloadBytes: scenario.size?.bytes ?? null,
        payloadRole: scenario.payloadRole ?? null,
        records,
      });
      const byName = (subject: string) => records.find((r) => r.subject === subject);
      const n = byName('napi');
      const k = byName('koffi');
      const ratio = n?.medianNs && k?.medianNs ? ` koffi/napi ${(k.medianNs / n.medianNs).toFixed(2)}x` : '';
      const errors = records.filter((r) => r.error !== undefined).map((r) => `${r.subject} ERRORED: ${r.error}`);
      progress(
        `[${index + 1}/${scenarios.length}] ${name}: napi ${formatNs(n?.medianNs ?? null)}, koffi ${formatNs(k?.medianNs ?? null)}${ratio}` +
          (errors.length > 0 ? ` (${errors.join('; ')})` : ''),
      );
    });

    // The core floor of every scenario, natively, in one cargo bench run.
    progress('core floor: cargo bench -p tasker-core --bench core_floor');
    const coreTimes = timeCore(
      scenarios.map((scenario) => ({
        op: coreName(scenario.op),
        payload: scenario.size === null ? null : (payloads.get(scenario.size.label) ?? null),
      })),
      settings.coreBudgetMs,
    );
    results.forEach((result, index) => {
      result.core = coreTimes[index] ?? { error: 'not measured' };
    });

    // The transfers side by side, on the same payloads, without any operation around them.
    const transfer: TransferResult[] = [];
    if (options.transfer !== false) {
      const addon = probes.transfer;
      {
        for (const size of sizes) {
          const payload = payloads.get(size.label) as JsonObject;
          const text = JSON.stringify(payload);
          const inName = `transfer in [${size.label}]`;
          const inbound = runSubjects(
            inName,
            [
              probe(`napi-objects: ${inName}`, 'napi-objects', () => addon.benchTransferInValue(payload)),
              probe(`napi-string: ${inName}`, 'napi-string', () => addon.benchTransferInString(JSON.stringify(payload))),
              probe(`napi-buffer: ${inName}`, 'napi-buffer', () => addon.benchTransferInBuffer(Buffer.from(JSON.stringify(payload)))),
            ],
            settings,
          );
          transfer.push({ name: inName, direction: 'in', payload: size.label, payloadBytes: size.bytes, records: inbound });
          addon.benchTransferSet(text);
          const outName = `transfer out [${size.label}]`;
          const outbound = runSubjects(
            outName,
            [
              probe(`napi-objects: ${outName}`, 'napi-objects', () => addon.benchTransferOutValue()),
              probe(`napi-string: ${outName}`, 'napi-string', () => JSON.parse(addon.benchTransferOutString()) as unknown),
              probe(`napi-buffer: ${outName}`, 'napi-buffer', () => JSON.parse(addon.benchTransferOutBuffer().toString('utf8')) as unknown),
              probe(`napi-cached-keys: ${outName}`, 'napi-cached-keys', () => addon.benchTransferOutCachedKeys()),
            ],
            settings,
          );
          transfer.push({ name: outName, direction: 'out', payload: size.label, payloadBytes: size.bytes, records: outbound });
          const line = (records: TaskRecord[]) => records.map((r) => `${r.subject} ${formatNs(r.medianNs)}`).join(', ');
          progress(`transfer [${size.label}]: in: ${line(inbound)}; out: ${line(outbound)}`);
        }
      }
    }

    let worker: BenchReport['worker'] = [];
    if (options.worker !== false) {
      const tasks = mode === 'full' ? 100 : mode === 'quick' ? 25 : 2;
      worker = await measureWorkers([napi, koffi], settings, tasks);
      progress(
        `worker: ${worker.map((w) => `${w.subject} ${w.stepsPerSecond === null ? `ERRORED (${w.error ?? w.state})` : `${Math.round(w.stepsPerSecond)} steps/s`}`).join(', ')}`,
      );
    }

    const partial: Omit<BenchReport, 'analysis'> = {
      schema: BENCH_SCHEMA,
      generatedAt: new Date().toISOString(),
      mode,
      settings,
      durationMs: Math.round(performance.now() - started),
      machine: machineInfo(),
      versions: versions(packageRoot(), { napi: napi.libraryPath, koffi: koffi.libraryPath }),
      floors,
      scenarios: results,
      transfer,
      worker,
    };
    return { ...partial, analysis: analyze(partial) };
  } finally {
    if (savedLogLevel === undefined) delete process.env.TASKER_LOG_LEVEL;
    else process.env.TASKER_LOG_LEVEL = savedLogLevel;
  }
}

function probe(name: string, subject: string, call: () => unknown): Subject {
  return { name, subject, kind: 'transfer', batch: true, prepare: () => ({ call }) };
}
