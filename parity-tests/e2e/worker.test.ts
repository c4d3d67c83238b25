/**
 * End to end on each backend: templates run to completion through `WorkerServer` with real
 * handlers; the handlers see their dependencies' results and run in dependency order; failures,
 * retries, checkpoint-yield and graceful stop behave as DESIGN.md says. Seeded engines, so the
 * two backends can be compared exactly at the end.
 */
import { afterEach, describe, expect, it } from 'vitest';

import {
  BACKENDS,
  defineStepHandler,
  KoffiBackend,
  loadBackend,
  StepHandlerError,
  TaskerClient,
  WorkerServer,
  type BackendName,
  type DependencyResult,
  type DomainEvent,
  type JsonValue,
  type StepHandler,
  type TaskerFfi,
} from '../../src/index.js';
import { TEST_BACKENDS } from '../behaviour/support.js';

interface Seen {
  step: string;
  dependencies: Record<string, DependencyResult>;
}

/** Handlers for `callables` that record what they saw and return `result(step, deps)`. */
function recordingHandlers(
  callables: Record<string, string>,
  seen: Seen[],
  result: (step: string, deps: Record<string, DependencyResult>) => JsonValue,
): StepHandler[] {
  return Object.entries(callables).map(([callable, step]) =>
    defineStepHandler(callable, async (event) => {
      expect(event.workflowStep.name).toBe(step);
      seen.push({ step, dependencies: event.dependencyResults });
      await new Promise((resolve) => setImmediate(resolve));
      return result(step, event.dependencyResults);
    }),
  );
}

const LINEAR = {
  'ecommerce.validate_cart': 'validate_cart',
  'ecommerce.process_payment': 'process_payment',
  'ecommerce.update_inventory': 'update_inventory',
  'ecommerce.send_confirmation': 'send_confirmation',
};
const DIAMOND = {
  'analytics.extract': 'extract',
  'analytics.transform_a': 'transform_a',
  'analytics.transform_b': 'transform_b',
  'analytics.merge': 'merge',
};

/** What each backend produced, for the cross-backend comparison at the end. */
const outcomes = new Map<BackendName, unknown>();

describe.each(TEST_BACKENDS)('%s: templates run end to end through WorkerServer', (backend) => {
  const ffi: TaskerFfi = loadBackend({ backend });
  const client = new TaskerClient(ffi);
  let server: WorkerServer | undefined;

  function serve(handlers: StepHandler[], extra: Partial<ConstructorParameters<typeof WorkerServer>[0]> = {}): WorkerServer {
    server = new WorkerServer({ backend: ffi, handlers, bootstrap: { seed: 42 }, pollIntervalMs: 1, ...extra });
    return server;
  }

  afterEach(async () => {
    if (server?.running) await server.stop();
    server = undefined;
    ffi.stopWorker();
  });

  it('linear ecommerce/order_processing: four steps in order, each sees its dependency result', async () => {
    const seen: Seen[] = [];
    const worker = serve(recordingHandlers(LINEAR, seen, (step, deps) => ({ step, after: Object.keys(deps) })));
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce', context: { order_id: 7 } });

    const stats = await worker.runUntilIdle();
    expect(stats).toMatchObject({ dispatched: 4, completed: 4, failed: 0, errors: 0 });
    expect(seen.map((s) => s.step)).toEqual(['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation']);
    expect(seen[0]?.dependencies).toEqual({});
    for (const [i, name] of ['validate_cart', 'process_payment', 'update_inventory'].entries()) {
      const next = seen[i + 1]!;
      expect(Object.keys(next.dependencies)).toEqual([name]);
      expect(next.dependencies[name]).toMatchObject({ success: true, status: 'completed', result: { step: name } });
    }

    const final = client.getTask(task.task_uuid);
    expect(final).toMatchObject({ status: 'complete', completed_steps: 4, total_steps: 4, completion_percentage: 100 });
    expect(final.completed_at).not.toBeNull();
    outcomes.set(backend, { linear: seen, final: client.listTaskSteps(task.task_uuid) });
  });

  it('diamond analytics/report: extract first, both transforms, then merge sees transform_a and transform_b', async () => {
    const seen: Seen[] = [];
    const worker = serve(
      recordingHandlers(DIAMOND, seen, (step, deps): JsonValue => {
        if (step === 'extract') return { rows: [1, 2, 3] };
        if (step === 'merge') return { merged: Object.keys(deps).sort() };
        const rows = (deps.extract?.result as { rows: number[] }).rows;
        return { [step]: rows.reduce((a, b) => a + b, 0) };
      }),
      { concurrency: 2 },
    );
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'report', namespace: 'analytics', context: { day: '2026-01-01' } });
    await worker.runUntilIdle();

    const order = seen.map((s) => s.step);
    expect(order[0]).toBe('extract');
    expect(order.slice(1, 3).sort()).toEqual(['transform_a', 'transform_b']);
    expect(order[3]).toBe('merge');
    for (const transform of ['transform_a', 'transform_b']) {
      expect(seen.find((s) => s.step === transform)?.dependencies).toEqual({
        extract: expect.objectContaining({ success: true, result: { rows: [1, 2, 3] } }),
      });
    }
    const merge = seen.find((s) => s.step === 'merge')!;
    expect(Object.keys(merge.dependencies).sort()).toEqual(['transform_a', 'transform_b']);
    expect(merge.dependencies.transform_a?.result).toEqual({ transform_a: 6 });
    expect(merge.dependencies.transform_b?.result).toEqual({ transform_b: 6 });
    expect(client.getTask(task.task_uuid).status).toBe('complete');
  });

  it('the background loop runs a task to completion and stop() is graceful', async () => {
    const events: DomainEvent[] = [];
    const worker = serve(recordingHandlers(LINEAR, [], () => ({ ok: true })), { onDomainEvent: (e) => events.push(e) });
    await worker.start();
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    const deadline = Date.now() + 10_000;
    while (client.getTask(task.task_uuid).status !== 'complete') {
      if (Date.now() > deadline) throw new Error('task did not complete in the background loop');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const status = await worker.stop();
    expect(status).toMatchObject({ running: false, status: 'stopped' });
    expect(ffi.isWorkerRunning()).toBe(false);
    expect(events.map((e) => e.eventName)).toContain('task.completed');
    expect(events.filter((e) => e.eventName === 'step.completed')).toHaveLength(4);
  });

  it('a thrown error is a retryable failure: the step is retried and the task completes', async () => {
    let attempts = 0;
    const handlers = recordingHandlers(LINEAR, [], () => ({ ok: true }));
    handlers[0] = defineStepHandler('ecommerce.validate_cart', (event) => {
      attempts += 1;
      if (attempts === 1) throw new Error('transient outage');
      return { attempt: event.workflowStep.attempts };
    });
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    // The retry waits for its backoff on the engine's (seeded, ticking) clock: keep polling.
    const stats = await worker.runUntilIdle({ idlePolls: 20 });
    expect(attempts).toBe(2);
    expect(stats).toMatchObject({ failed: 1, completed: 4 });
    expect(client.getTask(task.task_uuid).status).toBe('complete');
    const validate = client.listTaskSteps(task.task_uuid)[0]!;
    expect(validate).toMatchObject({ attempts: 2, current_state: 'complete', results: { attempt: 2 } });
  });

  it('a StepHandlerError with retryable: false is permanent: the step and the task are in error', async () => {
    const handlers = recordingHandlers(LINEAR, [], () => ({ ok: true }));
    handlers[1] = defineStepHandler('ecommerce.process_payment', () => {
      throw new StepHandlerError('card declined', { retryable: false, errorType: 'PaymentDeclined' });
    });
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    const stats = await worker.runUntilIdle({ idlePolls: 5 });
    expect(stats).toMatchObject({ completed: 1, failed: 1 });
    expect(client.getTask(task.task_uuid).status).toBe('error');
    const payment = client.listTaskSteps(task.task_uuid)[1]!;
    expect(payment).toMatchObject({ name: 'process_payment', current_state: 'error', attempts: 1 });
  });

  it('a step without a registered handler is a permanent HandlerNotFound error', async () => {
    const worker = serve([]);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    await worker.runUntilIdle({ idlePolls: 5 });
    expect(client.getTask(task.task_uuid).status).toBe('error');
    const [validate] = client.listTaskSteps(task.task_uuid);
    const audit = client.getStepAuditHistory(task.task_uuid, validate!.step_uuid);
    expect(JSON.stringify(audit.at(-1)?.result)).toContain('No handler registered for ecommerce.validate_cart');
  });

  it('a batch step yields checkpoints and resumes from them until done', async () => {
    const cursors: JsonValue[] = [];
    const handlers: StepHandler[] = [
      defineStepHandler('batch.prepare_import', () => ({ rows: 250 })),
      defineStepHandler('batch.import_rows', (event, ctx) => {
        const total = (ctx.dependencyResult('prepare_import') as { rows: number }).rows;
        const done = ctx.checkpoint?.itemsProcessed ?? 0;
        cursors.push(ctx.checkpoint?.cursor ?? null);
        const next = Math.min(done + 100, total);
        if (next < total) return ctx.yieldCheckpoint({ cursor: { offset: next }, itemsProcessed: next, accumulatedResults: { imported: next } });
        return ctx.success({ imported: next }, { custom: { slices: cursors.length } });
      }),
      defineStepHandler('batch.finalize_import', (_event, ctx) => ({ total: ctx.dependencyResult('import_rows') })),
    ];
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'import', namespace: 'batch', context: { file: 'rows.csv' } });
    const stats = await worker.runUntilIdle();
    expect(cursors).toEqual([null, { offset: 100 }, { offset: 200 }]);
    expect(stats).toMatchObject({ checkpoints: 2, completed: 3 });
    expect(client.getTask(task.task_uuid).status).toBe('complete');
    expect(client.listTaskSteps(task.task_uuid)[2]?.results).toEqual({ total: { imported: 250 } });
  });

  it.runIf(backend === 'koffi')('koffi: the worker loop leaked no C string', () => {
    expect((ffi as KoffiBackend).liveStrings()).toBe(0);
  });
});

describe.runIf(TEST_BACKENDS.length === BACKENDS.length)('napi and koffi agree end to end', () => {
  it('the seeded linear run saw the same dependency results and left the same steps on both backends', () => {
    expect(outcomes.get('napi')).toBeDefined();
    expect(outcomes.get('napi')).toEqual(outcomes.get('koffi'));
  });
});
