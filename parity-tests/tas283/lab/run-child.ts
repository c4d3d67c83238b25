/** Runs one experiment in its own process, so reading past a buffer can crash only the child. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { ExperimentOutcome, ExperimentSpec } from './experiments.js';

const childScript = fileURLToPath(new URL(`./child.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

export function runInChild(spec: ExperimentSpec, timeoutMs = 60_000): ExperimentOutcome {
  // From the TypeScript sources the child needs tsx's loader; from dist/ it is plain JS.
  const loader = childScript.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const result = spawnSync(process.execPath, [...loader, childScript, JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, TASKER_TAS283_PARSE: spec.strategy ?? 'from_str' },
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status === 0 && line.startsWith('{')) return JSON.parse(line) as ExperimentOutcome;
  const how = result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`;
  return {
    spec,
    bridge: spec.mechanism.startsWith('napi') ? 'napi' : 'koffi',
    outcome: 'crash',
    error: `child process ${how}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`,
  };
}
