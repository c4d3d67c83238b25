/**
 * `tasker-ffi bench [--full] [--filter <regex>] [--out <dir>]`: runs the benchmarks on both
 * backends, prints progress, writes reports/bench.{json,md,svg}. Loaded on demand by the CLI
 * (it needs the dev dependencies tinybench, vega and vega-lite).
 */
import path from 'node:path';

import { writeBenchReports } from './report.js';
import { packageRoot } from '../src/backends/locate.js';
import { runBench } from './run.js';

export interface BenchCommandOptions {
  full?: boolean;
  filter?: RegExp;
  out?: string;
}

export async function benchCommand(options: BenchCommandOptions): Promise<number> {
  const filter = options.filter;
  const mode = options.full === true ? 'full' : 'quick';
  const out = path.resolve(options.out ?? path.join(packageRoot(), 'reports'));
  process.stderr.write(`tasker-ffi bench: ${mode} run, both backends, one process; reports -> ${path.relative(process.cwd(), out) || '.'}\n`);
  const report = await runBench({
    mode,
    ...(filter === undefined ? {} : { filter }),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const files = await writeBenchReports(report, out);
  process.stdout.write(`bench: ${report.scenarios.length} scenarios in ${(report.durationMs / 1000).toFixed(0)} s\n`);
  for (const t of report.analysis.targets) process.stdout.write(`  ${t.status.padEnd(12)} ${t.title}: ${t.summary}\n`);
  if (report.analysis.errors.length > 0) process.stdout.write(`  ${report.analysis.errors.length} task(s) errored (marked in the report)\n`);
  process.stdout.write(`wrote ${[files.json, files.md, files.svg].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
  // Targets are judged in the cutover report; a benchmark run fails only if something errored.
  return report.analysis.errors.length > 0 ? 1 : 0;
}
