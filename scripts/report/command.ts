/**
 * `tasker-ffi report [--out <dir>]`: judges the latest reports/bench.json again and re-renders
 * bench.md and bench.svg from it (if there is one) and writes reports/CUTOVER.md from the latest results of every
 * suite.
 */
import path from 'node:path';

import { packageRoot } from '../../src/backends/locate.js';
import { analyze } from '../../bench/analysis.js';
import { readBenchReport, writeBenchReports } from '../../bench/report.js';
import { writeCutover } from './cutover.js';

export async function reportCommand(options: { out?: string; check?: boolean }): Promise<number> {
  const dir = path.resolve(options.out ?? path.join(packageRoot(), 'reports'));
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const bench = readBenchReport(path.join(dir, 'bench.json'));
  if (bench !== null) {
    // The targets are judged again with this version's rules; the measurements are kept as they are.
    bench.analysis = analyze(bench);
    const files = await writeBenchReports(bench, dir);
    process.stdout.write(`wrote ${[files.md, files.svg, files.png, files.latencySvg].map(rel).join(', ')} (from bench.json, judged again)\n`);
  }
  const { cutover, file } = writeCutover(dir);
  for (const c of cutover.criteria) process.stdout.write(`  ${c.status.padEnd(12)} ${c.id}: ${c.figure}\n`);
  process.stdout.write(`cutover: ${cutover.verdict} (${cutover.reason})\nwrote ${rel(file)}\n`);
  return options.check === true && cutover.verdict !== 'GO' ? 1 : 0;
}
