/**
 * Writes `reports/bench.json` (raw statistics), `reports/bench.md` (tables and verdicts for
 * people), `reports/bench.svg` + `bench.png` (the question: koffi/napi per operation and payload
 * size with its 95% interval, a line at 1) and `reports/bench-latency.svg` (latency against
 * payload size, log-log, per operation). Drawn with vega-lite, rendered headless by vega's SVG
 * renderer; the PNG is the SVG rasterized by resvg.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { formatInterval, median, ratioInterval, record } from './analysis.js';
import { BENCH_SCHEMA, type BenchReport, type ScenarioResult } from './model.js';
import { writeReportFiles } from '../parity-tests/report-files.js';

export function formatNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '–';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `±${x.toFixed(1)}%`);

function coreNs(s: ScenarioResult): number | null {
  const c = s.core;
  return c !== undefined && 'medianNs' in c ? c.medianNs : null;
}

/** The core floor; below ~20 ns it is under what the clock resolves. */
function coreCell(ns: number | null): string {
  return ns !== null && ns < 20 ? '< 20 ns' : formatNs(ns);
}

function cell(s: ScenarioResult, subject: string): string {
  const r = record(s.records, subject);
  if (r === undefined) return '–';
  if (r.error !== undefined || r.medianNs === null) return `**errored**`;
  return formatNs(r.medianNs);
}

const STATUS_MARK: Record<string, string> = { met: '✅ met', 'not met': '❌ not met', 'not measured': '⚪ not measured' };

export function renderBenchMarkdown(report: BenchReport): string {
  const { machine, analysis } = report;
  const lines: string[] = [];
  const push = (...xs: string[]) => lines.push(...xs);
  const noop = (subject: string) => median(report.floors, subject);

  push(
    '# Benchmarks: napi vs koffi over one core',
    '',
    `Generated ${report.generatedAt} by \`tasker-ffi bench\` (${report.mode} mode, ${(report.durationMs / 1000).toFixed(0)} s). ` +
      'Raw statistics: [bench.json](bench.json); charts: [bench.svg](bench.svg) ([PNG](bench.png)): koffi/napi with intervals, [bench-latency.svg](bench-latency.svg): latency by payload size; method: [docs/benchmarks.md](../docs/benchmarks.md).',
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.os} ${machine.arch}, ${machine.totalMemoryGiB} GiB; ` +
      `Node ${machine.node} (V8 ${machine.v8}); load average at the end ${machine.loadAverage.join(' / ')}. ` +
      `Versions: ${Object.entries(report.versions)
        .filter(([k]) => !k.startsWith('library:'))
        .map(([k, v]) => `${k.replace(/^(crate|npm):/, '')} ${v}`)
        .join(', ')}.`,
    '',
    'All times are per call, medians unless said otherwise. koffi/napi > 1 means napi is faster; the bracket is its 95% ' +
      'interval (a bootstrap over the interleaved rounds), and a ratio whose interval contains 1 is a tie. ' +
      `Both backends run in one process, in one tinybench \`Bench\` per scenario and round (${report.settings.rounds} rounds), warmed up, in rotating order.` +
      (report.mode === 'full' ? '' : ' **This is a quick run: a smoke, not a verdict** (targets are judged on `npm run bench -- --full`).'),
    '',
    '## Verdicts',
    '',
    '| target | verdict | figures |',
    '|---|---|---|',
  );
  for (const t of analysis.targets) push(`| ${t.title} | ${STATUS_MARK[t.status] ?? t.status} | ${t.summary.replace(/\|/g, '\\|')} |`);
  const worst = analysis.contract.filter((c) => c.shareOfNapi !== null).sort((a, b) => (b.shareOfNapi ?? 0) - (a.shareOfNapi ?? 0))[0];
  if (worst !== undefined) {
    push(
      '',
      `Contract layer (validate.ts + the JSON policy walk): at most ${((worst.shareOfNapi ?? 0) * 100).toFixed(0)}% of a napi call (${worst.scenario}); ` +
        `it ${analysis.contract.some((c) => (c.shareOfNapi ?? 0) > 0.5) ? '**dominates** some calls (> 50%)' : 'dominates no call (all <= 50%)'}. See [Contract layer](#contract-layer).`,
    );
  }
  if (analysis.errors.length > 0) {
    push('', `**${analysis.errors.length} task(s) errored** (kept, marked below):`, '');
    for (const e of analysis.errors) push(`- \`${e.name}\`: ${e.error}`);
  }

  push(
    '',
    '## Floors',
    '',
    '| floor | median | p99 | rme |',
    '|---|---|---|---|',
    ...report.floors.map((r) => `| ${r.name} | ${formatNs(r.medianNs)} | ${formatNs(r.p99Ns)} | ${pct(r.rme)} |`),
    '',
    'Per scenario: `JSON.stringify+parse` of the same payload (js), the contract layer\'s own checks of the input ' +
      '(contract), and the core\'s own time for the operation measured inside Rust by each build (core).',
    '',
    '## Operations',
    '',
    '| operation | payload | napi median | napi p99 | napi rme | koffi median | koffi p99 | koffi rme | koffi/napi [95%] | napi is | tasker napi (objects) | tasker/ours [95%] | napi − core | koffi − core | core | JSON floor | contract |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of report.scenarios) {
    const n = record(s.records, 'napi');
    const k = record(s.records, 'koffi');
    const cn = coreNs(s);
    const over = (x: number | null | undefined, c: number | null) => (x === null || x === undefined || c === null ? '–' : formatNs(x - c));
    const r = ratioInterval(s.records);
    const tasker = ratioInterval(s.records, 'tasker-napi', 'napi');
    push(
      `| ${s.op} | ${s.payload} | ${cell(s, 'napi')} | ${formatNs(n?.p99Ns)} | ${pct(n?.rme)} | ${cell(s, 'koffi')} | ${formatNs(k?.p99Ns)} | ${pct(k?.rme)} | ${formatInterval(r)} | ${r?.verdict ?? '–'} | ${cell(s, 'tasker-napi')} | ${formatInterval(tasker)} | ${over(n?.medianNs, cn)} | ${over(k?.medianNs, cn)} | ${coreCell(cn)} | ${cell(s, 'js')} | ${cell(s, 'contract')} |`,
    );
  }
  const napiNoop = noop('napi');
  const koffiNoop = noop('koffi');
  push(
    '',
    `Empty calls: napi ${formatNs(napiNoop)}, koffi ${formatNs(koffiNoop)}, JS ${formatNs(noop('js'))}. ` +
      '"napi − core" / "koffi − core" is what a call costs above the core\'s own work: the bridge, the conversions and the contract layer. ' +
      '"tasker napi (objects)" is the reference: tasker\'s landed transfer, the same addon\'s object exports (napi-rs objects and `serde_json::Value`), mapped to the contract in JS; "tasker/ours" > 1 means our JSON-text path is faster. ' +
      'The napi transfer alternatives are compared by the transfer probes below.',
  );

  push('', '## Growth with payload size', '', 'Log-log slope of the median against payload bytes (1 = linear): over every size, and over the payload-dominated sizes (>= 10 KB).', '');
  push('| operation | subject | slope (all) | slope (>= 10 KB) | medians |', '|---|---|---|---|---|');
  for (const f of analysis.fits) {
    push(
      `| ${f.op} | ${f.subject} | ${f.slopeAll?.toFixed(2) ?? '–'} | ${f.slopeLarge?.toFixed(2) ?? '–'} | ${f.points.map((p) => `${formatNs(p.medianNs)}`).join(' → ')} |`,
    );
  }

  if (report.transfer.length > 0) {
    push(
      '',
      '## napi transfer of free-form JSON',
      '',
      'The same payload moved across N-API in three ways, outbound in four (bench-only probes in napi-ffi/src/bench.rs): napi-rs `serde_json::Value` ' +
        'conversion (objects), JSON text in an N-API string (string: `JSON.stringify`/`JSON.parse` in JS, serde_json in Rust), ' +
        'the same text in a `Buffer` (buffer), and, outbound only, objects built with raw N-API whose property keys are JS strings ' +
        'created once per environment and reused (cached keys). In: JS → Rust (an argument, parsed into a `Value`); out: Rust → JS (a result). ' +
        '"/ string" is the alternative\'s median over the string\'s with its 95% interval (< 1: the alternative is faster).',
      '',
      '| direction | payload | objects | cached keys | string | buffer | objects / string [95%] | cached keys / string [95%] | fastest |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const t of report.transfer) {
      const m = (subject: string) => median(t.records, subject);
      const vsString = (subject: string) => (record(t.records, subject) === undefined ? '–' : formatInterval(ratioInterval(t.records, subject, 'napi-string')));
      const best = t.records.filter((r) => r.medianNs !== null).sort((a, b) => (a.medianNs as number) - (b.medianNs as number))[0];
      push(
        `| ${t.direction} | ${t.payload} | ${formatNs(m('napi-objects'))} | ${formatNs(m('napi-cached-keys'))} | ${formatNs(m('napi-string'))} | ${formatNs(m('napi-buffer'))} | ` +
          `${vsString('napi-objects')} | ${vsString('napi-cached-keys')} | ${best?.subject ?? '–'} |`,
      );
    }
  }

  if (analysis.contract.length > 0) {
    push('', '## Contract layer', '', 'The checks the adapters run before either bridge (`validate.ts`, including the JSON policy\'s walk of free-form values), timed alone on the same input.', '');
    push('| scenario | contract checks | napi call | koffi call | share of the napi call |', '|---|---|---|---|---|');
    for (const c of analysis.contract) {
      push(`| ${c.scenario} | ${formatNs(c.validateNs)} | ${formatNs(c.napiNs)} | ${formatNs(c.koffiNs)} | ${c.shareOfNapi === null ? '–' : `${(c.shareOfNapi * 100).toFixed(0)}%`} |`);
    }
  }

  if (report.worker.length > 0) {
    push('', '## WorkerServer end to end', '', 'Poll, a trivial handler, complete; linear 4-step tasks created untimed before each sample.', '');
    push('| backend | steps/s | median per step | p99 per step | rme | tasks per sample |', '|---|---|---|---|---|---|');
    for (const w of report.worker) {
      push(
        `| ${w.subject} | ${w.stepsPerSecond === null ? `**errored**: ${w.error ?? w.state}` : Math.round(w.stepsPerSecond).toString()} | ${formatNs(w.medianNs)} | ${formatNs(w.p99Ns)} | ${pct(w.rme)} | ${w.tasksPerSample} |`,
      );
    }
  }
  push('');
  return lines.join('\n');
}

/** The chart's data: median latency per (operation, subject, payload bytes), sized operations only. */
export function chartRows(report: BenchReport): { op: string; subject: string; bytes: number; micros: number }[] {
  const rows: { op: string; subject: string; bytes: number; micros: number }[] = [];
  const sizedOps = new Set(
    report.analysis.fits.map((f) => f.op),
  );
  for (const s of report.scenarios) {
    if (s.payloadBytes === null || !sizedOps.has(s.op)) continue;
    for (const r of s.records) {
      if (r.medianNs === null) continue;
      const subject = r.subject === 'js' ? 'JSON floor' : r.subject;
      rows.push({ op: s.op, subject, bytes: s.payloadBytes, micros: r.medianNs / 1000 });
    }
    const c = coreNs(s);
    if (c !== null && c > 0) rows.push({ op: s.op, subject: 'core', bytes: s.payloadBytes, micros: c / 1000 });
  }
  return rows;
}

/** The ratio chart's data: koffi/napi with its interval per (operation, payload). */
export function ratioRows(report: BenchReport): { op: string; payload: string; ratio: number; low: number | null; high: number | null; verdict: string }[] {
  const rows = [];
  for (const s of report.scenarios) {
    const r = ratioInterval(s.records);
    if (r === null) continue;
    rows.push({ op: s.op, payload: s.payload, ratio: r.point, low: r.low, high: r.high, verdict: r.verdict });
  }
  return rows;
}

/** The vega-lite spec of bench.svg: is napi faster, per operation and payload, with intervals. */
export function ratioChartSpec(report: BenchReport): Record<string, unknown> {
  const rows = ratioRows(report).map((r) => ({ ...r, label: `${r.op} [${r.payload}]` }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'koffi / napi per call (> 1: napi is faster), median with 95% interval',
      subtitle: `${report.machine.cpuModel}, Node ${report.machine.node}, ${report.mode} run ${report.generatedAt.slice(0, 10)}${report.mode === 'full' ? '' : ' (quick: a smoke)'}`,
    },
    width: 520,
    height: { step: 14 },
    layer: [
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 'one', type: 'quantitative' } } },
      {
        data: { values: rows.filter((r) => r.low !== null && r.high !== null) },
        mark: { type: 'rule' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'low', type: 'quantitative' },
          x2: { field: 'high' },
          color: { field: 'verdict', type: 'nominal', scale: { domain: ['faster', 'tie', 'slower', 'no interval'], range: ['#2a9d45', '#777', '#c0392b', '#bbb'] }, title: 'napi is' },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'ratio', type: 'quantitative', scale: { type: 'log' }, title: 'koffi / napi (log scale)' },
          color: { field: 'verdict', type: 'nominal', title: 'napi is' },
          tooltip: [{ field: 'label' }, { field: 'ratio', format: '.2f' }, { field: 'low', format: '.2f' }, { field: 'high', format: '.2f' }],
        },
      },
    ],
  };
}

/** The vega-lite spec of bench-latency.svg. */
export function chartSpec(report: BenchReport): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Latency per call against payload size (log-log), median',
      subtitle: `${report.machine.cpuModel}, Node ${report.machine.node}, ${report.mode} run ${report.generatedAt.slice(0, 10)}`,
    },
    data: { values: chartRows(report) },
    facet: { field: 'op', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'bytes', type: 'quantitative', scale: { type: 'log' }, title: 'payload (bytes of JSON)' },
        y: { field: 'micros', type: 'quantitative', scale: { type: 'log' }, title: 'µs per call' },
        color: {
          field: 'subject',
          type: 'nominal',
          title: 'measured',
          scale: { domain: ['napi', 'koffi', 'JSON floor', 'contract', 'core'] },
        },
        strokeDash: { condition: { test: "datum.subject === 'core' || datum.subject === 'JSON floor' || datum.subject === 'contract'", value: [4, 3] }, value: [1, 0] },
        tooltip: [{ field: 'subject' }, { field: 'bytes' }, { field: 'micros', format: '.2f' }],
      },
    },
  };
}

async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** bench.svg (the ratio chart), rendered headless (no canvas needed). */
export function renderBenchSvg(report: BenchReport): Promise<string> {
  return renderSvg(ratioChartSpec(report));
}

/** bench-latency.svg (latency against payload size). */
export function renderLatencySvg(report: BenchReport): Promise<string> {
  return renderSvg(chartSpec(report));
}

/** The SVG rasterized (white background, twice the size for screens). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
  // A plain copy: resvg's Buffer type and this TypeScript's ArrayBufferView disagree on generics.
  return new Uint8Array(png);
}

export interface WrittenFiles {
  json: string;
  md: string;
  svg: string;
  png: string;
  latencySvg: string;
}

/** Writes bench.json, bench.md, bench.svg, bench.png and bench-latency.svg into `dir`. */
export async function writeBenchReports(report: BenchReport, dir: string): Promise<WrittenFiles> {
  const { markdown, json } = writeReportFiles(dir, 'bench', renderBenchMarkdown(report), report);
  const files = {
    json,
    md: markdown,
    svg: path.join(dir, 'bench.svg'),
    png: path.join(dir, 'bench.png'),
    latencySvg: path.join(dir, 'bench-latency.svg'),
  };
  const svg = await renderBenchSvg(report);
  writeFileSync(files.svg, svg);
  writeFileSync(files.png, await svgToPng(svg));
  writeFileSync(files.latencySvg, await renderLatencySvg(report));
  return files;
}

/** Reads `bench.json`; `null` if it is absent or not a benchmark report of this schema. */
export function readBenchReport(file: string): BenchReport | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchReport>;
    return data.schema === BENCH_SCHEMA && Array.isArray(data.scenarios) && data.analysis !== undefined ? (data as BenchReport) : null;
  } catch {
    return null;
  }
}
