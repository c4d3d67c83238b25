/**
 * Hostile input (corpus.ts): every entry gives the same typed error (or the same defined result)
 * on both bridges, without a crash, within the child's time limit, and leaves the engine state
 * unchanged. Each backend runs the whole corpus in its own child process (corpus-child.ts), so a
 * crash is a failed assertion naming the entry it died on.
 *
 * Below the contract: the legacy C ABI answers NULL pointers, bytes that are not UTF-8 and JSON the
 * adapter would never write with typed error envelopes; the napi addon answers raw misuse with its
 * own conversion errors, without crashing. And the koffi adapter never hands koffi anything but a
 * string or null (a number for a `const char *` is read as an address: proven to crash below).
 */
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { resolveLegacyLibrary } from '../../src/backends/locate.js';
import type { BackendName } from '../../src/index.js';
import { CORPUS, RAW_ABI_CORPUS, type Category } from './corpus.js';
import type { CorpusRun, EntryResult } from './corpus-child.js';
import { describeFailure, here, runInChild, TEST_BACKENDS, type ChildOutcome } from './support.js';

/** Generous: the whole corpus (4 × 100 MiB payloads included) takes a few seconds per backend. */
const CORPUS_TIMEOUT_MS = 120_000;
const outcomes = new Map<BackendName, ChildOutcome<CorpusRun>>();
const run = (backend: BackendName): CorpusRun => {
  const outcome = outcomes.get(backend);
  if (outcome === undefined || !outcome.ok || outcome.result === undefined) {
    throw new Error(`${backend}: the corpus child ${outcome === undefined ? 'did not run' : describeFailure(outcome)}`);
  }
  return outcome.result;
};
const entry = (backend: BackendName, name: string): EntryResult => {
  const found = run(backend).results.find((r) => r.name === name);
  if (found === undefined) throw new Error(`${backend}: no result for ${name}`);
  return found;
};

beforeAll(async () => {
  await Promise.all(
    TEST_BACKENDS.map(async (backend) => {
      outcomes.set(backend, await runInChild<CorpusRun>(here('corpus-child.ts'), { backend }, { exposeGc: false, timeoutMs: CORPUS_TIMEOUT_MS }));
    }),
  );
}, CORPUS_TIMEOUT_MS + 30_000);

describe('the hostile-input corpus', () => {
  it('has at least 60 hostile inputs, across the operations and every category', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    const categories = new Set<Category>(CORPUS.map((c) => c.category));
    for (const category of ['wrong type', 'not a UUID', 'null / undefined', 'not well-formed text', 'missing field', 'unknown field', 'large payload', 'deep nesting', 'pagination', 'unknown event', 'event misuse', 'not JSON'] as const) {
      expect(categories).toContain(category);
    }
    const operations = new Set(CORPUS.map((c) => /^(\w+)\(/.exec(c.name)?.[1]).filter((op) => op !== undefined));
    expect(operations.size).toBeGreaterThanOrEqual(10);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it.each(TEST_BACKENDS)('%s: the whole corpus runs to the end in its child, no crash, within the time limit', (backend) => {
    const outcome = outcomes.get(backend);
    expect(outcome?.ok, outcome === undefined ? 'not run' : describeFailure(outcome)).toBe(true);
    expect(run(backend).results).toHaveLength(CORPUS.length);
    expect(run(backend).aliveAfter).toBe(true);
  });
});

describe.each(CORPUS.map((c) => [c.name, c] as const))('hostile input: %s', (name, input) => {
  it.each(TEST_BACKENDS)('%s: a typed result as the contract defines it, the engine state unchanged', (backend) => {
    const result = entry(backend, name);
    if ('codes' in input.expect) {
      expect(result.outcome).toMatchObject({ kind: 'threw', errorClass: 'TaskerError' });
      expect(input.expect.codes).toContain(result.outcome.kind === 'threw' ? result.outcome.code : null);
    } else {
      expect(result.outcome.kind).toBe('returned');
    }
    expect(result.stateUnchanged).toBe(true);
  });

  it.runIf(TEST_BACKENDS.length > 1)('koffi and napi agree exactly (same class, code, message; or the same result)', () => {
    expect(entry('koffi', name).outcome).toEqual(entry('napi', name).outcome);
  });
});

describe('after the corpus', () => {
  it.runIf(TEST_BACKENDS.length > 1)('the engine state is identical on both bridges', () => {
    expect(run('koffi').finalState).toBe(run('napi').finalState);
  });

  it.runIf(TEST_BACKENDS.includes('koffi'))('koffi: every C string was freed, error envelopes included', () => {
    expect(run('koffi').liveStrings).toBe(0);
  });
});

describe('koffi: nothing but a string or null ever reaches a `const char *`', () => {
  it.runIf(TEST_BACKENDS.includes('koffi'))('the adapter handed koffi only strings and nulls over the whole corpus (every argument of every call seen)', () => {
    const spy = run('koffi').spy;
    expect(spy).not.toBeNull();
    expect(spy?.calls).toBeGreaterThan(1000);
    expect(spy?.violations).toEqual([]);
  });

  it.runIf(TEST_BACKENDS.includes('koffi'))('why: a number passed straight to a raw koffi `const char *` is read as an address (the process dies)', async () => {
    // A child that declares client_get_task directly and passes 42: koffi reads address 42.
    const script = fileURLToPath(new URL('./raw-number-child.ts', import.meta.url));
    const outcome = await runInChild<unknown>(script, { libraryPath: resolveLegacyLibrary() }, { exposeGc: false, timeoutMs: 30_000 });
    expect(outcome.ok).toBe(false);
    // SIGSEGV on Linux/macOS today; a koffi that threw instead would also be "not a result".
    expect(outcome.signal !== null || outcome.error !== undefined || outcome.exitCode !== 0).toBe(true);
  });
});

describe('below the contract: the legacy C ABI', () => {
  it('covers NULL and non-UTF-8 bytes for every string parameter, plus raw JSON the adapter never writes', () => {
    expect(RAW_ABI_CORPUS.length).toBeGreaterThanOrEqual(60);
  });

  it.runIf(TEST_BACKENDS.includes('koffi'))('every raw input is a typed error envelope (or last error) with the documented message, state unchanged', () => {
    const raw = run('koffi').raw;
    expect(raw).toHaveLength(RAW_ABI_CORPUS.length);
    raw.forEach((result, i) => {
      const input = RAW_ABI_CORPUS[i];
      expect(result.name).toBe(input?.name);
      expect({ name: result.name, code: result.code }).toEqual({ name: input?.name, code: input?.expect.code });
      expect(result.message, result.name).toMatch(input?.expect.message ?? /^$/);
      expect(result.stateUnchanged, result.name).toBe(true);
    });
  });

  it.runIf(TEST_BACKENDS.includes('napi'))('napi: raw misuse of the addon throws napi-rs conversion errors, no crash, state unchanged', () => {
    const raw = run('napi').raw;
    expect(raw.length).toBeGreaterThanOrEqual(10);
    for (const result of raw) expect(result.stateUnchanged, result.name).toBe(true);
    // Only the list calls return: the drop-in addon answers server-side outcomes (here a paging
    // validation error and an empty far page) in its result object, as tasker's did; every
    // argument the addon cannot convert throws.
    expect(raw.filter((r) => r.message.startsWith('returned')).map((r) => r.name)).toEqual(['clientListTasks({limit: -1})', 'clientListTasks({offset: -1})']);
    expect(raw.find((r) => r.name === 'clientListTasks({limit: -1})')?.message).toContain('"success":false');
  });
});
