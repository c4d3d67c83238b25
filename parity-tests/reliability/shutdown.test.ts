/**
 * Graceful shutdown under load, on each backend: `transitionToGracefulShutdown` while handlers
 * are running. The steps in flight finish and are recorded (successes and failures), no new step
 * is handed out, nothing is lost (every step is either recorded or still pending), and
 * `stopWorker` then reports a clean state. Both backends end with the same counts.
 */
import { afterAll, describe, expect, it } from 'vitest';

import {
  defineStepHandler,
  loadBackend,
  StepHandlerError,
  WorkerServer,
  type BackendName,
  type StepEvent,
  type TaskerFfi,
} from '../../src/index.js';
import { orderRequest } from './corpus.js';
import { TEST_BACKENDS } from './support.js';

const TASKS = 20;
const CONCURRENCY = 8;
const CALLABLES = ['ecommerce.validate_cart', 'ecommerce.process_payment', 'ecommerce.update_inventory', 'ecommerce.send_confirmation'];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

const outcomes = new Map<BackendName, unknown>();

describe.each(TEST_BACKENDS)('%s: graceful shutdown under load', (backend) => {
  const ffi: TaskerFfi = loadBackend({ backend });

  it('in-flight steps finish and are recorded, no new step is handed out, stopWorker reports a clean state, nothing lost', async () => {
    ffi.stopWorker();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: StepEvent[] = [];
    let startedAfterShutdown = 0;
    let shuttingDown = false;
    const handler = defineStepHandler(CALLABLES, async (event) => {
      started.push(event);
      if (shuttingDown) startedAfterShutdown += 1;
      await gate;
      // Every other task's step fails (retryably): a failure in flight must be recorded too.
      if (event.task.context !== null && (event.task.context as { order_id: number }).order_id % 2 === 1) {
        throw new StepHandlerError('payment gateway timeout', { retryable: true, errorType: 'Timeout' });
      }
      return { ok: true, step: event.workflowStep.name };
    });
    const errors: unknown[] = [];
    const server = new WorkerServer({
      backend: ffi,
      handlers: [handler],
      bootstrap: { seed: 5 },
      concurrency: CONCURRENCY,
      pollIntervalMs: 1,
      maintenanceIntervalMs: 0,
      onError: (error) => errors.push(error),
    });
    await server.start({ poll: false });
    const tasks = Array.from({ length: TASKS }, (_, i) => ffi.clientCreateTask(orderRequest({ context: { order_id: i, items: [] } })).task_uuid);
    await server.start();
    await until(() => started.length === CONCURRENCY, `${CONCURRENCY} handlers in flight`);

    const shutdown = ffi.transitionToGracefulShutdown();
    shuttingDown = true;
    expect(shutdown).toMatchObject({ success: true, running: true, status: 'transitioning' });
    expect(ffi.getFfiDispatchMetrics().pendingCount).toBe(CONCURRENCY);
    // No new step: a direct poll gets nothing, and the server's loop (still polling) gets nothing.
    expect(ffi.pollStepEvents()).toBeNull();
    await sleep(20);
    expect(started).toHaveLength(CONCURRENCY);

    release();
    await server.drain();
    expect(startedAfterShutdown).toBe(0);
    expect(server.stats).toMatchObject({ dispatched: CONCURRENCY, completed: CONCURRENCY / 2, failed: CONCURRENCY / 2, errors: 0 });
    expect(errors).toEqual([]);

    // Recorded: nothing pending any more; the worker core reports tasker's `Stopped` while the
    // worker itself still runs (completions are accepted, nothing is handed out).
    const metrics = ffi.getFfiDispatchMetrics();
    expect(metrics).toMatchObject({ pendingCount: 0, starvationDetected: false, oldestEventId: null });
    expect(ffi.getWorkerStatus()).toMatchObject({ success: true, running: true, status: 'Stopped' });
    // The first CONCURRENCY tasks' first steps were handed out (the engine's queue is FIFO): each
    // is recorded, with one audit row; a success made its successor ready (enqueued), a retryable
    // failure waits for its retry; every other task still has only its first step enqueued.
    const handedOut = new Set(started.map((e) => e.stepUuid));
    const states: string[] = [];
    tasks.forEach((task, i) => {
      const steps = ffi.clientListTaskSteps(task);
      const expected =
        i >= CONCURRENCY
          ? ['enqueued', 'pending', 'pending', 'pending']
          : i % 2 === 0
            ? ['complete', 'enqueued', 'pending', 'pending']
            : ['waiting_for_retry', 'pending', 'pending', 'pending'];
      expect(steps.map((step) => step.current_state), `task ${i}`).toEqual(expected);
      const first = steps[0];
      expect(first !== undefined && handedOut.has(first.step_uuid)).toBe(i < CONCURRENCY);
      if (first !== undefined && i < CONCURRENCY) expect(ffi.clientGetStepAuditHistory(task, first.step_uuid)).toHaveLength(1);
      states.push(...steps.map((step) => step.current_state));
    });
    expect(ffi.pollStepEvents()).toBeNull();

    const stopped = await server.stop();
    expect(stopped).toMatchObject({ success: true, running: false, status: 'stopped' });
    expect(ffi.isWorkerRunning()).toBe(false);
    expect(ffi.getWorkerStatus()).toMatchObject({ success: true, running: false, status: 'stopped' });
    outcomes.set(backend, { stats: server.stats, metrics, states: countBy(states), stopped });
  });
});

afterAll(() => {
  for (const backend of TEST_BACKENDS) loadBackend({ backend }).stopWorker();
});

describe('graceful shutdown: both bridges agree', () => {
  it.runIf(TEST_BACKENDS.length > 1)('the same stats, metrics, step states and final status on both bridges', () => {
    expect(outcomes.get('koffi')).toEqual(outcomes.get('napi'));
  });
});
