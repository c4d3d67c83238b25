/** `tasker-ffi repro tas283`: run, print the verdict, write the reports; exit 0 only if reproduced and fixed. */
import path from 'node:path';

import { packageRoot } from '../../../src/backends/locate.js';
import { writeTas283Reports } from './report.js';
import { runTas283 } from './repro.js';

export function reproTas283(reportsDir = path.join(packageRoot(), 'reports')): number {
  const report = runTas283();
  const files = writeTas283Reports(report, reportsDir);
  const ticketCase = report.ticketColumnCase;
  const reproduced = report.verdict.matchingMechanisms.includes('timestamp-with-zone');
  const out = process.stdout;
  out.write('\nTAS-283 reproduction\n');
  out.write(`  old client, historical build: ${report.experiments.find((o) => o.spec.mechanism === 'timestamp-with-zone' && o.spec.build === 'historical')?.error ?? 'no error'}\n`);
  if (ticketCase) out.write(`  at the ticket's size (${ticketCase.requestBytes} B request): ${ticketCase.error ?? 'no error'}\n`);
  out.write(`  matches the ticket: ${report.verdict.matchingMechanisms.join(', ') || 'none'}\n`);
  out.write(`  minimal failing input: ${report.minimal.json} -> ${report.minimal.error ?? 'accepted'}\n`);
  out.write(`  verdict: ${report.verdict.rootCause}\n`);
  out.write(`  fixed build accepts the old client's request on both bridges: ${report.verdict.fixedBuildPasses ? 'yes' : 'NO'}\n`);
  out.write(`  napi immunity: ${report.verdict.napiImmunity}\n`);
  out.write(`  reports: ${path.relative(process.cwd(), files.markdown)}, ${path.relative(process.cwd(), files.json)}\n`);
  return reproduced && report.verdict.fixedBuildPasses ? 0 : 1;
}
