/**
 * The parity run's settings, as the tests see them, and how a failure is recorded and printed (the
 * seed, the path and the command that replays exactly that case). `property.ts` declares the
 * properties; this module does not load `@fast-check/vitest`, so tests that only need the
 * settings start faster.
 *
 * Settings (environment; `npm run parity` sets them from its flags):
 * - `TASKER_PARITY_SEED`: the fast-check seed of every property (default: random, printed);
 * - `FC_NUM_RUNS`: base runs per property (default 200 under `npm run parity`, 25 under `npm test`);
 * - `TASKER_PARITY_PATH=<key>:<path>`: replay one counterexample (other properties are skipped);
 * - `TASKER_PARITY_ONLY=<key>[,<key>|<prefix>*]`: run only these properties.
 */
import type fc from 'fast-check';
import { TestRunner } from 'vitest';

import { DEFAULT_BASE_RUNS } from '../../runner/help.js';
import { META_KEY, PARITY_ENV, type FailureRecord, type ParityMeta } from '../../runner/results.js';
import { show } from './compare.js';
import { ContractViolation, describeOutcome, Divergence } from './lockstep.js';

/** Base runs per property under `npm run parity` and under `npm test`. */
export const DEFAULT_RUNS = { full: DEFAULT_BASE_RUNS, quick: 25 } as const;

export interface ParitySettings {
  readonly seed: number;
  readonly baseRuns: number;
  /** Running under `npm run parity` (full depth). */
  readonly full: boolean;
  readonly replay: { readonly key: string; readonly path: string } | undefined;
  readonly only: readonly string[] | undefined;
}

function readSettings(): ParitySettings {
  const env = process.env;
  const full = env[PARITY_ENV.run] === '1';
  const seedText = env[PARITY_ENV.seed];
  const seed = seedText !== undefined && seedText !== '' ? Number(seedText) : (Math.random() * 0x7fff_ffff) | 0;
  if (!Number.isInteger(seed)) throw new Error(`${PARITY_ENV.seed} must be an integer, got "${seedText}"`);
  const runsText = env[PARITY_ENV.runs];
  const baseRuns = runsText !== undefined && runsText !== '' ? Number(runsText) : full ? DEFAULT_RUNS.full : DEFAULT_RUNS.quick;
  if (!Number.isInteger(baseRuns) || baseRuns < 1) throw new Error(`${PARITY_ENV.runs} must be a positive integer, got "${runsText}"`);
  const pathText = env[PARITY_ENV.path];
  let replay: ParitySettings['replay'];
  if (pathText !== undefined && pathText !== '') {
    const colon = pathText.indexOf(':');
    if (colon <= 0) throw new Error(`${PARITY_ENV.path} must be <property key>:<fast-check path>, as a failure prints it; got "${pathText}"`);
    replay = { key: pathText.slice(0, colon), path: pathText.slice(colon + 1) };
  }
  const onlyText = env[PARITY_ENV.only];
  const only = onlyText !== undefined && onlyText !== '' ? onlyText.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  return { seed, baseRuns, full, replay, only };
}

export const settings: ParitySettings = readSettings();

/** Whether the property `key` runs in this run (replay and `only` select). */
export function selected(key: string): boolean {
  if (settings.replay !== undefined) return settings.replay.key === key;
  if (settings.only === undefined) return true;
  return settings.only.some((pattern) => (pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern));
}

/** The napi variant a property key names: `op.x/objects` is `napi/objects`, `op.x` the default `napi`. */
export function variantOfKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? 'napi' : `napi/${key.slice(slash + 1)}`;
}

/** `weight` × the base runs (at least `min`). */
export function runs(weight = 1, min = 1): number {
  return Math.max(min, Math.round(settings.baseRuns * weight));
}

/** The command line that replays property `key` at `path` with this run's seed. */
export function replayCommand(key: string, seed: number, path: string): string {
  const planted = process.env[PARITY_ENV.plant];
  const plant = planted === undefined || planted === '' ? '' : ` --plant ${planted}`;
  return `npm run parity -- --seed ${seed} --path '${key}:${path}'${plant}`;
}

/** Stores `meta` in the running test's task meta (read by the runner's reporter). */
export function recordMeta(meta: ParityMeta): void {
  const task = TestRunner.getCurrentTest();
  if (task === undefined) return;
  const bag = task.meta as Record<string, unknown>;
  bag[META_KEY] = { ...((bag[META_KEY] as ParityMeta | undefined) ?? {}), ...meta };
}

/** A failure of a property, as the reports show it. */
export function failureRecord(key: string, details: fc.RunDetails<unknown>): FailureRecord {
  const error = details.errorInstance;
  const path = details.counterexamplePath ?? '';
  const base = {
    seed: details.seed,
    path,
    replay: replayCommand(key, details.seed, path),
    counterexample: show(details.counterexample, 2000),
    shrinks: details.numShrinks,
  };
  if (error instanceof Divergence) {
    const { napi, koffi } = error.focused(1000);
    return { ...base, kind: 'divergence', call: error.call, at: error.at, napi, koffi, message: error.message };
  }
  if (error instanceof ContractViolation) {
    const outcome = describeOutcome(error.outcome, 1000);
    return { ...base, kind: 'contract', call: error.call, napi: outcome, koffi: outcome, message: error.message };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : details.interrupted ? 'interrupted' : String(error);
  return { ...base, kind: 'error', message };
}

/** The message a failed property throws: what diverged, the counterexample, and the replay command. */
export function failureMessage(key: string, details: fc.RunDetails<unknown>, record: FailureRecord): string {
  return [
    `Property [${key}] failed after ${details.numRuns} run(s) (seed ${details.seed}, path "${record.path}", ${details.numShrinks} shrink(s))`,
    `Counterexample: ${record.counterexample}`,
    record.message,
    `Replay: ${record.replay}`,
  ].join('\n');
}

