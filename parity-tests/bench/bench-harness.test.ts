/**
 * The benchmark harness end to end at a tiny size: it measures a few scenarios on both backends
 * (with their floors, the core's own time, the transfer probes and the worker), and the report
 * writers turn the result into valid JSON, Markdown and SVG, and the cutover report into a
 * verdict. No timing is asserted: only shapes, names and that nothing errored.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { analyze, logLogSlope, ratioInterval } from '../../bench/analysis.js';
import { BENCH_SCHEMA, type BenchReport } from '../../bench/model.js';
import { contextOfSize, PAYLOAD_SIZES } from '../../bench/payloads.js';
import { loadBenchProbes } from '../../bench/probes.js';
import { allScenarios, scenarioName } from '../../bench/scenarios.js';
import { runBench } from '../../bench/run.js';
import { OPERATIONS } from '../../src/contract.js';
import { readBenchReport, writeBenchReports } from '../../bench/report.js';
import { assessCutover, renderCutover, writeCutover } from '../../scripts/report/cutover.js';

const TINY_SIZES = PAYLOAD_SIZES.slice(0, 3);

describe('benchmark harness (tiny run)', () => {
  let report: BenchReport;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tasker-bench-'));
    report = await runBench({
      mode: 'tiny',
      sizes: TINY_SIZES,
      filter: /^(getVersion|healthCheck|clientGetTask|clientCreateTask|completeStepEvent|pollStepEvents|bootstrapWorker) /,
    });
  }, 120_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('every one of the 28 operations has a scenario, the free-form ones at every size', () => {
    const scenarios = allScenarios();
    expect(new Set(scenarios.map((s) => s.op))).toEqual(new Set(OPERATIONS));
    for (const op of ['clientCreateTask', 'completeStepEvent', 'checkpointYieldStepEvent', 'logInfo', 'pollStepEvents']) {
      expect(scenarios.filter((s) => s.op === op).map((s) => s.size?.label)).toEqual(PAYLOAD_SIZES.map((s) => s.label));
    }
  });

  test('tasks are named "<backend>: <operation> [<payload>]", both backends in every scenario, and none errored', () => {
    expect(report.schema).toBe(BENCH_SCHEMA);
    expect(report.scenarios.length).toBe(4 + 3 * TINY_SIZES.length);
    for (const s of report.scenarios) {
      const subjects = s.records.map((r) => r.subject);
      // tasker's landed transfer (the object exports) is the reference row of every scenario.
      expect(subjects).toEqual(expect.arrayContaining(['napi', 'koffi', 'tasker-napi']));
      expect(s.records.find((r) => r.subject === 'napi')?.name).toBe(`napi: ${s.name}`);
      expect(s.records.find((r) => r.subject === 'koffi')?.name).toBe(`koffi: ${s.name}`);
      expect(s.name).toMatch(/^[a-zA-Z]+ \[(-|\d+(B|KB|MB))\]$/);
      if (s.payloadBytes !== null) expect(subjects).toContain('js');
      expect(s.core).toHaveProperty('medianNs');
    }
    expect(report.analysis.errors).toEqual([]);
    expect(report.floors.map((r) => r.name)).toEqual(['js: empty call [-]', 'napi: noop [-]', 'koffi: noop [-]']);
    expect(report.transfer.map((t) => t.name)).toContain(`transfer out [${TINY_SIZES[0]?.label}]`);
    for (const t of report.transfer.filter((t) => t.direction === 'out')) {
      expect(t.records.map((r) => r.subject)).toEqual(expect.arrayContaining(['napi-objects', 'napi-string', 'napi-buffer', 'napi-cached-keys']));
    }
    // The transfer target judges the cached-keys objects too, not only napi-rs objects.
    const transferTarget = report.analysis.targets.find((t) => t.id === 'napi-transfer');
    expect(transferTarget?.rows.map((r) => r.label)).toContain(`transfer out [${TINY_SIZES[0]?.label}]: cached-keys objects / json`);
    expect(report.worker.map((w) => w.subject)).toEqual(['napi', 'koffi']);
    expect(report.analysis.targets.map((t) => t.id)).toEqual([
      'napi-not-slower',
      'small-structured-1.5x',
      'napi-near-floor',
      'linear-growth',
      'napi-transfer',
    ]);
  });

  test('an errored task is kept and marked, not dropped', async () => {
    const scenario = allScenarios(TINY_SIZES).find((s) => scenarioName(s) === 'getVersion [-]');
    expect(scenario).toBeDefined();
    const { runSubjects, TINY } = await import('../../bench/harness.js');
    const records = runSubjects(
      'errors',
      [{ name: 'broken: getVersion [-]', subject: 'broken', kind: 'backend', batch: true, prepare: () => ({ call: () => { throw new Error('boom'); } }) }],
      TINY,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: 'broken: getVersion [-]', state: 'errored', error: 'boom', medianNs: null });
  });

  test('the writers produce valid JSON, Markdown and SVG', async () => {
    const files = await writeBenchReports(report, dir);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as unknown;
    expect(readBenchReport(files.json)).toEqual(json);
    const md = readFileSync(files.md, 'utf8');
    expect(md).toMatch(/^# Benchmarks: napi vs koffi/);
    expect(md).toContain('## Verdicts');
    expect(md).toContain('| clientCreateTask | 1KB |');
    // Every table row has as many cells as its header.
    for (const table of md.split('\n\n').filter((block) => block.startsWith('|'))) {
      const rows = table.split('\n').filter((l) => l.startsWith('|'));
      const width = (l: string) => l.replace(/\\\|/g, '').split('|').length;
      for (const row of rows) expect(width(row)).toBe(width(rows[0] as string));
    }
    const svg = readFileSync(files.svg, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('clientCreateTask');
    expect(readFileSync(files.latencySvg, 'utf8')).toContain('clientCreateTask');
    // A PNG: its 8-byte signature.
    expect([...readFileSync(files.png).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  test('a ratio is faster or slower only when its interval excludes 1', () => {
    const rec = (subject: string, roundMediansNs: number[]) => ({
      name: subject, subject, kind: 'backend' as const, state: 'completed', batch: 1, samples: roundMediansNs.length,
      medianNs: [...roundMediansNs].sort((a, b) => a - b)[Math.floor(roundMediansNs.length / 2)] ?? null,
      p99Ns: null, meanNs: null, minNs: null, maxNs: null, sdNs: null, rme: null, rounds: roundMediansNs.length, roundMediansNs,
    });
    // koffi twice as slow in every round: faster, with a tight interval around 2.
    const clear = ratioInterval([rec('koffi', [200, 210, 190, 205, 200, 198]), rec('napi', [100, 105, 95, 102, 100, 99])]);
    expect(clear?.verdict).toBe('faster');
    expect(clear?.low).toBeGreaterThan(1.8);
    // Rounds that disagree (napi faster in some, slower in others): a tie, whatever the point says.
    const noisy = ratioInterval([rec('koffi', [110, 90, 130, 80, 120, 95]), rec('napi', [100, 100, 100, 100, 100, 100])]);
    expect(noisy?.verdict).toBe('tie');
    expect(noisy?.low).toBeLessThan(1);
    expect(noisy?.high).toBeGreaterThan(1);
    // The point is the median of the per-round ratios, inside its interval, even when the two
    // overall medians would give a ratio outside it (here 110/100 against per-round ratios ~1.0).
    const skewed = ratioInterval([
      { ...rec('koffi', [100, 101, 99, 100, 100, 100]), medianNs: 110 },
      rec('napi', [100, 100, 100, 100, 100, 100]),
    ]);
    expect(skewed?.point).toBeCloseTo(1, 2);
    expect(skewed?.low).toBeLessThanOrEqual(skewed?.point ?? 0);
    expect(skewed?.high).toBeGreaterThanOrEqual(skewed?.point ?? 0);
    // One round: no interval, so no verdict either way.
    expect(ratioInterval([rec('koffi', [200]), rec('napi', [100])])?.verdict).toBe('no interval');
  });

  test('the cutover report says NO-GO while an input is missing, and names it', () => {
    writeFileSync(path.join(dir, 'tas283.json'), JSON.stringify({ verdict: { matchingMechanisms: ['timestamp-with-zone'], fixedBuildPasses: true } }));
    writeFileSync(path.join(dir, 'parity.json'), JSON.stringify({ summary: { passed: 12, failed: 0 } }));
    const cutover = assessCutover(dir);
    expect(cutover.verdict).toBe('NO-GO');
    expect(cutover.criteria.find((c) => c.id === 'reliability')?.status).toBe('not measured');
    expect(cutover.criteria.find((c) => c.id === 'parity')?.status).toBe('pass');
    expect(cutover.criteria.find((c) => c.id === 'tas283')?.status).toBe('pass');
    // Only a full run is judged: a tiny run is shown as a smoke, with the targets it met.
    const bench = cutover.criteria.find((c) => c.id === 'bench');
    expect(bench?.status).toBe('smoke');
    expect(bench?.figure).toMatch(/^tiny run: not judged .*; as a smoke \d+ of 5 targets met$/);
    const { file } = writeCutover(dir);
    const md = readFileSync(file, 'utf8');
    expect(md).toContain('**Verdict: NO-GO**');
    expect(md).toContain('[bench.md](bench.md)');
    expect(renderCutover(cutover)).toContain('| criterion | status | figure | report | results from |');
  });

  test('the transfer target names an object transfer that beats JSON text instead of hiding it', () => {
    const rec = (subject: string, medianNs: number) => ({
      name: `${subject}: transfer out [1MB]`, subject, kind: 'transfer' as const, state: 'completed', batch: 1, samples: 4,
      medianNs, p99Ns: null, meanNs: null, minNs: null, maxNs: null, sdNs: null, rme: null, rounds: 4, roundMediansNs: [medianNs, medianNs, medianNs, medianNs],
    });
    // Cached-keys objects 20% faster than JSON text, napi-rs objects slower: the target fails and says which.
    const transfer = [{ name: 'transfer out [1MB]', direction: 'out' as const, payload: '1MB', payloadBytes: 1_048_576, records: [rec('napi-objects', 250), rec('napi-string', 100), rec('napi-cached-keys', 80)] }];
    const { analysis: _unused, ...rest } = report;
    const target = analyze({ ...rest, transfer }).targets.find((t) => t.id === 'napi-transfer');
    expect(target?.status).toBe('not met');
    expect(target?.summary).toContain('transfer out [1MB]: cached-keys objects / json (0.80x)');
    expect(target?.rows.find((r) => r.label.includes('objects / json') && !r.label.includes('cached'))?.ok).toBe(true);
  });

  test('the log-log slope of a linear series is 1', () => {
    expect(logLogSlope([{ bytes: 10, medianNs: 20 }, { bytes: 100, medianNs: 200 }, { bytes: 1000, medianNs: 2000 }])).toBeCloseTo(1, 10);
    expect(logLogSlope([{ bytes: 10, medianNs: 5 }])).toBeNull();
  });
});

describe('transfer probes: objects with cached keys', () => {
  // The JSON texts are stored as text, so integers beyond 2^53 reach Rust exactly.
  const texts = [
    JSON.stringify(contextOfSize(100, 42)),
    JSON.stringify(contextOfSize(10_240, 42)),
    '{"order":{"id":12345678901234567890,"neg":-9007199254740993,"max":18446744073709551615,"safe":9007199254740991,' +
      '"pi":3.141592653589793,"tiny":5e-324,"huge":1.7976931348623157e308,"neg0":-0.0,"int_float":2.0},' +
      '"names":["Zoë","東京","🍵 tea","\\u0000 nul","\\"quoted\\""],"nested":[[[]],{},{"a":{"b":{"c":[1,{"d":null}]}}}],' +
      '"flags":[true,false,null],"":"empty key","ключ":"unicode key","Zoë":1}',
    '[1,"two",{"three":3},[4]]',
    '"just a string"',
    '42',
    'null',
  ];

  test('hand out what JSON.parse of the string probe gives, key order included, across repeated calls', () => {
    const probes = loadBenchProbes().transfer;
    // Twice over every payload: the second round reuses every key the first one created.
    for (const round of [1, 2]) {
      for (const text of texts) {
        probes.benchTransferSet(text);
        const expected = JSON.parse(probes.benchTransferOutString()) as unknown;
        for (const call of [1, 2, 3]) {
          const actual = probes.benchTransferOutCachedKeys();
          expect(actual, `round ${round}, call ${call}: ${text.slice(0, 40)}`).toStrictEqual(expected);
          expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
        }
      }
    }
  });
});
