/**
 * The five structured log calls:
 * - parity: any message (NUL, lone surrogates, long text, not a string) and any fields (objects,
 *   non-objects, hostile values), with or without a worker, give the same outcome on both;
 * - they never throw for a well-formed message and fields, in any worker state;
 * - with a level set (the bootstrap `logLevel`, or `TASKER_LOG_LEVEL`), the records at or above it
 *   are written to stdout in tracing's format, the others are not; before bootstrap none is. The
 *   records come from Rust on fd 1, so a child process with its stdout piped writes them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { BACKENDS, type JsonObject } from '../../src/contract.js';
import { packageRoot } from '../../src/backends/locate.js';
import { acceptableString, jsonObject, LOG_OPERATIONS, logInput, MISSING, scenarioInput } from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { attempt, both, describeOutcome, loadVariants, probeState } from './support/lockstep.js';
import { LOG_MARKER } from './support/log-records.js';
import { parityProperty, selected } from './support/property.js';
import { runScenario } from './support/scenario.js';

const here = path.dirname(fileURLToPath(import.meta.url));

for (const { name, suffix, pair } of loadVariants()) {
  describe(`log operations: koffi and napi agree (${name} vs koffi)`, () => {
    for (const operation of LOG_OPERATIONS) {
      parityProperty(
        { key: `op.${operation}${suffix}`, suite: 'operation', operation, title: `${operation}: koffi and napi agree on any message and fields` },
        { scenario: scenarioInput({ worker: ['running', 'stopped', 'shutting_down'], maxTasks: 1 }), log: logInput },
        ({ scenario, log }) => {
          runScenario(pair, scenario);
          const { message, fields } = log;
          if (fields === MISSING) {
            both(pair, `${operation}(${show(message)})`, (ffi) => ffi[operation](message as string));
          } else {
            both(pair, `${operation}(${show(message)}, ${show(fields)})`, (ffi) => ffi[operation](message as string, fields as JsonObject));
          }
          probeState(pair);
        },
      );
    }

    parityProperty(
      { key: `log.never-throws${suffix}`, suite: 'operation', title: 'the log calls never throw for a well-formed message and JSON-object fields, in any worker state' },
      {
        scenario: scenarioInput({ worker: ['running', 'stopped', 'shutting_down'], maxTasks: 1 }),
        operation: fc.constantFrom(...LOG_OPERATIONS),
        message: acceptableString(40),
        fields: fc.option(jsonObject({ maxDepth: 3 }), { nil: undefined }),
      },
      ({ scenario, operation, message, fields }) => {
        runScenario(pair, scenario);
        for (const ffi of [pair.napi, pair.koffi]) {
          const outcome = attempt(() => ffi[operation](message, fields));
          expect(outcome, `${ffi.backend}.${operation}(${show(message)}, ${show(fields)}) ${describeOutcome(outcome)}`).toEqual({ ok: true, value: undefined });
        }
      },
    );
  });
}

/** The marked records the child wrote, by level word (`ERROR`, `WARN`, …). */
function records(backend: string, run: 'config' | 'env' | 'before', env: Record<string, string> = {}): { levels: string[]; lines: string[] } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The suites silence the engine (TASKER_LOG_LEVEL=off); a child that checks the records must not be.
  if (env.TASKER_LOG_LEVEL === undefined) delete childEnv.TASKER_LOG_LEVEL;
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'support', 'log-records.child.ts'), backend, run], {
    cwd: packageRoot(),
    encoding: 'utf8',
    env: childEnv,
    timeout: 60_000,
  });
  expect(child.status, `child ${backend} ${run} exited ${child.status ?? child.signal}; stderr: ${child.stderr.slice(0, 2000)}`).toBe(0);
  const lines = child.stdout.split('\n').filter((line) => line.includes(LOG_MARKER));
  expect(lines.at(-1), 'the child ran to its end').toBe(`${LOG_MARKER} done`);
  const written = lines.slice(0, -1);
  return { levels: written.map((line) => /\b(ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(line)?.[1] ?? `(no level: ${line})`), lines: written };
}

/** tracing's full format: `<RFC 3339 µs>Z <LEVEL> tasker_ts::ffi_logging: <message> fields={…}` (fields sorted, as JSON Debug). */
const RECORD = new RegExp(
  `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z +(ERROR|WARN|INFO) tasker_ts::ffi_logging: ${LOG_MARKER} (error|warn|info) ` +
    'fields=\\{"attempt": Number\\(2\\), "nested": Object \\{"ok": Bool\\(true\\)\\}, "step": String\\("validate_cart"\\)\\}$',
);

describe('log records are written at and above the threshold (child process, stdout)', () => {
  for (const backend of BACKENDS) {
    it.runIf(selected('log.records'))(`${backend}: bootstrap logLevel 'debug' writes error…debug, not trace, in tracing's format [log.records]`, () => {
      const { levels, lines } = records(backend, 'config');
      expect(levels).toEqual(['ERROR', 'WARN', 'INFO', 'DEBUG']);
      for (const line of lines.slice(0, 3)) expect(line).toMatch(RECORD);
      expect(lines[3]).toMatch(new RegExp(`DEBUG tasker_ts::ffi_logging: ${LOG_MARKER} debug$`));
    });

    it.runIf(selected('log.records'))(`${backend}: TASKER_LOG_LEVEL=warn writes error and warn only [log.records]`, () => {
      expect(records(backend, 'env', { TASKER_LOG_LEVEL: 'warn' }).levels).toEqual(['ERROR', 'WARN']);
    });

    it.runIf(selected('log.records'))(`${backend}: TASKER_LOG_LEVEL=off wins over the bootstrap logLevel [log.records]`, () => {
      expect(records(backend, 'config', { TASKER_LOG_LEVEL: 'off' }).levels).toEqual([]);
    });

    it.runIf(selected('log.records'))(`${backend}: before the first bootstrap the records are dropped, and the calls do not throw [log.records]`, () => {
      expect(records(backend, 'before').levels).toEqual([]);
    });
  }

  it.runIf(selected('log.records'))('both backends write the same records, up to the timestamps [log.records]', () => {
    const strip = (lines: string[]): string[] => lines.map((line) => line.replace(/^\S+Z/, '<time>'));
    expect(strip(records('napi', 'config').lines)).toEqual(strip(records('koffi', 'config').lines));
  });
});
