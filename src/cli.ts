#!/usr/bin/env node
/**
 * `tasker-ffi`: the harness's command line.
 *
 *   tasker-ffi [--backend napi|koffi] <command>
 *
 * Exit codes: 0 success, 1 a check failed, 2 usage error or command not available yet.
 */
import { parseArgs } from 'node:util';

import { BACKENDS, type BackendName } from './contract.js';
import { BACKEND_ENV, chooseBackend, loadBackend } from './select.js';
import { runSmoke, type SmokeResult } from './smoke.js';

const USAGE = `Usage: tasker-ffi [--backend napi|koffi] <command> [options]

One TypeScript contract over two bridges to the tasker core: napi-rs (default) and koffi + C ABI.

Commands:
  smoke          run the linear ecommerce/order_processing template end to end on one backend
  parity         the parity suite of both backends (for now: smoke on each backend)
  bench          call-overhead benchmarks per operation, backend and payload size
  repro tas283   reproduce TAS-283 ("trailing input") through its real mechanism
  report         write reports/*.md|json|svg and reports/CUTOVER.md from the latest results
  soak           long-running worker soak on one backend

Options:
  -b, --backend <name>  ${BACKENDS.join(' | ')} (default: ${BACKEND_ENV}, else napi); parity runs both
      --json            print machine-readable JSON (smoke, parity)
  -h, --help            show this help (also: tasker-ffi <command> --help)
`;

const COMMAND_HELP: Record<string, string> = {
  smoke: 'Usage: tasker-ffi [--backend napi|koffi] smoke [--json]\n\nRuns ecommerce/order_processing v1.0.0 through WorkerServer on one backend and prints the result.\n',
  parity:
    'Usage: tasker-ffi parity [--json]\n\nRuns on both backends. The full property-based parity suite is not yet available; for now this runs smoke on each backend.\n',
  bench: 'Usage: tasker-ffi [--backend napi|koffi] bench\n\nCall-overhead benchmarks (not yet available).\n',
  repro: 'Usage: tasker-ffi repro tas283\n\nReproduces TAS-283 through the old client createTask flow on the koffi bridge, tries each\ncandidate mechanism and the attempted fixes in child processes, and writes reports/tas283.{md,json}.\nBuilds the historical (tas283-unfixed) libraries first if they are missing.\n',
  report: 'Usage: tasker-ffi report\n\nWrites the reports from the latest results (not yet available).\n',
  soak: 'Usage: tasker-ffi [--backend napi|koffi] soak\n\nLong-running worker soak (not yet available).\n',
};

function notYetAvailable(what: string): number {
  process.stderr.write(`tasker-ffi ${what}: not yet available in this version of the harness.\n`);
  return 2;
}

function printSmoke(result: SmokeResult): void {
  const mark = result.ok ? 'ok' : 'FAILED';
  process.stdout.write(
    `[${result.backend}] smoke ${mark}: task ${result.taskUuid} ${result.status} ` +
      `(${result.completionPercentage}%), steps ${result.order.join(' -> ')}, ${result.elapsedMs} ms\n`,
  );
}

async function smoke(backend: BackendName, json: boolean): Promise<SmokeResult> {
  const result = await runSmoke(loadBackend({ backend }));
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printSmoke(result);
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
    case 'smoke': {
      let backend: BackendName;
      try {
        backend = chooseBackend(values.backend === undefined ? {} : { backend: values.backend }, '--backend').backend;
      } catch (error) {
        process.stderr.write(`tasker-ffi: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
      const result = await smoke(backend, values.json === true);
      return result.ok ? 0 : 1;
    }
    case 'parity': {
      if (values.backend !== undefined) {
        process.stderr.write('tasker-ffi parity: runs both backends; --backend does not apply.\n');
        return 2;
      }
      process.stderr.write('tasker-ffi parity: the full parity suite is not yet available; running smoke on both backends.\n');
      const results: SmokeResult[] = [];
      for (const backend of BACKENDS) results.push(await smoke(backend, values.json === true));
      const agree = results.every((r) => r.status === results[0]?.status && r.order.join() === results[0]?.order.join());
      process.stdout.write(`smoke on ${BACKENDS.join(' and ')}: ${agree && results.every((r) => r.ok) ? 'ok' : 'FAILED'}\n`);
      return agree && results.every((r) => r.ok) ? 0 : 1;
    }
    case 'repro':
      if (rest[0] !== 'tas283') {
        process.stderr.write(`tasker-ffi repro: unknown ticket ${rest[0] ?? '(none)'}; known: tas283\n`);
        return 2;
      }
      return (await import('./tas283/command.js')).reproTas283();
    case 'bench':
    case 'report':
    case 'soak':
      return notYetAvailable(command);
    default:
      process.stderr.write(`tasker-ffi: unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tasker-ffi: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
