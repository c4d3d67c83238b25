/**
 * The contract's behaviour, one suite run against each backend: every one of the 28 operations,
 * happy and error paths (codes and messages), before-bootstrap behaviour and bad argument types,
 * against tasker's states and the engine of docs/engine.md.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadBackend, OPERATIONS, TaskerError, type OperationName, type TaskerFfi } from '../../src/index.js';
import { failureResult, importRequest, orderRequest, ORDER_STEPS, reportRequest, successResult } from '../fixtures.js';
import { expectTaskerError, MISSING_UUID, NOT_RUNNING, poll, resetWorker, TEST_BACKENDS } from './support.js';

/** Wraps a backend so the suite can prove it exercised every operation of the contract. */
function recording(ffi: TaskerFfi, called: Set<string>): TaskerFfi {
  return new Proxy(ffi, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        called.add(property);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const as = <T>(value: unknown) => value as T;
const ENVIRONMENT = process.env.TASKER_ENV ?? 'development';
const BAD_UUID = /^Invalid argument: Invalid event ID: invalid character/;

describe.each(TEST_BACKENDS)('%s backend', (backend) => {
  const called = new Set<string>();
  let ffi: TaskerFfi;

  beforeAll(() => {
    const loaded = loadBackend({ backend });
    ffi = recording(loaded, called);
    resetWorker(loaded);
  });

  beforeEach(() => resetWorker(ffi));
  afterAll(() => resetWorker(ffi));

  describe('version and health', () => {
    it('getVersion is semver and getRustVersion is tasker-ts <version> (rustc …)', () => {
      const version = ffi.getVersion();
      expect(version).toMatch(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/);
      expect(ffi.getRustVersion()).toMatch(new RegExp(`^tasker-ts ${version.replaceAll('.', '\\.')} \\(rustc rustc \\d+\\.\\d+\\.\\d+.*\\)$`));
    });

    it('healthCheck is always true, with or without a worker', () => {
      expect(ffi.healthCheck()).toBe(true);
      ffi.bootstrapWorker({ seed: 1 });
      expect(ffi.healthCheck()).toBe(true);
    });
  });

  describe('before bootstrap', () => {
    it('isWorkerRunning is false and getWorkerStatus says stopped', () => {
      expect(ffi.isWorkerRunning()).toBe(false);
      expect(ffi.getWorkerStatus()).toEqual({ success: true, running: false, status: 'stopped', workerId: null, environment: null });
    });

    it('stopWorker answers not_running', () => {
      expect(ffi.stopWorker()).toEqual({ success: true, running: false, status: 'not_running', workerId: null, environment: null });
    });

    const needsWorker: [OperationName, (f: TaskerFfi) => unknown][] = [
      ['transitionToGracefulShutdown', (f) => f.transitionToGracefulShutdown()],
      ['pollStepEvents', (f) => f.pollStepEvents()],
      ['pollInProcessEvents', (f) => f.pollInProcessEvents()],
      ['completeStepEvent', (f) => f.completeStepEvent(MISSING_UUID, successResult(MISSING_UUID))],
      ['checkpointYieldStepEvent', (f) => f.checkpointYieldStepEvent(MISSING_UUID, { stepUuid: MISSING_UUID, cursor: 0, itemsProcessed: 0 })],
      ['getFfiDispatchMetrics', (f) => f.getFfiDispatchMetrics()],
      ['checkStarvationWarnings', (f) => f.checkStarvationWarnings()],
      ['cleanupTimeouts', (f) => f.cleanupTimeouts()],
      ['clientCreateTask', (f) => f.clientCreateTask(orderRequest())],
      ['clientGetTask', (f) => f.clientGetTask(MISSING_UUID)],
      ['clientListTasks', (f) => f.clientListTasks()],
      ['clientCancelTask', (f) => f.clientCancelTask(MISSING_UUID)],
      ['clientListTaskSteps', (f) => f.clientListTaskSteps(MISSING_UUID)],
      ['clientGetStep', (f) => f.clientGetStep(MISSING_UUID, MISSING_UUID)],
      ['clientGetStepAuditHistory', (f) => f.clientGetStepAuditHistory(MISSING_UUID, MISSING_UUID)],
      ['clientHealthCheck', (f) => f.clientHealthCheck()],
    ];
    it.each(needsWorker)('%s throws WORKER_NOT_RUNNING ("Worker not initialized …"), recoverable', (_name, call) => {
      const error = expectTaskerError(() => call(ffi), 'WORKER_NOT_RUNNING', NOT_RUNNING);
      expect(error.recoverable).toBe(true);
    });

    it('the log calls work without a worker', () => {
      expect(ffi.logError('before bootstrap')).toBeUndefined();
      expect(ffi.logWarn('before bootstrap', { a: 1 })).toBeUndefined();
      expect(ffi.logInfo('before bootstrap', { nested: { b: [1, 'two', null] } })).toBeUndefined();
      expect(ffi.logDebug('before bootstrap')).toBeUndefined();
      expect(ffi.logTrace('before bootstrap', {})).toBeUndefined();
    });
  });

  describe('bootstrap and lifecycle', () => {
    it('bootstrapWorker starts a typescript-worker-<uuid>; a second call is already_running', () => {
      const first = ffi.bootstrapWorker({ seed: 7 });
      expect(first).toMatchObject({ success: true, status: 'started', message: 'TypeScript worker system started successfully' });
      expect(first.workerId).toMatch(/^typescript-worker-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ffi.bootstrapWorker({ seed: 8 })).toMatchObject({ success: true, status: 'already_running', message: 'Worker is already running' });
      expect(ffi.isWorkerRunning()).toBe(true);
      // tasker's status strings: the worker core's state while it runs.
      expect(ffi.getWorkerStatus()).toEqual({ success: true, running: true, status: 'Running', workerId: first.workerId, environment: ENVIRONMENT });
    });

    it('bootstrapWorker works without a config and with an empty one', () => {
      expect(ffi.bootstrapWorker().status).toBe('started');
      resetWorker(ffi);
      expect(ffi.bootstrapWorker({}).status).toBe('started');
    });

    it('a seeded engine is deterministic: the same seed gives the same worker id and task ids after a restart', () => {
      const run = () => {
        const { workerId } = ffi.bootstrapWorker({ seed: 42 });
        const task = ffi.clientCreateTask(orderRequest());
        resetWorker(ffi);
        return [workerId, task.task_uuid, task.correlation_id, task.created_at];
      };
      const first = run();
      expect(run()).toEqual(first);
      ffi.bootstrapWorker({ seed: 43 });
      expect(ffi.clientCreateTask(orderRequest()).task_uuid).not.toBe(first[1]);
    });

    it('bootstrapWorker rejects a bad config value with the core message', () => {
      expectTaskerError(() => ffi.bootstrapWorker({ logLevel: 'loud' as never }), 'INVALID_REQUEST', /^Invalid argument: Invalid log_level "loud"/);
      expect(ffi.isWorkerRunning()).toBe(false);
    });

    it('transitionToGracefulShutdown says transitioning and stops handing out steps; stopWorker stops', () => {
      const { workerId } = ffi.bootstrapWorker({ seed: 3 });
      ffi.clientCreateTask(orderRequest());
      expect(ffi.transitionToGracefulShutdown()).toMatchObject({ success: true, running: true, status: 'transitioning', workerId });
      expect(ffi.getWorkerStatus()).toMatchObject({ running: true, status: 'Stopped', workerId });
      expect(ffi.pollStepEvents()).toBeNull();
      expect(ffi.stopWorker()).toMatchObject({ success: true, running: false, status: 'stopped', workerId });
      expect(ffi.isWorkerRunning()).toBe(false);
    });

    it('a graceful shutdown still accepts the completion of a step handed out before it', () => {
      ffi.bootstrapWorker({ seed: 3 });
      const task = ffi.clientCreateTask(orderRequest());
      const event = poll(ffi);
      ffi.transitionToGracefulShutdown();
      expect(ffi.completeStepEvent(event.eventId, successResult(event))).toBe(true);
      expect(ffi.clientListTaskSteps(task.task_uuid)[0]).toMatchObject({ name: 'validate_cart', current_state: 'complete' });
      expect(ffi.pollStepEvents()).toBeNull();
    });
  });

  describe('worker operations', () => {
    beforeEach(() => {
      ffi.bootstrapWorker({ seed: 42 });
    });

    it('poll calls return null when idle', () => {
      expect(ffi.pollStepEvents()).toBeNull();
      expect(ffi.pollInProcessEvents()).toBeNull();
    });

    it('completeStepEvent and checkpointYieldStepEvent: a non-UUID event id is INVALID_REQUEST, an unknown one false', () => {
      expectTaskerError(() => ffi.completeStepEvent('not-a-uuid', successResult(MISSING_UUID)), 'INVALID_REQUEST', BAD_UUID);
      expectTaskerError(() => ffi.checkpointYieldStepEvent('nope', { stepUuid: MISSING_UUID, cursor: null, itemsProcessed: 0 }), 'INVALID_REQUEST', BAD_UUID);
      expect(ffi.completeStepEvent(MISSING_UUID, successResult(MISSING_UUID))).toBe(false);
      expect(ffi.checkpointYieldStepEvent(MISSING_UUID, { stepUuid: MISSING_UUID, cursor: { page: 1 }, itemsProcessed: 1 })).toBe(false);
    });

    it('getFfiDispatchMetrics of an idle worker: nothing pending', () => {
      expect(ffi.getFfiDispatchMetrics()).toEqual({
        pendingCount: 0,
        starvationDetected: false,
        starvingEventCount: 0,
        oldestPendingAgeMs: null,
        newestPendingAgeMs: null,
        oldestEventId: null,
      });
    });

    it('checkStarvationWarnings and cleanupTimeouts return nothing and leave a fresh claim alone', () => {
      ffi.clientCreateTask(orderRequest());
      const event = poll(ffi);
      expect(ffi.checkStarvationWarnings()).toBeUndefined();
      expect(ffi.cleanupTimeouts()).toBeUndefined();
      expect(ffi.getFfiDispatchMetrics()).toMatchObject({ pendingCount: 1, oldestEventId: event.eventId, starvationDetected: false });
    });

    it('a linear task runs step by step: each poll hands out the next ready step with its ancestors\' results', () => {
      const task = ffi.clientCreateTask(orderRequest());
      expect(task).toMatchObject({ name: 'order_processing', namespace: 'ecommerce', version: '1.0.0', status: 'steps_in_process', total_steps: 4 });
      expect(task.steps.map((s) => [s.name, s.current_state])).toEqual([
        ['validate_cart', 'enqueued'],
        ['process_payment', 'pending'],
        ['update_inventory', 'pending'],
        ['send_confirmation', 'pending'],
      ]);

      const first = poll(ffi);
      expect(first.taskUuid).toBe(task.task_uuid);
      expect(first.workflowStep).toMatchObject({ name: 'validate_cart', templateStepName: 'validate_cart', attempts: 0, maxAttempts: 3, checkpoint: null, inputs: { max_items: 100 } });
      expect(first.stepDefinition).toEqual({
        name: 'validate_cart',
        description: 'Check cart items, quantities and prices',
        handler: { callable: 'ecommerce.validate_cart', method: null, resolver: null, initialization: { max_items: 100 } },
        systemDependency: null,
        dependencies: [],
        timeoutSeconds: 10,
        retry: { retryable: true, maxAttempts: 3, backoff: 'exponential', backoffBaseMs: 1000, maxBackoffMs: 30000 },
      });
      expect(first.task).toMatchObject({ taskUuid: task.task_uuid, context: orderRequest().context, parentCorrelationId: null, priority: 0, complete: false });
      expect(first.correlationId).toBe(task.correlation_id);
      expect(first.traceId).toBeNull();
      expect(first.dependencyResults).toEqual({});
      // The next step waits for its dependency.
      expect(ffi.pollStepEvents()).toBeNull();
      expect(ffi.getFfiDispatchMetrics()).toMatchObject({ pendingCount: 1, oldestEventId: first.eventId });
      expect(ffi.clientListTaskSteps(task.task_uuid)[0]).toMatchObject({ current_state: 'in_progress' });

      expect(ffi.completeStepEvent(first.eventId, successResult(first, { total: 30, 'Mixed-Case_key': { deep: [1] } }))).toBe(true);
      // The event is spent.
      expect(ffi.completeStepEvent(first.eventId, successResult(first))).toBe(false);
      expect(ffi.getFfiDispatchMetrics().pendingCount).toBe(0);

      const second = poll(ffi);
      expect(second.workflowStep.name).toBe('process_payment');
      expect(second.dependencyResults).toEqual({
        validate_cart: {
          stepUuid: first.stepUuid,
          success: true,
          // Free-form JSON comes back exactly as sent: keys are never converted.
          result: { total: 30, 'Mixed-Case_key': { deep: [1] } },
          status: 'completed',
          error: null,
        },
      });
      expect(ffi.completeStepEvent(second.eventId, successResult(second, { paid: true }))).toBe(true);
      // Results of every completed ancestor, not only the parent.
      const third = poll(ffi);
      expect(Object.keys(third.dependencyResults).sort()).toEqual(['process_payment', 'validate_cart']);
      expect(ffi.completeStepEvent(third.eventId, successResult(third))).toBe(true);
      const fourth = poll(ffi);
      expect(ffi.completeStepEvent(fourth.eventId, successResult(fourth))).toBe(true);
      expect(ffi.clientGetTask(task.task_uuid)).toMatchObject({
        status: 'complete',
        execution_status: 'all_complete',
        completed_steps: 4,
        completion_percentage: 100,
        health_status: 'healthy',
      });
      // No step of order_processing publishes events: there are no built-in ones.
      expect(ffi.pollInProcessEvents()).toBeNull();
    });

    it('a failure with metadata.retryable false is permanent: the step is error and the task blocked_by_failures', () => {
      const task = ffi.clientCreateTask(orderRequest());
      const event = poll(ffi);
      const accepted = ffi.completeStepEvent(event.eventId, {
        stepUuid: event.stepUuid,
        success: false,
        result: null,
        status: 'error',
        metadata: { executionTimeMs: 2, completedAt: '2026-01-01T00:00:00Z', retryable: false, errorType: 'Boom' },
        error: { message: 'card declined', errorType: 'Boom', retryable: false, context: { CamelKey: 1 } },
      });
      expect(accepted).toBe(true);
      expect(ffi.clientGetTask(task.task_uuid)).toMatchObject({
        status: 'blocked_by_failures',
        execution_status: 'blocked_by_failures',
        health_status: 'blocked',
        failed_steps: 1,
      });
      expect(ffi.clientListTaskSteps(task.task_uuid)[0]).toMatchObject({ current_state: 'error', attempts: 1, ready_for_execution: false });
      expect(ffi.pollStepEvents()).toBeNull();
    });

    it('a retryable failure waits for its backoff, then the step is handed out again', () => {
      resetWorker(ffi);
      // 100 ms per clock read: the 1000 ms backoff of validate_cart spans several polls.
      ffi.bootstrapWorker({ seed: 42, clockTickMs: 100 });
      const task = ffi.clientCreateTask(orderRequest());
      const event = poll(ffi);
      expect(ffi.completeStepEvent(event.eventId, failureResult(event, 'gateway timeout'))).toBe(true);
      const waiting = ffi.clientListTaskSteps(task.task_uuid)[0]!;
      expect(waiting).toMatchObject({ current_state: 'waiting_for_retry', attempts: 1, retry_eligible: true });
      const failedAt = Date.parse(waiting.last_failure_at as string);
      expect(Date.parse(waiting.next_retry_at as string) - failedAt).toBe(1000);
      let polls = 0;
      let again = ffi.pollStepEvents();
      while (again === null && polls < 50) {
        polls += 1;
        again = ffi.pollStepEvents();
      }
      expect(again).not.toBeNull();
      // Nine polls read the clock before the retry time (100 ms apart), the next one hands it out.
      expect(polls).toBeGreaterThanOrEqual(8);
      expect(again!.stepUuid).toBe(event.stepUuid);
      expect(again!.workflowStep.attempts).toBe(1);
      expect(ffi.completeStepEvent(again!.eventId, successResult(again!))).toBe(true);
      expect(ffi.clientListTaskSteps(task.task_uuid)[0]).toMatchObject({ current_state: 'complete', attempts: 2 });
    });

    it('a batch worker yields a checkpoint and is handed out again, same claim, with its checkpoint', () => {
      const task = ffi.clientCreateTask(importRequest());
      const prepare = poll(ffi);
      const outcome = {
        type: 'create_batches',
        worker_template_name: 'import_rows',
        total_items: 250,
        cursor_configs: [{ batch_id: '001', start_cursor: 0, end_cursor: 250, batch_size: 250 }],
      };
      expect(ffi.completeStepEvent(prepare.eventId, successResult(prepare, { batch_processing_outcome: outcome }))).toBe(true);
      const slice = poll(ffi);
      expect(slice.workflowStep).toMatchObject({ name: 'import_rows_001', templateStepName: 'import_rows', checkpoint: null, attempts: 0 });
      const cursor = { row: 100, Source_File: 'rows.csv' };
      expect(ffi.checkpointYieldStepEvent(slice.eventId, { stepUuid: slice.stepUuid, cursor, itemsProcessed: 100, accumulatedResults: { imported: 100 } })).toBe(true);
      const again = poll(ffi);
      expect(again.stepUuid).toBe(slice.stepUuid);
      expect(again.eventId).not.toBe(slice.eventId);
      expect(again.workflowStep.attempts).toBe(0);
      expect(again.workflowStep.checkpoint).toEqual({ step_uuid: slice.stepUuid, cursor, items_processed: 100, accumulated_results: { imported: 100 } });
      // The yielded event is spent; the step stays in progress.
      expect(ffi.completeStepEvent(slice.eventId, successResult(slice))).toBe(false);
      expect(ffi.clientListTaskSteps(task.task_uuid).find((s) => s.name === 'import_rows_001')).toMatchObject({ current_state: 'in_progress' });
    });
  });

  describe('client operations', () => {
    beforeEach(() => {
      ffi.bootstrapWorker({ seed: 42 });
    });

    it('clientHealthCheck reports a healthy server', () => {
      expect(ffi.clientHealthCheck()).toEqual({ healthy: true });
    });

    it('create, get, list, steps, step, audit history and cancel return the server JSON', () => {
      const created = ffi.clientCreateTask(orderRequest(undefined, { tags: ['t1'], priority: 5 }));
      expect(created.task_uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created).toMatchObject({ priority: 5, tags: ['t1'], initiator: 'tasker-ffi-parity', source_system: 'harness', context: orderRequest().context, completed_at: null });
      expect(created.steps.map((s) => s.name)).toEqual([...ORDER_STEPS]);
      expect(ffi.clientGetTask(created.task_uuid)).toMatchObject({ task_uuid: created.task_uuid, total_steps: 4 });

      const list = ffi.clientListTasks({ limit: 10, namespace: 'ecommerce' });
      expect(list.tasks.map((t) => t.task_uuid)).toEqual([created.task_uuid]);
      expect(list.pagination).toEqual({ page: 1, per_page: 10, total_count: 1, total_pages: 1, has_next: false, has_previous: false });
      expect(ffi.clientListTasks({ namespace: 'analytics' }).pagination.total_count).toBe(0);
      expect(ffi.clientListTasks().pagination).toMatchObject({ per_page: 50, total_count: 1 });

      const steps = ffi.clientListTaskSteps(created.task_uuid);
      expect(steps).toHaveLength(4);
      const root = steps[0]!;
      expect(root).toMatchObject({ name: 'validate_cart', current_state: 'enqueued', dependencies_satisfied: true, total_parents: 0 });
      expect(steps[1]).toMatchObject({ name: 'process_payment', current_state: 'pending', dependencies_satisfied: false, total_parents: 1 });
      expect(ffi.clientGetStep(created.task_uuid, root.step_uuid)).toEqual(root);
      // Audit rows are written per accepted result: none yet.
      expect(ffi.clientGetStepAuditHistory(created.task_uuid, root.step_uuid)).toEqual([]);
      const event = poll(ffi);
      ffi.completeStepEvent(event.eventId, successResult(event, { ok: 1 }));
      const audit = ffi.clientGetStepAuditHistory(created.task_uuid, root.step_uuid);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        workflow_step_uuid: root.step_uuid,
        task_uuid: created.task_uuid,
        step_name: 'validate_cart',
        from_state: 'in_progress',
        to_state: 'enqueued_for_orchestration',
        success: true,
        execution_time_ms: 1,
      });
      expect((audit[0]!.result as { result: unknown }).result).toEqual({ ok: 1 });

      expect(ffi.clientCancelTask(created.task_uuid)).toEqual({ cancelled: true });
      expect(ffi.clientGetTask(created.task_uuid).status).toBe('cancelled');
      expect(ffi.clientListTaskSteps(created.task_uuid).map((s) => s.current_state)).toEqual(['complete', 'cancelled', 'cancelled', 'cancelled']);
      expectTaskerError(() => ffi.clientCancelTask(created.task_uuid), 'INVALID_STATE', `Invalid state: Task ${created.task_uuid} cannot be cancelled: it is cancelled`);
    });

    it('paging is tasker\'s: per_page = limit, page = offset / limit + 1, newest first', () => {
      const uuids = [1, 2, 3].map((n) => ffi.clientCreateTask(orderRequest({ order_id: n })).task_uuid);
      const newestFirst = [...uuids].reverse();
      const first = ffi.clientListTasks({ limit: 2, offset: 0 });
      expect(first.tasks.map((t) => t.task_uuid)).toEqual(newestFirst.slice(0, 2));
      expect(first.pagination).toEqual({ page: 1, per_page: 2, total_count: 3, total_pages: 2, has_next: true, has_previous: false });
      const second = ffi.clientListTasks({ limit: 2, offset: 2 });
      expect(second.tasks.map((t) => t.task_uuid)).toEqual(newestFirst.slice(2));
      expect(second.pagination).toEqual({ page: 2, per_page: 2, total_count: 3, total_pages: 2, has_next: false, has_previous: true });
      // An offset inside a page is rounded down to the page boundary.
      expect(ffi.clientListTasks({ limit: 2, offset: 3 }).pagination.page).toBe(2);
      expect(ffi.clientListTasks({ status: 'steps_in_process' }).pagination.total_count).toBe(3);
      expect(ffi.clientListTasks({ status: 'complete' }).pagination.total_count).toBe(0);
    });

    it('an idempotency key returns the same task', () => {
      const a = ffi.clientCreateTask(orderRequest(undefined, { idempotencyKey: 'order-42' }));
      const b = ffi.clientCreateTask(orderRequest(undefined, { idempotencyKey: 'order-42' }));
      expect(b.task_uuid).toBe(a.task_uuid);
      expect(ffi.clientListTasks().pagination.total_count).toBe(1);
    });

    it('a request is taken with an RFC 3339 requestedAt (Date#toISOString)', () => {
      const task = ffi.clientCreateTask(orderRequest(undefined, { requestedAt: new Date('2026-02-03T04:05:06.789Z').toISOString() }));
      expect(task.status).toBe('steps_in_process');
    });

    it('an unknown template is TEMPLATE_NOT_FOUND', () => {
      const error = expectTaskerError(() => ffi.clientCreateTask(orderRequest(undefined, { name: 'nope' })), 'TEMPLATE_NOT_FOUND', 'Task template not found: ecommerce/nope@1.0.0');
      expect(error.recoverable).toBe(false);
    });

    it('a request the core rejects is INVALID_REQUEST with the core message', () => {
      expectTaskerError(() => ffi.clientCreateTask(orderRequest([1, 2])), 'INVALID_REQUEST', 'Validation error: context must be a JSON object');
      expectTaskerError(() => ffi.clientCreateTask(orderRequest(undefined, { name: ' ' })), 'INVALID_REQUEST', 'Validation error: name must not be empty');
      expectTaskerError(() => ffi.clientListTasks({ limit: 0 }), 'INVALID_REQUEST', 'Validation error: per_page must be between 1 and 100');
      expectTaskerError(() => ffi.clientListTasks({ limit: 101 }), 'INVALID_REQUEST', 'Validation error: per_page must be between 1 and 100');
    });

    it('missing tasks and steps are NOT_FOUND; malformed ids are INVALID_REQUEST', () => {
      expectTaskerError(() => ffi.clientGetTask(MISSING_UUID), 'NOT_FOUND', `Task ${MISSING_UUID} not found`);
      expectTaskerError(() => ffi.clientCancelTask(MISSING_UUID), 'NOT_FOUND', `Task ${MISSING_UUID} not found`);
      expectTaskerError(() => ffi.clientListTaskSteps(MISSING_UUID), 'NOT_FOUND', `Task ${MISSING_UUID} not found`);
      const task = ffi.clientCreateTask(reportRequest());
      const missingStep = `Step ${MISSING_UUID} of task ${task.task_uuid} not found`;
      expectTaskerError(() => ffi.clientGetStep(task.task_uuid, MISSING_UUID), 'NOT_FOUND', missingStep);
      expectTaskerError(() => ffi.clientGetStepAuditHistory(task.task_uuid, MISSING_UUID), 'NOT_FOUND', missingStep);
      expectTaskerError(() => ffi.clientGetTask('task-1'), 'INVALID_REQUEST', /^Invalid argument: Invalid UUID: invalid character/);
      expectTaskerError(() => ffi.clientGetStep(task.task_uuid, 'step-1'), 'INVALID_REQUEST', /^Invalid argument: Invalid step UUID: invalid character/);
    });
  });

  describe('bad argument types are INVALID_REQUEST on every backend, never a crash', () => {
    const bad: [string, (f: TaskerFfi) => unknown, string][] = [
      ['clientGetTask(42)', (f) => f.clientGetTask(as(42)), 'Invalid argument: taskUuid must be a string, got number'],
      ['clientGetTask(0x1000n)', (f) => f.clientGetTask(as(0x1000n)), 'Invalid argument: taskUuid must be a string, got bigint'],
      ['clientGetTask({})', (f) => f.clientGetTask(as({})), 'Invalid argument: taskUuid must be a string, got object'],
      ['clientGetTask(undefined)', (f) => f.clientGetTask(as(undefined)), 'Invalid argument: taskUuid must be a string, got undefined'],
      ['clientCancelTask(Buffer)', (f) => f.clientCancelTask(as(Buffer.from('x'))), 'Invalid argument: taskUuid must be a string, got object'],
      ['clientListTaskSteps(true)', (f) => f.clientListTaskSteps(as(true)), 'Invalid argument: taskUuid must be a string, got boolean'],
      ['clientGetStep(uuid, null)', (f) => f.clientGetStep(MISSING_UUID, as(null)), 'Invalid argument: stepUuid must be a string, got null'],
      ['clientGetStepAuditHistory(7, uuid)', (f) => f.clientGetStepAuditHistory(as(7), MISSING_UUID), 'Invalid argument: taskUuid must be a string, got number'],
      ['completeStepEvent(5, …)', (f) => f.completeStepEvent(as(5), successResult(MISSING_UUID)), 'Invalid argument: eventId must be a string, got number'],
      ['completeStepEvent(id, null)', (f) => f.completeStepEvent(MISSING_UUID, as(null)), 'Invalid argument: result must be an object, got null'],
      [
        'completeStepEvent(id, {status: 7})',
        (f) => f.completeStepEvent(MISSING_UUID, { ...successResult(MISSING_UUID), status: as(7) }),
        'Invalid argument: result.status must be a string, got number',
      ],
      [
        'completeStepEvent(id, {executionTimeMs: 1.5})',
        (f) => f.completeStepEvent(MISSING_UUID, { ...successResult(MISSING_UUID), metadata: { executionTimeMs: 1.5, completedAt: 'now' } }),
        `Invalid argument: result.metadata.executionTimeMs must be an integer in ${Number.MIN_SAFE_INTEGER}..=${Number.MAX_SAFE_INTEGER} (i64), got 1.5`,
      ],
      [
        'checkpointYieldStepEvent(id, {itemsProcessed: -1})',
        (f) => f.checkpointYieldStepEvent(MISSING_UUID, { stepUuid: MISSING_UUID, cursor: 0, itemsProcessed: -1 }),
        'Invalid argument: data.itemsProcessed must be an integer in 0..=4294967295 (u32), got -1',
      ],
      ['logInfo(123)', (f) => f.logInfo(as(123)), 'Invalid argument: message must be a string, got number'],
      ['logError(null)', (f) => f.logError(as(null)), 'Invalid argument: message must be a string, got null'],
      ['logWarn("m", [1])', (f) => f.logWarn('m', as([1])), 'Invalid argument: log fields must be an object, got array'],
      ['logDebug("m", "x")', (f) => f.logDebug('m', as('x')), 'Invalid argument: log fields must be an object, got string'],
      ['logTrace("m", {f() {}})', (f) => f.logTrace('m', as({ f() {} })), 'Invalid argument: log fields.f is not JSON: got function'],
      ['bootstrapWorker("x")', (f) => f.bootstrapWorker(as('x')), 'Invalid argument: config must be an object, got string'],
      ['bootstrapWorker({seed: -1})', (f) => f.bootstrapWorker({ seed: -1 }), 'Invalid argument: config.seed must be an integer in 0..=4294967295 (u32), got -1'],
      ['bootstrapWorker({seed: "1"})', (f) => f.bootstrapWorker({ seed: as('1') }), 'Invalid argument: config.seed must be an integer (u32), got string'],
      ['clientCreateTask(null)', (f) => f.clientCreateTask(as(null)), 'Invalid argument: request must be an object, got null'],
      ['clientCreateTask({name: 5})', (f) => f.clientCreateTask(orderRequest(undefined, { name: as(5) })), 'Invalid argument: request.name must be a string, got number'],
      ['clientCreateTask({tags: "a"})', (f) => f.clientCreateTask(orderRequest(undefined, { tags: as('a') })), 'Invalid argument: request.tags must be an array of strings, got string'],
      [
        'clientCreateTask({priority: 2**31})',
        (f) => f.clientCreateTask(orderRequest(undefined, { priority: 2 ** 31 })),
        'Invalid argument: request.priority must be an integer in -2147483648..=2147483647 (i32), got 2147483648',
      ],
      ['clientCreateTask(no context)', (f) => f.clientCreateTask(orderRequest(undefined, { context: as(undefined) })), 'Invalid argument: request.context is required (use null for "no value")'],
      ['clientCreateTask(context with BigInt)', (f) => f.clientCreateTask(orderRequest(as({ n: 1n }))), 'Invalid argument: request.context.n is not JSON: got bigint'],
      ['clientListTasks({limit: "a"})', (f) => f.clientListTasks({ limit: as('a') }), 'Invalid argument: params.limit must be an integer (i32), got string'],
      ['clientListTasks(5)', (f) => f.clientListTasks(as(5)), 'Invalid argument: params must be an object, got number'],
    ];

    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    bad.push([
      'clientCreateTask(cyclic context)',
      (f) => f.clientCreateTask(orderRequest(as(cyclic))),
      'Invalid argument: request.context.self is not JSON: it contains a cycle',
    ]);

    it.each(bad)('%s, before bootstrap', (_name, call, message) => {
      expectTaskerError(() => call(ffi), 'INVALID_REQUEST', message);
    });

    it.each(bad)('%s, with a running worker', (_name, call, message) => {
      ffi.bootstrapWorker({ seed: 1 });
      expectTaskerError(() => call(ffi), 'INVALID_REQUEST', message);
    });
  });

  describe('coverage', () => {
    it('the suite exercised every operation of the contract', () => {
      expect(OPERATIONS.filter((op) => !called.has(op))).toEqual([]);
    });

    it('errors are TaskerError instances with a stable name', () => {
      const error = expectTaskerError(() => ffi.clientGetTask(MISSING_UUID), 'WORKER_NOT_RUNNING');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('TaskerError');
      expect(error).not.toBeInstanceOf(TypeError);
      expect(TaskerError.prototype.isPrototypeOf(error)).toBe(true);
    });
  });
});
