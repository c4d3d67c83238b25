/**
 * End to end on each backend: templates run to completion through `WorkerServer` with real
 * handlers keyed by `stepDefinition.handler.callable`; the handlers see the results of all their
 * ancestors and run in dependency order; retries, permanent failures, batches with checkpoint
 * yields, decisions, domain events and graceful stop behave as docs/engine.md says. Seeded
 * engines, so the two backends can be compared exactly at the end.
 */
import { afterEach, describe, expect, it } from 'vitest';

import {
  BACKENDS,
  defineStepHandler,
  loadBackend,
  StepHandlerError,
  TaskerClient,
  WorkerServer,
  type BackendName,
  type DomainEvent,
  type JsonValue,
  type StepHandler,
  type StepHandlerContext,
  type TaskerFfi,
  type WorkerServerOptions,
} from '../../src/index.js';
import { ORDER_STEPS } from '../fixtures.js';
import { STEP_TYPE_TEMPLATES, TEST_BACKENDS } from '../behaviour/support.js';

interface Seen {
  step: string;
  attempts: number;
  /** Dependency results by step name: `[success, result]`. */
  dependencies: Record<string, [boolean, JsonValue]>;
}

/** A handler for every `namespace.step` callable of `steps` that records what it saw and returns `result(step, ctx)`. */
function recordingHandlers(
  namespace: string,
  steps: readonly string[],
  seen: Seen[],
  result: (step: string, ctx: StepHandlerContext) => unknown = (step) => ({ step }),
): StepHandler[] {
  return steps.map((step) =>
    defineStepHandler(`${namespace}.${step}`, async (event, ctx) => {
      // Keyed by the callable: the step handed out is the one the template names for it.
      expect(event.stepDefinition.handler.callable).toBe(`${namespace}.${step}`);
      const dependencies = Object.fromEntries(
        Object.entries(event.dependencyResults).map(([name, d]) => [name, [d.success, d.result] as [boolean, JsonValue]]),
      );
      seen.push({ step: event.workflowStep.name, attempts: event.workflowStep.attempts, dependencies });
      await new Promise((resolve) => setImmediate(resolve));
      return result(step, ctx) as JsonValue;
    }),
  );
}

/** What each backend produced, for the cross-backend comparison at the end. */
const outcomes = new Map<BackendName, unknown>();

describe.each(TEST_BACKENDS)('%s: templates run end to end through WorkerServer', (backend) => {
  const ffi: TaskerFfi = loadBackend({ backend });
  const client = new TaskerClient(ffi);
  let server: WorkerServer | undefined;

  function serve(handlers: StepHandler[], extra: Partial<WorkerServerOptions> = {}): WorkerServer {
    server = new WorkerServer({
      backend: ffi,
      handlers,
      bootstrap: { seed: 42, templatePath: STEP_TYPE_TEMPLATES },
      pollIntervalMs: 1,
      ...extra,
    });
    return server;
  }

  afterEach(async () => {
    if (server?.running) await server.stop();
    server = undefined;
    ffi.stopWorker();
  });

  it('linear ecommerce/order_processing: four steps in order, each sees the results of all earlier steps', async () => {
    const seen: Seen[] = [];
    const worker = serve(recordingHandlers('ecommerce', ORDER_STEPS, seen, (step, ctx) => ({ step, after: Object.keys(ctx.dependencyResults).sort() })));
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce', context: { order_id: 7 } });

    const stats = await worker.runUntilIdle();
    expect(stats).toMatchObject({ dispatched: 4, completed: 4, failed: 0, errors: 0 });
    expect(seen.map((s) => s.step)).toEqual([...ORDER_STEPS]);
    expect(seen[0]?.dependencies).toEqual({});
    for (let i = 1; i < ORDER_STEPS.length; i += 1) {
      const earlier = ORDER_STEPS.slice(0, i);
      expect(Object.keys(seen[i]!.dependencies).sort()).toEqual([...earlier].sort());
      for (const name of earlier) {
        expect(seen[i]!.dependencies[name]).toEqual([true, { step: name, after: ORDER_STEPS.slice(0, ORDER_STEPS.indexOf(name)).sort() }]);
      }
    }

    const final = client.getTask(task.task_uuid);
    expect(final).toMatchObject({ status: 'complete', execution_status: 'all_complete', completed_steps: 4, total_steps: 4, completion_percentage: 100 });
    const steps = client.listTaskSteps(task.task_uuid);
    expect(steps.map((s) => [s.name, s.current_state, s.attempts])).toEqual(ORDER_STEPS.map((name) => [name, 'complete', 1]));
    expect((steps[3]!.results as { result: JsonValue }).result).toEqual({ step: 'send_confirmation', after: ['process_payment', 'update_inventory', 'validate_cart'] });
    // The worker's wall-clock timing of each handler is the only thing the seed does not fix.
    const untimed = steps.map((s) => {
      const { metadata, ...results } = s.results as { metadata: Record<string, unknown> };
      const { completed_at: _at, execution_time_ms: _ms, ...rest } = metadata;
      return { ...s, results: { ...results, metadata: rest } };
    });
    outcomes.set(backend, { linear: seen, final: untimed });
  });

  it('diamond analytics/report: extract first, both transforms, then merge sees extract and both transforms', async () => {
    const seen: Seen[] = [];
    const worker = serve(
      recordingHandlers('analytics', ['extract', 'transform_a', 'transform_b', 'merge'], seen, (step, ctx): JsonValue => {
        if (step === 'extract') return { rows: [1, 2, 3] };
        if (step === 'merge') return { merged: Object.keys(ctx.dependencyResults).sort() };
        const rows = (ctx.dependencyResult('extract') as { rows: number[] }).rows;
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
      expect(seen.find((s) => s.step === transform)?.dependencies).toEqual({ extract: [true, { rows: [1, 2, 3] }] });
    }
    expect(seen.find((s) => s.step === 'merge')?.dependencies).toEqual({
      extract: [true, { rows: [1, 2, 3] }],
      transform_a: [true, { transform_a: 6 }],
      transform_b: [true, { transform_b: 6 }],
    });
    expect(client.getTask(task.task_uuid).status).toBe('complete');
  });

  it('the background loop runs a task to completion and stop() is graceful', async () => {
    const worker = serve(recordingHandlers('ecommerce', ORDER_STEPS, []));
    await worker.start();
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    const deadline = Date.now() + 10_000;
    while (client.getTask(task.task_uuid).status !== 'complete') {
      if (Date.now() > deadline) throw new Error('task did not complete in the background loop');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const status = await worker.stop();
    expect(status).toMatchObject({ running: false, status: 'stopped' });
    expect(ffi.isWorkerRunning()).toBe(false);
    expect(worker.stats).toMatchObject({ dispatched: 4, completed: 4, errors: 0 });
  });

  it('a thrown error is a retryable failure: waiting_for_retry, re-polled after its backoff, then complete', async () => {
    const seen: Seen[] = [];
    const handlers = recordingHandlers('ecommerce', ORDER_STEPS, seen);
    let calls = 0;
    handlers[1] = defineStepHandler('ecommerce.process_payment', (event) => {
      calls += 1;
      if (calls === 1) {
        // What the engine recorded for the failure is checked once the loop has moved on.
        throw new Error('gateway timeout');
      }
      return { attempt: event.workflowStep.attempts };
    });
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });

    // Run until the failure is recorded; the retry waits for process_payment's 2000 ms backoff.
    while (worker.stats.failed === 0) await worker.runUntilIdle({ maxSteps: 10 });
    const payment = client.listTaskSteps(task.task_uuid)[1]!;
    expect(payment).toMatchObject({ name: 'process_payment', current_state: 'waiting_for_retry', attempts: 1 });
    expect(Date.parse(payment.next_retry_at!) - Date.parse(payment.last_failure_at!)).toBe(2000);
    const recorded = payment.results as { success: boolean; error: { message: string; retryable: boolean } };
    expect(recorded).toMatchObject({ success: false, status: 'failed', error: { message: 'gateway timeout', retryable: true } });

    // The engine's clock ticks on every poll: keep polling until the retry is handed out.
    const stats = await worker.runUntilIdle({ idlePolls: 10 });
    expect(calls).toBe(2);
    expect(stats).toMatchObject({ failed: 1, completed: 4 });
    expect(client.getTask(task.task_uuid).status).toBe('complete');
    expect(client.listTaskSteps(task.task_uuid)[1]).toMatchObject({ current_state: 'complete', attempts: 2 });
    // The retry saw the attempt count from before its claim.
    expect((client.listTaskSteps(task.task_uuid)[1]!.results as { result: JsonValue }).result).toEqual({ attempt: 1 });
  });

  it('a StepHandlerError with retryable: false is permanent: the step is error and the task blocked_by_failures', async () => {
    const seen: Seen[] = [];
    const handlers = recordingHandlers('ecommerce', ORDER_STEPS, seen);
    handlers[1] = defineStepHandler('ecommerce.process_payment', () => {
      throw new StepHandlerError('card declined', { retryable: false, errorType: 'PaymentDeclined' });
    });
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    const stats = await worker.runUntilIdle({ idlePolls: 5 });
    expect(stats).toMatchObject({ completed: 1, failed: 1 });
    expect(seen.map((s) => s.step)).toEqual(['validate_cart']);
    expect(client.getTask(task.task_uuid)).toMatchObject({ status: 'blocked_by_failures', health_status: 'blocked', failed_steps: 1 });
    const payment = client.listTaskSteps(task.task_uuid)[1]!;
    expect(payment).toMatchObject({ name: 'process_payment', current_state: 'error', attempts: 1 });
    expect(payment.results).toMatchObject({ status: 'error', error: { message: 'card declined', error_type: 'PaymentDeclined', retryable: false } });
    const audit = client.getStepAuditHistory(task.task_uuid, payment.step_uuid);
    expect(audit).toMatchObject([{ from_state: 'in_progress', to_state: 'enqueued_as_error_for_orchestration', success: false }]);
  });

  it('a step without a registered handler is a permanent HandlerNotFound error', async () => {
    const worker = serve([]);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    await worker.runUntilIdle({ idlePolls: 5 });
    expect(client.getTask(task.task_uuid).status).toBe('blocked_by_failures');
    const [validate] = client.listTaskSteps(task.task_uuid);
    const audit = client.getStepAuditHistory(task.task_uuid, validate!.step_uuid);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.result).toMatchObject({ error: { message: 'Handler not found: ecommerce.validate_cart', error_type: 'HandlerNotFound' } });
  });

  it('batch/import: batch workers checkpoint-yield and resume, the deferred convergence sees every worker', async () => {
    const resumedFrom: Record<string, JsonValue[]> = {};
    const handlers: StepHandler[] = [
      defineStepHandler('batch.prepare_import', () => ({
        batch_processing_outcome: {
          type: 'create_batches',
          worker_template_name: 'import_rows',
          total_items: 250,
          cursor_configs: [
            { batch_id: '001', start_cursor: 0, end_cursor: 100, batch_size: 100 },
            { batch_id: '002', start_cursor: 100, end_cursor: 200, batch_size: 100 },
            { batch_id: '003', start_cursor: 200, end_cursor: 250, batch_size: 50 },
          ],
        },
      })),
      defineStepHandler('batch.import_rows', (event, ctx) => {
        const { cursor } = event.workflowStep.inputs as { cursor: { start_cursor: number; end_cursor: number } };
        const chunk = (event.stepDefinition.handler.initialization as { chunk_size: number }).chunk_size;
        (resumedFrom[event.workflowStep.name] ??= []).push(ctx.checkpoint?.cursor ?? null);
        const at = ctx.checkpoint === null ? cursor.start_cursor : (ctx.checkpoint.cursor as { row: number }).row;
        const next = Math.min(at + chunk * 2, cursor.end_cursor);
        const imported = ((ctx.checkpoint?.accumulatedResults?.imported as number | undefined) ?? 0) + (next - at);
        if (next < cursor.end_cursor) return ctx.yieldCheckpoint({ cursor: { row: next }, itemsProcessed: next - cursor.start_cursor, accumulatedResults: { imported } });
        return { imported };
      }),
      defineStepHandler('batch.finalize_import', (_event, ctx) => {
        const workers = Object.entries(ctx.dependencyResults).filter(([name]) => name.startsWith('import_rows_'));
        return { workers: workers.map(([name]) => name).sort(), total: workers.reduce((sum, [, d]) => sum + (d.result as { imported: number }).imported, 0) };
      }),
    ];
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'import', namespace: 'batch', context: { file: 'rows.csv' } });
    // Only the batchable step exists until it has run.
    expect(task.steps.map((s) => s.name)).toEqual(['prepare_import']);
    const stats = await worker.runUntilIdle();

    // 50 rows per pass: two yields for each full slice, none for the half one.
    expect(resumedFrom).toEqual({
      import_rows_001: [null, { row: 50 }],
      import_rows_002: [null, { row: 150 }],
      import_rows_003: [null],
    });
    expect(stats).toMatchObject({ checkpoints: 2, completed: 5, failed: 0 });
    expect(client.getTask(task.task_uuid)).toMatchObject({ status: 'complete', total_steps: 5 });
    const steps = client.listTaskSteps(task.task_uuid);
    expect(steps.map((s) => s.name)).toEqual(['prepare_import', 'import_rows_001', 'import_rows_002', 'import_rows_003', 'finalize_import']);
    expect((steps[4]!.results as { result: JsonValue }).result).toEqual({ workers: ['import_rows_001', 'import_rows_002', 'import_rows_003'], total: 250 });
  });

  it('fixtures/checkpointed: a worker that fails after a yield is retried and resumes from its stored checkpoint', async () => {
    const seenCheckpoints: JsonValue[] = [];
    let failed = false;
    const handlers: StepHandler[] = [
      defineStepHandler('fixtures.size_up', () => ({
        batch_processing_outcome: { type: 'create_batches', worker_template_name: 'chew', total_items: 30, cursor_configs: [{ batch_id: '001', start_cursor: 0, end_cursor: 30, batch_size: 30 }] },
      })),
      defineStepHandler('fixtures.chew', (event, ctx) => {
        seenCheckpoints.push(event.workflowStep.checkpoint);
        const offset = (ctx.checkpoint?.cursor as { offset: number } | null)?.offset ?? 0;
        if (offset === 0) return ctx.yieldCheckpoint({ cursor: { offset: 10 }, itemsProcessed: 10, accumulatedResults: { chewed: 10 } });
        if (!failed) {
          failed = true;
          throw new Error('lost the connection');
        }
        return { chewed: 30, resumed_at: offset };
      }),
      defineStepHandler('fixtures.report', (_event, ctx) => ({ chew: ctx.dependencyResult('chew_001') })),
    ];
    const worker = serve(handlers);
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'checkpointed', namespace: 'fixtures' });
    const stats = await worker.runUntilIdle({ idlePolls: 10 });
    expect(stats).toMatchObject({ checkpoints: 1, failed: 1, completed: 3 });
    expect(seenCheckpoints).toHaveLength(3);
    expect(seenCheckpoints[0]).toBeNull();
    // Right after the yield: the yielded data.
    expect(seenCheckpoints[1]).toMatchObject({ cursor: { offset: 10 }, items_processed: 10, accumulated_results: { chewed: 10 } });
    // A fresh claim after the failure: the stored CheckpointRecord, with its history.
    expect(seenCheckpoints[2]).toMatchObject({ cursor: { offset: 10 }, items_processed: 10, accumulated_results: { chewed: 10 }, history: [{ cursor: { offset: 10 } }] });
    expect(client.getTask(task.task_uuid).status).toBe('complete');
    const report = client.listTaskSteps(task.task_uuid).find((s) => s.name === 'report')!;
    expect((report.results as { result: JsonValue }).result).toEqual({ chew: { chewed: 30, resumed_at: 10 } });
  });

  it.each([
    [['fast_lane'], ['intake', 'choose', 'fast_lane', 'close']],
    [['slow_lane'], ['intake', 'choose', 'slow_lane', 'slow_lane_audit', 'close']],
    [['fast_lane', 'slow_lane'], ['intake', 'choose', 'fast_lane', 'slow_lane', 'slow_lane_audit', 'close']],
  ])('fixtures/routing: a decision creating %j runs those branches, and the convergence waits only for them', async (branches, expected) => {
    const seen: Seen[] = [];
    const steps = ['intake', 'choose', 'fast_lane', 'slow_lane', 'slow_lane_audit', 'close'];
    const worker = serve(
      recordingHandlers('fixtures', steps, seen, (step) =>
        step === 'choose' ? { decision_point_outcome: { type: 'create_steps', step_names: branches } } : { step },
      ),
    );
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'routing', namespace: 'fixtures' });
    expect(task.steps.map((s) => s.name)).toEqual(['intake', 'choose']);
    await worker.runUntilIdle();
    expect(client.getTask(task.task_uuid)).toMatchObject({ status: 'complete', total_steps: expected.length });
    expect(client.listTaskSteps(task.task_uuid).map((s) => s.name).sort()).toEqual([...expected].sort());
    const close = seen.find((s) => s.step === 'close')!;
    expect(Object.keys(close.dependencies).sort()).toEqual(expected.filter((s) => s !== 'close').sort());
    expect(seen.map((s) => s.step).at(-1)).toBe('close');
  });

  it('fixtures/events: publishes_events reach pollInProcessEvents by condition and delivery mode', async () => {
    const events: DomainEvent[] = [];
    let welcomes = 0;
    const handlers: StepHandler[] = [
      defineStepHandler('fixtures.sign_up', () => ({ member_id: 'm-1' })),
      defineStepHandler('fixtures.welcome', () => {
        welcomes += 1;
        if (welcomes === 1) throw new Error('smtp down');
        return { sent: true };
      }),
    ];
    const worker = serve(handlers, { onDomainEvent: (event) => events.push(event) });
    await worker.start({ poll: false });
    const task = client.createTask({ name: 'events', namespace: 'fixtures' });
    await worker.runUntilIdle({ idlePolls: 3 });
    // Events of the last result are drained by the next poll.
    for (let event = ffi.pollInProcessEvents(); event !== null; event = ffi.pollInProcessEvents()) events.push(event);

    expect(client.getTask(task.task_uuid).status).toBe('complete');
    // The durable member.joined.archive has no queue here; retryable_failure never fires.
    expect(events.map((e) => [e.eventName, e.metadata.stepName])).toEqual([
      ['member.joined', 'sign_up'],
      ['welcome.attempted', 'welcome'],
      ['welcome.failed', 'welcome'],
      ['welcome.attempted', 'welcome'],
    ]);
    const joined = events[0]!;
    expect(joined).toMatchObject({
      eventVersion: '1.0',
      metadata: { taskUuid: task.task_uuid, namespace: 'fixtures', correlationId: task.correlation_id, firedBy: 'DefaultDomainEventPublisher' },
      payload: { payload: { member_id: 'm-1' }, execution_result: { success: true, status: 'completed' } },
    });
    expect((events[2]!.payload as { execution_result: JsonValue }).execution_result).toMatchObject({ success: false, error: { message: 'smtp down' } });
  });
});

describe.runIf(TEST_BACKENDS.length === BACKENDS.length)('napi and koffi agree end to end', () => {
  it('the seeded linear run saw the same dependency results and left the same steps on both backends', () => {
    expect(outcomes.get('napi')).toBeDefined();
    expect(outcomes.get('napi')).toEqual(outcomes.get('koffi'));
  });
});
