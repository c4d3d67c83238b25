/**
 * `tasker-ffi parity` / `npm run parity`: builds what is missing, runs the parity suite
 * (vitest.parity.config.ts: parity-tests/parity, parity-tests/model-based, the type-level test)
 * with a progress display, writes reports/parity.{md,json} and reports/junit-parity.xml, and exits
 * non-zero on any divergence.
 *
 * The tests read their settings from the environment (src/parity/results.ts `PARITY_ENV`); this
 * module turns the flags into that environment before vitest forks its workers.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { packageRoot } from '../../src/backends/locate.js';
import { DEFAULT_BASE_RUNS, PARITY_HELP } from './help.js';
import { isPlantName, PLANT_NAMES } from './plants.js';
import { ParityProgressReporter } from './reporter.js';
import { buildReport, writeReports, type RunSettings } from './report.js';
import { PARITY_ENV } from './results.js';

export { PARITY_HELP };

export interface ParityOptions {
  seed?: number;
  /** `<property key>:<fast-check path>`, as a failure prints it. */
  path?: string;
  runs?: number;
  plant?: string;
  only?: string;
  policy?: string;
  /** `i/n`: run the i-th of n shards (vitest shards by test file). */
  shard?: string;
  /** Where the reports go (default `reports/`). */
  out?: string;
  json?: boolean;
  /** Skip `scripts/build.mjs --if-missing`. */
  noBuild?: boolean;
}


class UsageError extends Error {}

function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** The environment and settings of a run, from its flags and the current environment. */
export function resolveSettings(options: ParityOptions, env: NodeJS.ProcessEnv = process.env): { env: Record<string, string>; settings: RunSettings } {
  const seed = options.seed ?? integer(env[PARITY_ENV.seed], PARITY_ENV.seed, -0x8000_0000) ?? ((Math.random() * 0x7fff_ffff) | 0);
  const fromFlag = options.runs;
  const fromEnv = integer(env[PARITY_ENV.runs] === '' ? undefined : env[PARITY_ENV.runs], PARITY_ENV.runs, 1);
  const baseRuns = fromFlag ?? fromEnv ?? DEFAULT_BASE_RUNS;
  const plantName = options.plant ?? (env[PARITY_ENV.plant] === '' ? undefined : env[PARITY_ENV.plant]);
  if (plantName !== undefined && !isPlantName(plantName)) throw new UsageError(`unknown plant "${plantName}"; known: ${PLANT_NAMES.join(', ')}`);
  if (options.path !== undefined && !/^[^:]+:\d+(:\d+)*$/.test(options.path)) {
    throw new UsageError(`--path must be '<property key>:<fast-check path>' as a failure prints it, got "${options.path}"`);
  }
  const policy = options.policy ?? 'contract';
  if (policy !== 'contract' && policy !== 'minimal') throw new UsageError(`--policy must be contract or minimal, got "${policy}"`);
  const out: Record<string, string> = {
    [PARITY_ENV.run]: '1',
    [PARITY_ENV.seed]: String(seed),
    [PARITY_ENV.runs]: String(baseRuns),
    [PARITY_ENV.policy]: policy,
  };
  if (options.path !== undefined) out[PARITY_ENV.path] = options.path;
  if (options.only !== undefined) out[PARITY_ENV.only] = options.only;
  if (plantName !== undefined) out[PARITY_ENV.plant] = plantName;
  const flags = [
    `--seed ${seed}`,
    ...(options.runs === undefined ? [] : [`--runs ${baseRuns}`]),
    ...(options.path === undefined ? [] : [`--path '${options.path}'`]),
    ...(options.only === undefined ? [] : [`--only ${options.only}`]),
    ...(plantName === undefined ? [] : [`--plant ${plantName}`]),
    ...(policy === 'contract' ? [] : [`--policy ${policy}`]),
    ...(options.shard === undefined ? [] : [`--shard ${options.shard}`]),
  ];
  return {
    env: out,
    settings: {
      seed,
      baseRuns,
      runsSource: fromFlag !== undefined ? '--runs' : fromEnv !== undefined ? 'FC_NUM_RUNS' : 'default',
      variants: [],
      policy,
      plant: plantName,
      replay: options.path,
      only: options.only,
      command: `npm run parity -- ${flags.join(' ')}`,
    },
  };
}

/** Builds the native libraries if they are missing (a source checkout has scripts/build.mjs). */
function buildIfMissing(root: string): boolean {
  const script = path.join(root, 'scripts', 'build.mjs');
  if (!existsSync(script)) return true;
  const result = spawnSync(process.execPath, [script, '--if-missing', '--only', 'legacy,napi'], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

export async function runParity(options: ParityOptions): Promise<number> {
  const root = packageRoot();
  let resolved;
  try {
    resolved = resolveSettings(options);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tasker-ffi parity: ${error.message} (see tasker-ffi parity --help)\n`);
      return 2;
    }
    throw error;
  }
  const { env, settings } = resolved;
  const config = path.join(root, 'vitest.parity.config.ts');
  if (!existsSync(config)) {
    process.stderr.write(`tasker-ffi parity: needs a source checkout of tasker-ffi-parity (no ${config}); the suite is not part of the published package\n`);
    return 2;
  }
  if (options.noBuild !== true && !buildIfMissing(root)) {
    process.stderr.write('tasker-ffi parity: the build failed (scripts/build.mjs --if-missing)\n');
    return 1;
  }
  // The workers vitest forks inherit this environment.
  Object.assign(process.env, env);
  const out = path.resolve(root, options.out ?? 'reports');
  const say = (text: string): void => {
    if (options.json !== true) process.stdout.write(text);
  };
  say(
    `tasker-ffi parity: seed ${settings.seed}, ${settings.baseRuns} base runs per property (${settings.runsSource}), policy ${settings.policy}` +
      `${settings.plant === undefined ? '' : `, PLANTED DIVERGENCE ${settings.plant}`}${settings.replay === undefined ? '' : `, replaying ${settings.replay}`}\n`,
  );

  const { startVitest } = await import('vitest/node');
  const progress = new ParityProgressReporter(root, { write: say });
  const started = performance.now();
  const vitest = await startVitest(
    'test',
    [],
    {
      config,
      root,
      run: true,
      watch: false,
      // A shard also leaves its blob, which `parity merge` replays through the same reporters.
      reporters: [progress, 'junit', ...(options.shard === undefined ? [] : ['blob'])],
      outputFile: { junit: path.join(out, 'junit-parity.xml'), ...(options.shard === undefined ? {} : { blob: path.join(out, BLOB_FILE) }) },
      ...(options.shard === undefined ? {} : { shard: options.shard }),
      // A replay or a selection runs the chosen properties only (the type-level test is key "types").
      ...(settings.replay !== undefined || (settings.only !== undefined && !settings.only.split(',').includes('types'))
        ? { typecheck: { enabled: false } }
        : {}),
    },
    {},
    { stdout: options.json === true ? process.stderr : process.stdout },
  );
  await vitest.close();
  writeRunSettings(out, settings);
  return finish(root, out, progress, settings, performance.now() - started, options.json === true, say, options.shard);
}

const BLOB_FILE = 'parity-blob.json';
const SETTINGS_FILE = 'parity-settings.json';

/** What a shard ran with, so the merge can report the same settings. */
function writeRunSettings(out: string, settings: RunSettings): void {
  writeFileSync(path.join(out, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}

/** Writes the reports of a (possibly merged or sharded) run and prints its summary; the exit code. */
function finish(
  root: string,
  out: string,
  progress: ParityProgressReporter,
  settings: RunSettings,
  durationMs: number,
  json: boolean,
  say: (text: string) => void,
  shardLabel?: string,
): number {
  const variants = [...new Set(progress.collected.properties.map((p) => p.variant))].sort();
  const report = buildReport(progress.collected, { ...settings, variants: variants.length === 0 ? ['napi'] : variants }, durationMs);
  const files = writeReports(report, out);
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const failed = report.failures.map((f) => `  - ${f.key ?? f.test}${f.failure === undefined ? '' : `\n    replay: ${f.failure.replay}`}`);
    say(
      [
        '',
        `parity${shardLabel === undefined ? '' : ` shard ${shardLabel}`} ${report.passed ? 'PASSED' : 'FAILED'}: ${report.totals.passed}/${report.totals.tests - report.totals.skipped} tests, ${report.totals.runs} property runs, ` +
          `${report.totals.sequences} model-based sequences, ${(durationMs / 1000).toFixed(1)} s (seed ${settings.seed})`,
        ...(failed.length === 0 ? [] : ['failed:', ...failed]),
        `reports: ${path.relative(root, files.markdown)}, ${path.relative(root, files.json)}, ${path.relative(root, path.join(out, 'junit-parity.xml'))}`,
        '',
      ].join('\n'),
    );
  }
  if (report.totals.tests - report.totals.skipped === 0) {
    process.stderr.write('tasker-ffi parity: no test ran (check --only and --shard)\n');
    return 2;
  }
  return report.passed ? 0 : 1;
}

/**
 * `tasker-ffi parity merge <dir>...`: replays the shards' blobs through the same reporters as one
 * run (vitest's merge-reports), so the merged parity.{md,json} and junit-parity.xml are those of a
 * single run of the same tests. Fails if a shard folder has no blob (a shard that never finished).
 */
/** One JUnit file from the shards' files: their `<testsuite>` elements under one `<testsuites>` with the summed counts. */
export function joinJunit(files: readonly string[]): string {
  const suites = files.flatMap((xml) => xml.match(/<testsuite\b[\s\S]*?<\/testsuite>/g) ?? []);
  const total = (name: string) =>
    files.reduce((sum, xml) => sum + Number(new RegExp(`<testsuites\\b[^>]*\\s${name}="([\\d.]+)"`).exec(xml)?.[1] ?? 0), 0);
  const time = total('time');
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    `<testsuites name="vitest tests" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" time="${time.toFixed(3)}">`,
    ...suites.map((suite) => `    ${suite}`),
    '</testsuites>',
    '',
  ].join('\n');
}

export async function mergeParity(dirs: string[], options: { out?: string; json?: boolean }): Promise<number> {
  const root = packageRoot();
  const missing = dirs.filter((dir) => !existsSync(path.join(dir, BLOB_FILE)));
  if (missing.length > 0) {
    process.stderr.write(`tasker-ffi parity merge: no ${BLOB_FILE} in ${missing.map((d) => path.relative(root, d)).join(', ')} (a shard that did not finish?)\n`);
    return 1;
  }
  const settings = dirs.map((dir) => JSON.parse(readFileSync(path.join(dir, SETTINGS_FILE), 'utf8')) as RunSettings);
  const seeds = new Set(settings.map((s) => s.seed));
  if (seeds.size > 1) {
    process.stderr.write(`tasker-ffi parity merge: the shards ran with different seeds (${[...seeds].join(', ')}); run them with one --seed\n`);
    return 2;
  }
  // vitest merges every blob of one folder.
  const blobs = mkdtempSync(path.join(os.tmpdir(), 'parity-blobs-'));
  dirs.forEach((dir, index) => copyFileSync(path.join(dir, BLOB_FILE), path.join(blobs, `blob-${index + 1}-${dirs.length}.json`)));
  const out = path.resolve(root, options.out ?? 'reports');
  mkdirSync(out, { recursive: true });
  const say = (text: string): void => {
    if (options.json !== true) process.stdout.write(text);
  };
  const { startVitest } = await import('vitest/node');
  const progress = new ParityProgressReporter(root, { write: say });
  const vitest = await startVitest(
    'test',
    [],
    {
      config: path.join(root, 'vitest.parity.config.ts'),
      root,
      run: true,
      watch: false,
      mergeReports: blobs,
      // vitest's merge drops the type-level tests from its JUnit; the shards' own files have them.
      reporters: [progress],
    },
    {},
    { stdout: options.json === true ? process.stderr : process.stdout },
  );
  await vitest.close();
  rmSync(blobs, { recursive: true, force: true });
  writeFileSync(path.join(out, 'junit-parity.xml'), joinJunit(dirs.map((dir) => readFileSync(path.join(dir, 'junit-parity.xml'), 'utf8'))));
  const first = settings[0] as RunSettings;
  const merged: RunSettings = { ...first, command: first.command.replace(/ --shard \S+/, '') };
  writeRunSettings(out, merged);
  return finish(root, out, progress, merged, progress.durationMs(), options.json === true, say, `merge of ${dirs.length}`);
}

