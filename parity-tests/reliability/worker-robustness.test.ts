/**
 * WorkerServer robustness (issue 13): whatever a handler does — throws an Error, throws a value
 * that is not one (a string with a lone surrogate, a 10 MB string, `undefined`, an object whose
 * getters throw), hangs past `stepDefinition.timeoutSeconds`, or returns something that is not
 * JSON — the server records a failure for the step and keeps running; nothing escapes to the
 * caller and the loop reports no error of its own unless the bridge refused a result (then the
 * minimal failure replaces it). Both bridges record the same outcomes.
 *
 * The template is ours, written to a temp folder: one step, `timeout_seconds: 1`, not retryable,
 * so every failure is final (`error`) and visible in the step's stored result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defineStepHandler, loadBackend, WorkerServer, type BackendName, type JsonValue, type StepEvent } from '../../src/index.js';
import { taskRequest } from '../fixtures.js';
import { TEST_BACKENDS } from './support.js';

const TEMPLATE = `name: handlers
namespace_name: robust
version: 1.0.0
description: One step whose handler misbehaves as the task's context says.
steps:
  - name: misbehave
    handler:
      callable: robust.misbehave
    retry:
      retryable: false
      max_attempts: 1
    timeout_seconds: 1
`;

const HUGE = 'e'.repeat(10 * 1024 * 1024);

/** What the handler does, by the task's `mode`. */
const MODES: Record<string, () => unknown> = {
  throwsError: () => {
    throw new TypeError('handler blew up');
  },
  throwsLoneSurrogate: () => {
    throw 'bad \uD800 text';
  },
  throwsHugeString: () => {
    throw HUGE;
  },
  throwsUndefined: () => {
    throw undefined;
  },
  throwsHostileObject: () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('getter trap');
        },
      },
    );
    throw hostile;
  },
  hangs: () => new Promise(() => undefined),
  returnsFunction: () => ({ f: () => 1 }),
  returnsBigInt: () => ({ n: 1n }),
  returnsCycle: () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    return cycle;
  },
  returnsLoneSurrogateKey: () => ({ '\uDC00': 1 }),
};

interface Recorded {
  state: string;
  success: unknown;
  message: string;
  errorType: unknown;
}

const outcomes = new Map<BackendName, { stats: unknown; recorded: Record<string, Recorded>; errors: number }>();
let templateDir: string;

beforeAll(() => {
  templateDir = mkdtempSync(path.join(os.tmpdir(), 'tasker-robust-'));
  writeFileSync(path.join(templateDir, 'handlers.yaml'), TEMPLATE);
});

afterAll(() => {
  for (const backend of TEST_BACKENDS) loadBackend({ backend }).stopWorker();
  rmSync(templateDir, { recursive: true, force: true });
});

describe.each(TEST_BACKENDS)('%s: a WorkerServer whose handler misbehaves', (backend) => {
  it('records a failure for every case, never crashes, and keeps serving', async () => {
    const ffi = loadBackend({ backend });
    if (ffi.isWorkerRunning()) ffi.stopWorker();
    const loopErrors: unknown[] = [];
    const server = new WorkerServer({
      backend: ffi,
      bootstrap: { seed: 13, templatePath: templateDir },
      handlers: [defineStepHandler('robust.misbehave', (event: StepEvent) => MODES[(event.task.context as { mode: string }).mode]?.() as JsonValue)],
      concurrency: Object.keys(MODES).length,
      maintenanceIntervalMs: 0,
      onError: (error) => loopErrors.push(error),
    });
    await server.start({ poll: false });
    const tasks = Object.keys(MODES).map((mode) => [mode, ffi.clientCreateTask(taskRequest('robust', 'handlers', { mode })).task_uuid] as const);
    const started = performance.now();
    const stats = await server.runUntilIdle();
    // The hanging handler is cut off by the step's 1 s timeout, not by anything slower.
    expect(performance.now() - started).toBeLessThan(10_000);

    const recorded: Record<string, Recorded> = {};
    for (const [mode, task] of tasks) {
      const [step] = ffi.clientListTaskSteps(task);
      const results = (step?.results ?? {}) as { success?: unknown; error?: { message?: string; error_type?: unknown } };
      recorded[mode] = { state: step?.current_state ?? 'missing', success: results.success, message: results.error?.message ?? '', errorType: results.error?.error_type };
      expect(step?.current_state, mode).toBe('error');
      expect(results.success, mode).toBe(false);
      expect(ffi.clientGetTask(task).status, mode).toBe('blocked_by_failures');
    }
    expect(recorded.throwsError).toMatchObject({ message: 'handler blew up', errorType: 'TypeError' });
    // A lone surrogate cannot cross as UTF-8: it is replaced, the rest of the text kept.
    expect(recorded.throwsLoneSurrogate?.message).toBe('bad \uFFFD text');
    // A huge thrown string is cut to a bounded message.
    expect(recorded.throwsHugeString?.message.length).toBeLessThanOrEqual(2001);
    expect(recorded.throwsHugeString?.message.startsWith('eeee')).toBe(true);
    expect(recorded.throwsUndefined?.message).toBe('undefined');
    expect(recorded.hangs).toMatchObject({ message: 'Handler execution timed out after 1000ms', errorType: 'HandlerTimeout' });
    // Results that are not JSON are refused by the contract's checks and replaced by the minimal failure.
    for (const mode of ['returnsFunction', 'returnsBigInt', 'returnsCycle', 'returnsLoneSurrogateKey']) {
      expect(recorded[mode]?.errorType, mode).toBe('InvalidHandlerResult');
      expect(recorded[mode]?.message, mode).toMatch(/^The result of the handler was refused \(INVALID_REQUEST: Invalid argument: result\.result/);
    }
    const cases = Object.keys(MODES).length;
    expect(stats).toMatchObject({ dispatched: cases, completed: 0, failed: cases, withdrawn: 0, released: 0, checkpoints: 0 });
    // One loop error per refused result (the refusal is reported, then replaced); nothing else.
    expect(loopErrors).toHaveLength(4);
    expect(ffi.getFfiDispatchMetrics().pendingCount).toBe(0);

    // Still serving: a well-behaved task after all that completes.
    server.register(defineStepHandler('robust.misbehave', () => ({ fine: true })));
    const next = ffi.clientCreateTask(taskRequest('robust', 'handlers', { mode: 'fine' })).task_uuid;
    await server.runUntilIdle();
    expect(ffi.clientGetTask(next).status).toBe('complete');
    await server.stop();
    outcomes.set(backend, { stats: server.stats, recorded, errors: loopErrors.length });
  }, 30_000);
});

describe('WorkerServer robustness: both bridges agree', () => {
  it.runIf(TEST_BACKENDS.length > 1)('the same recorded failures and stats on both bridges', () => {
    expect(outcomes.get('koffi')).toEqual(outcomes.get('napi'));
  });
});
