/**
 * `tasker-ffi`: the harness's command line.
 *
 *   tasker-ffi [--backend napi|koffi] <command>
 *
 * Exit codes: 0 success, 1 a check failed, 2 usage error or command not available yet.
 */
import { parseArgs } from 'node:util';

import { BACKENDS, type BackendName } from '../src/contract.js';
import { BACKEND_ENV, chooseBackend, loadBackend } from '../src/select.js';
import { PARITY_HELP } from '../parity-tests/runner/help.js';
import { runOrderWorkflow, type WorkflowRunResult } from './workflow.js';

const USAGE = `Usage: tasker-ffi [--backend napi|koffi] <command> [options]

One TypeScript contract over two bridges to the tasker core: napi-rs (default) and koffi + C ABI.

Commands:
  workflow       run the linear ecommerce/order_processing template end to end on one backend
  parity         the parity suite: napi and koffi in lockstep, property- and model-based -> reports/parity.{md,json}
  bench          call-overhead benchmarks per operation, backend and payload size
  repro tas283   reproduce TAS-283 ("trailing input") through its real mechanism
  report         write reports/*.md|json|svg and reports/CUTOVER.md from the latest results
  soak           memory and leak soak of each backend, worker_threads, leak check -> reports/soak.{md,json}

Options:
  -b, --backend <name>  ${BACKENDS.join(' | ')} (default: ${BACKEND_ENV}, else napi); parity runs both
      --json            print machine-readable JSON (workflow, parity)
      --seed <n>        parity: fast-check seed; --path '<key>:<path>' replays one counterexample
      --runs <n>        parity: base runs per property (or FC_NUM_RUNS); --only <keys>, --transfers <list>
      --plant <name>    parity: switch on a deliberately divergent backend (the run must fail)
      --full            bench: the full run (default: quick, about 2 minutes)
      --filter <regex>  bench: only the scenarios whose name matches
      --out <dir>       bench, report, soak: where the reports go (default: reports/)
      --calls <n>       soak: calls per backend (default 1000000; e.g. 250k, 2m)
  -h, --help            show this help (also: tasker-ffi <command> --help)
`;

const COMMAND_HELP: Record<string, string> = {
  workflow: 'Usage: tasker-ffi [--backend napi|koffi] workflow [--json]\n\nRuns ecommerce/order_processing v1.0.0 through WorkerServer on one backend and prints the result.\n',
  parity: PARITY_HELP,
  bench:
    'Usage: tasker-ffi bench [--full] [--filter <regex>] [--out <dir>]\n\nCall-overhead benchmarks of every operation on both backends (one process, interleaved), at every payload size\nwhere the call carries free-form JSON, with their floors; writes reports/bench.{json,md,svg}. Quick by default\n(about 2 minutes); --full takes longer and measures more samples. Method: docs/benchmarks.md.\n',
  repro: 'Usage: tasker-ffi repro tas283\n\nReproduces TAS-283 through the old client createTask flow on the koffi bridge, tries each\ncandidate mechanism and the attempted fixes in child processes, and writes reports/tas283.{md,json}.\nBuilds the historical (tas283-unfixed) libraries first if they are missing.\n',
  report:
    'Usage: tasker-ffi report [--out <dir>]\n\nRe-renders reports/bench.{md,svg} from bench.json and writes reports/CUTOVER.md (go or no-go for napi as\nthe default) from the latest parity, TAS-283, bench and soak results.\n',
  soak:
    'Usage: tasker-ffi [--backend napi|koffi] soak [--calls <n>] [--out <dir>] [--json]\n\nRuns a mixed create/poll/complete/get/list workload of --calls calls (default 1,000,000) on each backend (or\nthe one named), each in its own child process, sampling RSS and the V8 heap; then 6 worker_threads on both\nbackends and 50 short-lived workers; then a run with a deliberate C-string leak that the check must catch.\nWrites reports/soak.{md,json}; exits 1 unless every target is met (< 5 MB RSS per million calls, 0 C strings\nleft). Method: docs/reliability.md.\n',
};

function printWorkflow(result: WorkflowRunResult): void {
  const mark = result.ok ? 'ok' : 'FAILED';
  process.stdout.write(
    `[${result.backend}] workflow ${mark}: task ${result.taskUuid} ${result.status} ` +
      `(${result.completionPercentage}%), steps ${result.order.join(' -> ')}, ${result.elapsedMs} ms\n`,
  );
}

async function workflow(backend: BackendName, json: boolean): Promise<WorkflowRunResult> {
  const result = await runOrderWorkflow(loadBackend({ backend }));
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printWorkflow(result);
  return result;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        backend: { type: 'string', short: 'b' },
        json: { type: 'boolean', default: false },
        full: { type: 'boolean', default: false },
        filter: { type: 'string' },
        out: { type: 'string' },
        calls: { type: 'string' },
        seed: { type: 'string' },
        path: { type: 'string' },
        runs: { type: 'string' },
        plant: { type: 'string' },
        only: { type: 'string' },
        transfers: { type: 'string' },
        policy: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.help) {
    process.stdout.write(COMMAND_HELP[command] ?? USAGE);
    return COMMAND_HELP[command] === undefined ? 2 : 0;
  }

  switch (command) {
    case 'workflow': {
      let backend: BackendName;
      try {
        backend = chooseBackend(values.backend === undefined ? {} : { backend: values.backend }, '--backend').backend;
      } catch (error) {
        process.stderr.write(`tasker-ffi: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
      const result = await workflow(backend, values.json === true);
      return result.ok ? 0 : 1;
    }
    case 'parity': {
      if (values.backend !== undefined) {
        process.stderr.write('tasker-ffi parity: runs both backends; --backend does not apply.\n');
        return 2;
      }
      const { runParity } = await import('../parity-tests/runner/run.js');
      return runParity({
        ...(values.seed === undefined ? {} : { seed: values.seed }),
        ...(values.path === undefined ? {} : { path: values.path }),
        ...(values.runs === undefined ? {} : { runs: values.runs }),
        ...(values.plant === undefined ? {} : { plant: values.plant }),
        ...(values.only === undefined ? {} : { only: values.only }),
        ...(values.transfers === undefined ? {} : { transfers: values.transfers }),
        ...(values.policy === undefined ? {} : { policy: values.policy }),
        ...(values.out === undefined ? {} : { out: values.out }),
        json: values.json === true,
      });
    }
    case 'repro':
      if (rest[0] !== 'tas283') {
        process.stderr.write(`tasker-ffi repro: unknown ticket ${rest[0] ?? '(none)'}; known: tas283\n`);
        return 2;
      }
      return (await import('../parity-tests/tas283/lab/command.js')).reproTas283();
    case 'bench': {
      if (values.backend !== undefined) {
        process.stderr.write('tasker-ffi bench: measures both backends side by side; --backend does not apply.\n');
        return 2;
      }
      const { benchCommand } = await import('../bench/command.js');
      return benchCommand({
        full: values.full === true,
        ...(values.filter === undefined ? {} : { filter: values.filter }),
        ...(values.out === undefined ? {} : { out: values.out }),
      });
    }
    case 'report': {
      const { reportCommand } = await import('./report/command.js');
      return reportCommand(values.out === undefined ? {} : { out: values.out });
    }
    case 'soak': {
      let backend: BackendName | undefined;
      try {
        backend = values.backend === undefined ? undefined : chooseBackend({ backend: values.backend }, '--backend').backend;
      } catch (error) {
        process.stderr.write(`tasker-ffi: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
      const { soakCommand } = await import('../parity-tests/reliability/soak/index.js');
      return soakCommand({
        ...(backend === undefined ? {} : { backend }),
        ...(values.calls === undefined ? {} : { calls: values.calls }),
        ...(values.out === undefined ? {} : { out: values.out }),
        json: values.json === true,
      });
    }
    default:
      process.stderr.write(`tasker-ffi: unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}

/** Runs the CLI; resolves to the exit code. Unexpected errors become exit code 1 with one line. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    process.stderr.write(`tasker-ffi: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
