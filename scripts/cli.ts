/**
 * `tasker-ffi`: the harness's command line, run from the checkout (`npx tasker-ffi`, `npm run …`).
 * One commander program with per-command options, so a flag that does not apply to a command is an
 * error there, and help is generated from the same definitions.
 *
 * Exit codes: 0 success; 1 a check failed (a divergence, a NO-GO with `report --check`, …);
 * 2 a usage error (unknown command or flag, a bad value, a selection that matches nothing, a path
 * that cannot be used), reported at once in one line, with "did you mean …" where it applies.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { BACKENDS, OPERATIONS, type BackendName } from '../src/contract.js';
import { BACKEND_ENV, chooseBackend, loadBackend } from '../src/select.js';
import { runOrderWorkflow, type WorkflowRunResult } from './workflow.js';

/** A usage error found after parsing (a value commander cannot check): exit 2, one line. */
class UsageError extends Error {}

function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}

function anyInteger(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`must be an integer, got "${value}"`);
  return n;
}

/** `i/n` with 1 <= i <= n. */
function shard(value: string): string {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const [index, count] = [Number(match?.[1]), Number(match?.[2])];
  if (match === null || index < 1 || count < 1 || index > count) throw new InvalidArgumentError(`must be i/n with 1 <= i <= n, got "${value}"`);
  return value;
}

function regex(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** A folder the command writes to: created if missing; an error if it is a file or cannot be made. */
function outputDir(value: string): string {
  const dir = path.resolve(value);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InvalidArgumentError(`${value} is a file, not a folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InvalidArgumentError(`cannot create ${value}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return dir;
}

/** A folder that must exist (an input). */
function inputDir(value: string, previous: string[] = []): string[] {
  const dir = path.resolve(value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InvalidArgumentError(`${value} is not a folder`);
  return [...previous, dir];
}

/**
 * The families of parity property keys (`op.<operation>`, `payload.…`, …; the type-level test is
 * `types`). A selection outside them would run nothing: refuse it before anything starts.
 */
const KEY_FAMILIES = ['op', 'policy', 'payload', 'model', 'planted', 'surface', 'log', 'hunt', 'types'];

function onlyKeys(value: string): string {
  const patterns = value.split(',').map((p) => p.trim());
  for (const pattern of patterns) {
    const stem = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
    const family = stem.split('.')[0] ?? '';
    const known = KEY_FAMILIES.some((f) => f.startsWith(family) && (stem.length <= f.length ? f.startsWith(stem) : stem.startsWith(`${f}.`) || stem === f));
    if (pattern === '' || !known) {
      throw new InvalidArgumentError(`"${pattern}" matches no property key; keys are ${KEY_FAMILIES.map((f) => (f === 'types' ? f : `${f}.…`)).join(', ')}`);
    }
    if (stem.startsWith('op.')) {
      const name = stem.slice(3);
      const ops = OPERATIONS.filter((op) => (pattern.endsWith('*') ? op.startsWith(name) : op === name));
      if (ops.length === 0) {
        const near = OPERATIONS.filter((op) => op.toLowerCase().startsWith(name.slice(0, 4).toLowerCase()));
        throw new InvalidArgumentError(`"${pattern}" names no operation${near.length > 0 ? ` (did you mean ${near.map((op) => `op.${op}`).join(', ')}?)` : ''}`);
      }
    }
  }
  return patterns.join(',');
}

const backendOption = () =>
  new Option('-b, --backend <name>', `the bridge (default: ${BACKEND_ENV}, else napi)`).choices([...BACKENDS]);

function printWorkflow(result: WorkflowRunResult): void {
  const mark = result.ok ? 'ok' : 'FAILED';
  process.stdout.write(
    `[${result.backend}] workflow ${mark}: task ${result.taskUuid} ${result.status} ` +
      `(${result.completionPercentage}%), steps ${result.order.join(' -> ')}, ${result.elapsedMs} ms\n`,
  );
}

/** Builds the program; each action resolves to its exit code through `setCode`. */
function program(setCode: (code: number) => void): Command {
  const cli = new Command('tasker-ffi')
    .description('The tasker FFI parity harness: one TypeScript contract over two bridges (napi-rs, koffi + C ABI) to one Rust core.')
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .configureOutput({ outputError: (text, write) => write(`${text.trim().split('\n').join(' ')}\n`) })
    // A command's options belong to it: `parity merge --out x` is merge's --out, not parity's.
    .enablePositionalOptions()
    .exitOverride();

  cli
    .command('workflow')
    .description('run the linear ecommerce/order_processing template end to end through WorkerServer on one backend')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (options: { backend?: BackendName; json?: boolean }) => {
      const { backend } = chooseBackend(options.backend === undefined ? {} : { backend: options.backend }, '--backend');
      const result = await runOrderWorkflow(loadBackend({ backend }));
      if (options.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else printWorkflow(result);
      setCode(result.ok ? 0 : 1);
    });

  const parity = cli
    .command('parity')
    .description('the parity suite: both bridges in lockstep, property- and model-based -> reports/parity.{md,json}, junit-parity.xml')
    .option('--seed <n>', 'fast-check seed of every property (default: random, printed)', anyInteger)
    .option('--path <key:path>', "replay one counterexample, as a failure prints it (with its --seed)")
    .option('--runs <n>', 'base runs per property (default 200, or FC_NUM_RUNS); model-based sequences: a fifth', integerAtLeast(1))
    .option('--only <keys>', 'comma-separated property keys or prefixes ending in * (e.g. op.client*,model.*)', onlyKeys)
    .option('--plant <name>', 'switch on a deliberately divergent napi wrapper (the run must fail)')
    .addOption(new Option('--policy <name>', "the conversion rules: the contract's, or minimal to see the raw divergences").choices(['contract', 'minimal']))
    .option('--shard <i/n>', 'run the i-th of n shards (by test file); merge them with `parity merge`', shard)
    .option('--out <dir>', 'where the reports go (default: reports/)', outputDir)
    .option('--json', 'print the report JSON instead of the summary')
    .enablePositionalOptions()
    .action(async (options: Record<string, unknown>) => {
      const { runParity } = await import('../parity-tests/runner/run.js');
      setCode(await runParity(options));
    });

  parity
    .command('merge')
    .description('join the reports of `parity --shard` runs into one parity.{md,json} and junit-parity.xml')
    .argument('<dirs...>', 'the --out folders of the shards', inputDir)
    .option('--out <dir>', 'where the merged reports go (default: reports/)', outputDir)
    .option('--json', 'print the merged report JSON instead of the summary')
    .action(async (dirs: string[][] | string[], options: { out?: string; json?: boolean }) => {
      const { mergeParity } = await import('../parity-tests/runner/run.js');
      setCode(await mergeParity(dirs.flat(), options));
    });

  cli
    .command('bench')
    .description('call-overhead benchmarks of every operation on both bridges -> reports/bench.{json,md,svg,png}')
    .option('--full', 'the full run that decides the cutover (default: a quick smoke run)')
    .option('--filter <regex>', 'only the scenarios whose name matches', regex)
    .option('--out <dir>', 'where the reports go (default: reports/)', outputDir)
    .action(async (options: { full?: boolean; filter?: RegExp; out?: string }) => {
      const { benchCommand } = await import('../bench/command.js');
      setCode(await benchCommand(options));
    });

  cli
    .command('repro')
    .description('reproduce a ticket through its real mechanism')
    .argument('<ticket>', 'the ticket (tas283)', (value: string) => {
      if (value.toLowerCase() !== 'tas283') throw new InvalidArgumentError(`unknown ticket "${value}"; known: tas283`);
      return 'tas283';
    })
    .option('--out <dir>', 'where the reports go (default: reports/)', outputDir)
    .action(async (_ticket: string, options: { out?: string }) => {
      const { reproTas283 } = await import('../parity-tests/tas283/lab/command.js');
      setCode(reproTas283(options.out));
    });

  cli
    .command('report')
    .description('re-render reports/bench.* and write reports/CUTOVER.md (go or no-go for napi as the default) from the latest results')
    .option('--out <dir>', 'the reports folder, which holds the inputs (default: reports/)', (value: string) => inputDir(value)[0] as string)
    .option('--check', 'exit 1 unless the verdict is GO')
    .action(async (options: { out?: string; check?: boolean }) => {
      const { reportCommand } = await import('./report/command.js');
      setCode(await reportCommand(options));
    });

  cli
    .command('soak')
    .description('memory and leak soak of each bridge, worker_threads, terminations -> reports/soak.{md,json}')
    .addOption(backendOption())
    .option('--calls <n>', 'calls per backend (default 1000000; e.g. 250k, 2m)', (value: string) => {
      const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(value.replace(/[_,]/g, ''));
      const factor = match?.[2]?.toLowerCase() === 'm' ? 1e6 : match?.[2]?.toLowerCase() === 'k' ? 1e3 : 1;
      const calls = match === null ? Number.NaN : Math.round(Number(match[1]) * factor);
      if (!Number.isInteger(calls) || calls < 1000) throw new InvalidArgumentError(`must be a whole number of calls >= 1000 (e.g. 1000000, 250k, 2m), got "${value}"`);
      return String(calls);
    })
    .option('--out <dir>', 'where the reports go (default: reports/)', outputDir)
    .option('--json', 'print the report JSON')
    .action(async (options: { backend?: BackendName; calls?: string; out?: string; json?: boolean }) => {
      const { soakCommand } = await import('../parity-tests/reliability/soak/index.js');
      setCode(await soakCommand(options));
    });

  return cli;
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const cli = program((c) => {
    code = c;
  });
  try {
    if (argv.length === 0) {
      cli.outputHelp();
      return 2;
    }
    await cli.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exits of their own; every other commander error is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof UsageError || (error instanceof Error && error.name === 'TaskerError' && /Unknown tasker FFI backend/.test(error.message))) {
      process.stderr.write(`tasker-ffi: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`tasker-ffi: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

export { UsageError };
