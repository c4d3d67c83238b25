/**
 * `npm run repro:tas283` / `tasker-ffi repro tas283`: reproduces TAS-283 through the old client's
 * createTask flow, tries every candidate mechanism and both attempted fixes, and writes
 * reports/tas283.{md,json}. All texts and columns come from the bridges; this file only compares
 * them with the words of the ticket.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { packageRoot } from '../../../src/backends/locate.js';
import { MECHANISMS, PARSE_STRATEGIES, type ExperimentOutcome, type ExperimentSpec, type Mechanism } from './experiments.js';
import { tas283Paths } from './paths.js';
import { runInChild } from './run-child.js';

/** The ticket's text with its one variable part, the column, left open. */
export const TICKET_PATTERN =
  /^TaskerClientError: client_create_task failed: Invalid argument: Invalid task request JSON: trailing input at line 1 column (\d+)$/;
/** The column the ticket saw. */
export const TICKET_COLUMN = 577;

export function matchesTicket(outcome: ExperimentOutcome): boolean {
  return outcome.error !== undefined && TICKET_PATTERN.test(outcome.error);
}

const KOFFI_MECHANISMS: Mechanism[] = ['timestamp-with-zone', 'naive-timestamp', 'no-timestamp', 'contract-client', 'buffer-without-nul', 'reused-longer-buffer', 'embedded-nul'];
const NAPI_MECHANISMS: Mechanism[] = ['napi-client', 'napi-timestamp-with-zone'];
/** Reading past a Buffer depends on what happens to lie there: run it several times. */
const BUFFER_REPEATS = 5;
const SWEEP_PADDINGS = [0, 16, 64, 256, 1024, 4096, 16384];

export interface Tas283Report {
  generatedAt: string;
  ticket: { pattern: string; column: number };
  verdict: { rootCause: string; matchingMechanisms: Mechanism[]; fixedBuildPasses: boolean; napiImmunity: string };
  experiments: ExperimentOutcome[];
  columnSweep: { contextPadding: number; requestBytes: number; column: number | null; requestedAtEndColumn: number | null }[];
  ticketColumnCase: ExperimentOutcome | null;
  minimal: { json: string; error: string | null };
}

/**
 * The historical builds must exist (`node scripts/build.mjs --only tas283`). Neither the lab nor the
 * suite starts cargo itself: a test run must not rebuild native code behind the caller's back.
 */
export function ensureTas283Builds(): void {
  const { legacy, napi } = tas283Paths();
  const missing = [legacy, napi].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`TAS-283 builds missing (${missing.join(', ')}); build them from the repository with: node scripts/build.mjs --only tas283`);
  }
}

function progress(text: string): void {
  process.stderr.write(`tas283: ${text}\n`);
}

export function runTas283(): Tas283Report {
  ensureTas283Builds();
  const experiments: ExperimentOutcome[] = [];
  const run = (spec: ExperimentSpec): ExperimentOutcome => {
    const outcome = runInChild(spec);
    experiments.push(outcome);
    progress(`${spec.mechanism} [${spec.build}${spec.strategy ? `, ${spec.strategy}` : ''}] -> ${outcome.outcome}${outcome.error ? `: ${outcome.error}` : ''}`);
    return outcome;
  };

  for (const mechanism of KOFFI_MECHANISMS) {
    const repeats = mechanism === 'buffer-without-nul' ? BUFFER_REPEATS : 1;
    for (let i = 0; i < repeats; i += 1) {
      const attempt = repeats > 1 ? { attempt: { index: i + 1, of: repeats } } : {};
      for (const strategy of PARSE_STRATEGIES) run({ mechanism, build: 'historical', strategy, ...attempt });
      run({ mechanism, build: 'fixed', ...attempt });
    }
  }
  for (const mechanism of NAPI_MECHANISMS) for (const build of ['historical', 'fixed'] as const) run({ mechanism, build });

  const columnSweep = SWEEP_PADDINGS.map((contextPadding) => {
    const outcome = runInChild({ mechanism: 'timestamp-with-zone', build: 'historical', contextPadding });
    progress(`sweep: +${contextPadding} B of context -> column ${outcome.column ?? '-'} (request ${outcome.requestBytes} B)`);
    return {
      contextPadding,
      requestBytes: outcome.requestBytes ?? 0,
      column: outcome.column ?? null,
      requestedAtEndColumn: outcome.requestedAtEndColumn ?? null,
    };
  });

  // The column moves one for one with the request's size, so the ticket's column is reached by
  // padding the context by the difference; the failing code then has to say 577 itself.
  const base = columnSweep[0];
  let ticketColumnCase: ExperimentOutcome | null = null;
  if (base?.column != null) {
    ticketColumnCase = runInChild({ mechanism: 'timestamp-with-zone', build: 'historical', contextPadding: TICKET_COLUMN - base.column });
    progress(`ticket column: ${ticketColumnCase.error ?? ticketColumnCase.outcome}`);
  }

  const minimal = minimalFailure();
  const matching = [...new Set(experiments.filter((o) => o.spec.build === 'historical' && matchesTicket(o)).map((o) => o.spec.mechanism))];
  const fixedBuildPasses = experiments
    .filter((o) => o.spec.build === 'fixed' && ['timestamp-with-zone', 'contract-client', 'napi-timestamp-with-zone'].includes(o.spec.mechanism))
    .every((o) => o.outcome === 'created');
  const napiHistorical = experiments.find((o) => o.spec.mechanism === 'napi-timestamp-with-zone' && o.spec.build === 'historical');
  return {
    generatedAt: new Date().toISOString(),
    ticket: { pattern: TICKET_PATTERN.source, column: TICKET_COLUMN },
    verdict: {
      rootCause:
        "The old client stamps requested_at with Date.prototype.toISOString(), whose trailing 'Z' the core's requested_at type " +
        "(chrono::NaiveDateTime) rejects as \"trailing input\"; serde_json appends the position where that string ends, which is " +
        'the end of the request because requested_at is its last key. No bytes past the C string are involved.',
      matchingMechanisms: matching,
      fixedBuildPasses,
      napiImmunity:
        napiHistorical?.outcome === 'error'
          ? `by accident: the napi client never sends requested_at; given the old client's timestamp, the historical napi build fails too (${napiHistorical.error})`
          : 'not shown: the historical napi build accepted the old timestamp',
    },
    experiments,
    columnSweep,
    ticketColumnCase,
    minimal,
  };
}

/** The smallest request text that fails the same way: `requested_at` alone, with a zone designator. */
function minimalFailure(): { json: string; error: string | null } {
  const json = JSON.stringify({ requested_at: new Date(0).toISOString() });
  return { json, error: spawnMinimal(json) };
}

function spawnMinimal(json: string): string | null {
  const script = `
    import { createRequire } from 'node:module';
    const koffi = createRequire(${JSON.stringify(path.join(packageRoot(), 'package.json'))})('koffi');
    const lib = koffi.load(${JSON.stringify(tas283Paths().legacy)});
    const RustString = koffi.disposable('RustString', 'char *', lib.func('void free_rust_string(void *)'));
    lib.func('bootstrap_worker', RustString, ['const char *'])('{"seed":283}');
    process.stdout.write(lib.func('client_create_task', RustString, ['const char *'])(${JSON.stringify(json)}));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: packageRoot(), timeout: 30_000 });
  try {
    const envelope = JSON.parse(result.stdout) as { success: boolean; error?: string };
    return envelope.success ? null : (envelope.error ?? null);
  } catch {
    return `child failed: ${result.stderr.trim().split('\n').pop() ?? result.status}`;
  }
}
