/**
 * One runtime x backend cell of the runtime smoke, in its own process:
 *
 *   node --import tsx parity-tests/runtimes/child.ts --backend koffi --entry dist
 *   bun parity-tests/runtimes/child.ts --backend napi --entry src
 *   deno run --allow-ffi --allow-read --allow-env [--sloppy-imports] parity-tests/runtimes/child.ts …
 *
 * `--entry dist` imports the built package (dist/index.js, what `npm pack` ships);
 * `--entry src` imports the TypeScript sources (src/index.ts; Bun and Deno run them as they are).
 *
 * It talks to the orchestrator (scripts/runtime-smoke.mjs) through lines on stdout that start with
 * `MARKER`: a `loaded` event once the backend is loaded and answered `getVersion()`, then a
 * `done` event with the outcome. A load failure is a `load-failed` event with the exact error and
 * its causes. Only Node APIs that Bun and Deno implement are used (node:process, node:url, node:path).
 */
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { DEFAULT_SMOKE_OPTIONS, runRuntimeSmoke, type TaskerModule } from './smoke.js';

export const MARKER = '@@runtime-smoke ';

const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${MARKER}${JSON.stringify(event)}\n`);
};

/** The error and its `cause` chain, as text (the report shows the exact messages). */
function errorChain(error: unknown): { name: string; message: string; code?: unknown }[] {
  const chain: { name: string; message: string; code?: unknown }[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      chain.push({ name: current.name, message: current.message, ...(code === undefined ? {} : { code }) });
      current = current.cause;
    } else {
      chain.push({ name: typeof current, message: String(current) });
      break;
    }
  }
  return chain;
}

function runtimeName(): { runtime: string; version: string } {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun !== undefined) return { runtime: 'bun', version: g.Bun.version };
  if (g.Deno !== undefined) return { runtime: 'deno', version: g.Deno.version.deno };
  return { runtime: 'node', version: process.versions.node };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      backend: { type: 'string' },
      entry: { type: 'string', default: 'dist' },
      seed: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const entryFile = values.entry === 'src' ? path.join(root, 'src', 'index.ts') : path.join(root, 'dist', 'index.js');
  const backend = values.backend;
  const options = {
    seed: values.seed === undefined ? DEFAULT_SMOKE_OPTIONS.seed : Number(values.seed),
    runs: values.runs === undefined ? DEFAULT_SMOKE_OPTIONS.runs : Number(values.runs),
  };
  const started = performance.now();
  const who = { ...runtimeName(), backend, entry: values.entry, entryFile: path.relative(root, entryFile) };

  let pkg: TaskerModule;
  let ffi;
  let version: string;
  try {
    pkg = (await import(pathToFileURL(entryFile).href)) as TaskerModule;
    ffi = pkg.loadBackend({ backend });
    version = ffi.getVersion();
  } catch (error) {
    emit({ event: 'load-failed', ...who, error: errorChain(error), stack: error instanceof Error ? error.stack : undefined });
    return 3;
  }
  emit({ event: 'loaded', ...who, version, libraryPath: (ffi as { libraryPath?: string }).libraryPath ?? null });

  const outcome = await runRuntimeSmoke(pkg, ffi, options);
  emit({ event: 'done', ...who, ...outcome, options, elapsedMs: Math.round(performance.now() - started) });
  return outcome.failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    emit({ event: 'crashed', error: errorChain(error), stack: error instanceof Error ? error.stack : undefined });
    process.exitCode = 4;
  },
);
