/**
 * `tasker-ffi bench`: every operation on both backends, at every payload size where it carries
 * free-form JSON, with the floors (empty JS call, empty napi and koffi calls, JSON.stringify +
 * JSON.parse of the same payload, the contract layer's own checks, the core's own time in Rust),
 * the napi transfer alternatives side by side, and steps per second through WorkerServer; then
 * writes reports/bench.{json,md,svg}. docs/benchmarks.md explains the method and the targets.
 */
import { createRequire } from 'node:module';

import type { JsonObject, OperationName, TaskerFfi } from '../contract.js';
import { NapiBackend } from '../backends/napi.js';
import { JSON_TRANSFER_OPERATIONS } from '../backends/napi-addon.js';
import { KoffiBackend } from '../backends/koffi.js';
import { packageRoot } from '../backends/locate.js';
import { loadBackend } from '../select.js';
import { analyze } from './analysis.js';
import { legacyCoreTimer, napiCoreTimer, timeCore, type CoreTimer, type CoreTiming } from './core-floor.js';
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
  /** Skip the transfer probes / the WorkerServer benchmark. */
  transfer?: boolean;
  worker?: boolean;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

export const SETTINGS: Record<BenchMode, BenchSettings> = { quick: QUICK, full: FULL, tiny: TINY };

/** Operations whose napi transfer differs between `json` and `objects` (napi-ffi/src/json.rs). */
const TRANSFER_OPS = new Set<OperationName>(JSON_TRANSFER_OPERATIONS);

function formatNs(ns: number | null): string {
  if (ns === null) return 'ERR';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

function backendSubject(name: string, subject: string, kind: Subject['kind'], ffi: TaskerFfi, scenario: Scenario, payload: JsonObject | null): Subject {
  return { name, subject, kind, batch: scenario.batch, prepare: () => scenario.prepare(ffi, payload) };
}

function core(timer: CoreTimer | Error, scenario: Scenario, payload: JsonObject | null, budgetMs: number): CoreTiming | { error: string } {
  if (timer instanceof Error) return { error: timer.message };
  try {
    return timeCore(timer, coreName(scenario.op), payload, budgetMs, 3, 20_000);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function tryTimer(make: () => CoreTimer): CoreTimer | Error {
  try {
    return make();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Runs the benchmarks and returns the report (nothing is written). */
export async function runBench(options: RunBenchOptions = {}): Promise<BenchReport> {
  const mode = options.mode ?? 'quick';
  const settings = SETTINGS[mode];
  const progress = options.progress ?? (() => undefined);
  const started = performance.now();

  // Log records are counted but never written during a benchmark.
  const savedLogLevel = process.env.TASKER_LOG_LEVEL;
  delete process.env.TASKER_LOG_LEVEL;
  try {
    const napi = loadBackend({ backend: 'napi' }) as NapiBackend;
    const koffi = loadBackend({ backend: 'koffi' }) as KoffiBackend;
    const napiObjects = new NapiBackend({ libraryPath: napi.libraryPath, transfer: 'objects' });
    const coreTimers = {
      napi: tryTimer(() => napiCoreTimer(napi.libraryPath)),
      koffi: tryTimer(() => legacyCoreTimer(koffi.libraryPath)),
    };
    const sizes = options.sizes ?? PAYLOAD_SIZES;
    const payloads = new Map(sizes.map((s) => [s.label, contextOfSize(s.bytes, PAYLOAD_SEED)]));

    // Floors measured once: the empty calls.
    progress('floors: empty JS call, empty napi call, empty koffi call');
    const empty = (): void => undefined;
    const floors = runSubjects(
      'floors',
      [
        { name: 'js: empty call [-]', subject: 'js', kind: 'floor', batch: true, prepare: () => ({ call: () => empty() }) },
        { name: 'napi: noop [-]', subject: 'napi', kind: 'floor', batch: true, prepare: () => ({ call: () => napi.noop() }) },
        { name: 'koffi: noop [-]', subject: 'koffi', kind: 'floor', batch: true, prepare: () => ({ call: () => koffi.noop() }) },
      ],
      settings,
    );
    progress(`  ${floors.map((r) => `${r.name} ${formatNs(r.medianNs)}`).join(', ')}`);

    const scenarios = allScenarios(sizes).filter((s) => options.filter === undefined || options.filter.test(scenarioName(s)));
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
      if (TRANSFER_OPS.has(scenario.op)) {
        subjects.push(backendSubject(`napi-objects: ${name}`, 'napi-objects', 'transfer', napiObjects, scenario, payload));
      }
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
      const coreTimes = {
        napi: core(coreTimers.napi, scenario, payload, settings.coreBudgetMs),
        koffi: core(coreTimers.koffi, scenario, payload, settings.coreBudgetMs),
      };
      results.push({
        name,
        op: scenario.op,
        payload: scenario.size?.label ?? '-',
        payloadBytes: scenario.size?.bytes ?? null,
        payloadRole: scenario.payloadRole ?? null,
        records,
        core: coreTimes,
      });
      const byName = (subject: string) => records.find((r) => r.subject === subject);
      const n = byName('napi');
      const k = byName('koffi');
      const ratio = n?.medianNs && k?.medianNs ? ` koffi/napi ${(k.medianNs / n.medianNs).toFixed(2)}x` : '';
      const errors = records.filter((r) => r.error !== undefined).map((r) => `${r.subject} ERRORED: ${r.error}`);
      const coreNs = 'medianNs' in coreTimes.napi ? ` core ${formatNs(coreTimes.napi.medianNs)}` : '';
      progress(
        `[${index + 1}/${scenarios.length}] ${name}: napi ${formatNs(n?.medianNs ?? null)}, koffi ${formatNs(k?.medianNs ?? null)}${ratio}${coreNs}` +
          (errors.length > 0 ? ` (${errors.join('; ')})` : ''),
      );
    });

    // The transfers side by side, on the same payloads, without any operation around them.
    const transfer: TransferResult[] = [];
    if (options.transfer !== false) {
      const addon = napiTransferProbes(napi.libraryPath);
      if (addon !== null) {
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
            ],
            settings,
          );
          transfer.push({ name: outName, direction: 'out', payload: size.label, payloadBytes: size.bytes, records: outbound });
          const line = (records: TaskRecord[]) => records.map((r) => `${r.subject} ${formatNs(r.medianNs)}`).join(', ');
          progress(`transfer [${size.label}]: in: ${line(inbound)}; out: ${line(outbound)}`);
        }
      } else {
        progress('transfer: the addon has no benchTransfer* probes (rebuild it); skipped');
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
    if (savedLogLevel !== undefined) process.env.TASKER_LOG_LEVEL = savedLogLevel;
  }
}

function probe(name: string, subject: string, call: () => unknown): Subject {
  return { name, subject, kind: 'transfer', batch: true, prepare: () => ({ call }) };
}

interface TransferProbes {
  benchTransferSet(json: string): void;
  benchTransferInValue(value: unknown): number;
  benchTransferInString(json: string): number;
  benchTransferInBuffer(json: Buffer): number;
  benchTransferOutValue(): unknown;
  benchTransferOutString(): string;
  benchTransferOutBuffer(): Buffer;
}

function napiTransferProbes(file: string): TransferProbes | null {
  const addon = createRequire(import.meta.url)(file) as Partial<TransferProbes>;
  return typeof addon.benchTransferInValue === 'function' ? (addon as TransferProbes) : null;
}
