/**
 * No panic crosses a bridge: a panic inside the core (the test-only hook of the `test-hooks`
 * builds) is `TaskerError` INTERNAL on both bridges, the process lives on, the next call works and
 * the engine state is untouched. Each backend runs in a child process, so a panic that did cross
 * (an abort) is a failed assertion with the child's signal, not a dead test runner.
 *
 * The test-hooks builds are separate outputs (target/harness); the product builds are checked
 * to have no working hook.
 */
import { createRequire } from 'node:module';

import { beforeAll, describe, expect, it } from 'vitest';

import { requireKoffi } from '../../src/backends/legacy-library.js';
import { resolveLegacyLibrary, resolveNapiModule } from '../../src/backends/locate.js';
import type { BackendName } from '../../src/index.js';
import type { PanicRun } from './panic-child.js';
import { describeFailure, here, requireTestHooks, runInChild, TEST_BACKENDS, testHooksLibrary } from './support.js';

const PANIC_MESSAGE = 'Internal error: panic in core: deliberate test panic: boom';
const REPEAT = 200;
const runs = new Map<BackendName, PanicRun>();

beforeAll(async () => {
  requireTestHooks(TEST_BACKENDS);
  await Promise.all(
    TEST_BACKENDS.map(async (backend) => {
      const outcome = await runInChild<PanicRun>(
        here('panic-child.ts'),
        { backend, libraryPath: testHooksLibrary(backend), repeat: REPEAT },
        { exposeGc: false, timeoutMs: 60_000 },
      );
      if (!outcome.ok || outcome.result === undefined) throw new Error(`${backend}: the panic child ${describeFailure(outcome)}`);
      runs.set(backend, outcome.result);
    }),
  );
}, 900_000);

describe.each(TEST_BACKENDS)('%s: a panic in the core', (backend) => {
  const run = (): PanicRun => runs.get(backend) as PanicRun;

  it('becomes TaskerError INTERNAL with the panic text (recoverable)', () => {
    expect(run().first).toEqual({ errorClass: 'TaskerError', code: 'INTERNAL', message: PANIC_MESSAGE, recoverable: true });
  });

  it('leaves the engine state untouched, and the next calls work', () => {
    expect(run().stateUnchanged).toBe(true);
    expect(run().nextCallsWork).toEqual({ version: true, completed: true, created: true, listed: 2 });
  });

  it(`${REPEAT} panics in a row: every one INTERNAL, the process lives on`, () => {
    expect(run().repeated).toEqual({ count: REPEAT, internal: REPEAT });
  });

  it('a panic without a worker is INTERNAL too, and bootstrap works afterwards', () => {
    expect(run().beforeBootstrap).toMatchObject({ errorClass: 'TaskerError', code: 'INTERNAL', message: 'Internal error: panic in core: deliberate test panic: no worker' });
    expect(run().bootstrapAfter).toBe('started');
  });

  it.runIf(backend === 'koffi')('frees every C string, error envelopes included', () => {
    expect(run().liveStrings).toBe(0);
  });
});

describe('panics: both bridges agree', () => {
  it.runIf(TEST_BACKENDS.length > 1)('the same error, code and recoverable flag on both bridges', () => {
    const [a, b] = TEST_BACKENDS.map((backend) => runs.get(backend) as PanicRun);
    expect(a?.first).toEqual(b?.first);
    expect(a?.beforeBootstrap).toEqual(b?.beforeBootstrap);
  });
});

describe('the product builds carry no working hook', () => {
  it.runIf(TEST_BACKENDS.includes('koffi'))('the product legacy library does not export legacy_test_panic', () => {
    const lib = requireKoffi().load(resolveLegacyLibrary());
    expect(() => lib.func('void *legacy_test_panic(const char *message)')).toThrow(/legacy_test_panic/);
  });

  it.runIf(TEST_BACKENDS.includes('napi'))('the product napi addon answers testPanic with INVALID_STATE, without panicking', () => {
    const addon = createRequire(import.meta.url)(resolveNapiModule()) as { testPanic(message: string): void };
    let error: unknown;
    try {
      addon.testPanic('boom');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_STATE', message: 'Invalid state: testPanic needs an addon built with --features test-hooks' });
  });
});
