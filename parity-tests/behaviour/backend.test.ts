/**
 * The contract's behaviour, one suite run against each backend: every one of the 28 operations,
 * happy and error paths (codes and messages), before-bootstrap behaviour, bad argument types,
 * and (koffi) that every returned C string is freed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  KoffiBackend,
  loadBackend,
  OPERATIONS,
  TaskerError,
  type OperationName,
  type StepEvent,
  type TaskerFfi,
} from '../../src/index.js';
import {
  expectTaskerError,
  MISSING_UUID,
  NOT_RUNNING,
  orderRequest,
  reportRequest,
  resetWorker,
  successResult,
  TEST_BACKENDS,
} from './support.js';

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

describe.each(TEST_BACKENDS)('%s backend', (backend) => {
  const called = new Set<string>();
  let ffi: TaskerFfi;
  let liveAtStart = 0;

  beforeAll(() => {
    const loaded = loadBackend({ backend });
    ffi = recording(loaded, called);
    resetWorker(loaded);
    if (loaded instanceof KoffiBackend) liveAtStart = loaded.liveStrings();
  });

  beforeEach(() => resetWorker(ffi));
  afterAll(() => resetWorker(ffi));

  describe('version and health', () => {
    it('getVersion is semver and getRustVersion names the core and rustc', () => {
      expect(ffi.getVersion()).toMatch(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/);
      expect(ffi.getRustVersion()).toMatch(/^tasker-core \d+\.\d+\.\d+.* \(rustc .+\)$/);
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
      expect(ffi.getWorkerStatus()).toEqual({ success: true, running: false, status: 'stopped', workerId: null, inFlight: 0 });
    });

    it('stopWorker answers not_running', () => {
      expect(ffi.stopWorker()).toEqual({ success: true, running: false, status: 'not_running', workerId: null, inFlight: 0 });
    });

    const needsWorker: [OperationName, (f: TaskerFfi) => unknown][] = [
      ['transitionToGracefulShutdown', (f) => f.transitionToGracefulShutdown()],
      ['pollStepEvents', (f) => f.pollStepEvents()],
      ['pollInProcessEvents', (f) => f.pollInProcessEvents()],
      ['completeStepEvent', (f) => f.completeStepEvent(MISSING_UUID, successResult({ stepUuid: MISSING_UUID }))],
      [
        'checkpointYieldStepEvent',
        (f) => f.checkpointYieldStepEvent(MISSING_UUID, { stepUuid: MISSING_UUID, cursor: 0, itemsProcessed: 0 }),
      ],
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
    it('bootstrapWorker starts a typescript-worker-<uuid>; a second call is already_running with the same id', () => {
      const first = ffi.bootstrapWorker({ seed: 7 });
      expect(first).toMatchObject({ success: true, status: 'started' });
      expect(first.workerId).toMatch(/^typescript-worker-[0-9a-f-]{36}$/);
      expect(typeof first.message).toBe('string');
      const second = ffi.bootstrapWorker({ seed: 8 });
      expect(second).toMatchObject({ success: true, status: 'already_running', workerId: first.workerId });
      expect(ffi.isWorkerRunning()).toBe(true);
      expect(ffi.getWorkerStatus()).toEqual({
        success: true,
        running: true,
        status: 'running',
        workerId: first.workerId,
        inFlight: 0,
      });
    });

    it('bootstrapWorker works without a config and with an empty one', () => {
      expect(ffi.bootstrapWorker().status).toBe('started');
      resetWorker(ffi);
      expect(ffi.bootstrapWorker({}).status).toBe('started');
    });

    it('a seeded engine is deterministic: the same seed gives the same worker id after a restart', () => {
      const a = ffi.bootstrapWorker({ seed: 42 }).workerId;
      resetWorker(ffi);
      expect(ffi.bootstrapWorker({ seed: 42 }).workerId).toBe(a);
    });

    it('bootstrapWorker rejects a bad config value with the core message', () => {
      expectTaskerError(() => ffi.bootstrapWorker({ logLevel: 'loud' as never }), 'INVALID_REQUEST', /^Invalid argument: Invalid log_level "loud"/);
      expect(ffi.isWorkerRunning()).toBe(false);
    });

    it('stopWorker stops a running worker; transitionToGracefulShutdown says shutting_down', () => {
      const { workerId } = ffi.bootstrapWorker({ seed: 3 });
      expect(ffi.transitionToGracefulShutdown()).toMatchObject({ success: true, running: true, status: 'shutting_down', workerId });
      expect(ffi.pollStepEvents()).toBeNull();
      expect(ffi.stopWorker()).toMatchObject({ success: true, running: false, status: 'stopped', workerId });
      expect(ffi.isWorkerRunning()).toBe(false);
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

    it('completeStepEvent: a non-UUID event id is INVALID_REQUEST "Invalid argument: Invalid event ID: …"', () => {
      expectTaskerError(
        () => ffi.completeStepEvent('not-a-uuid', successResult({ stepUuid: MISSING_UUID })),
        'INVALID_REQUEST',
        'Invalid argument: Invalid event ID: not-a-uuid',
      );
    });

    it('completeStepEvent and checkpointYieldStepEvent: an unknown UUID is false', () => {
      expect(ffi.completeStepEvent(MISSING_UUID, successResult({ stepUuid: MISSING_UUID }))).toBe(false);
      expect(ffi.checkpointYieldStepEvent(MISSING_UUID, { stepUuid: MISSING_UUID, cursor: { page: 1 }, itemsProcessed: 1 })).toBe(false);
      expectTaskerError(
        () => ffi.checkpointYieldStepEvent('nope', { stepUuid: MISSING_UUID, cursor: null, itemsProcessed: 0 }),
        'INVALID_REQUEST',
        'Invalid argument: Invalid event ID: nope',
      );
    });

    it('getFfiDispatchMetrics of an idle worker is all zeros', () => {
      expect(ffi.getFfiDispatchMetrics()).toEqual({
        pendingCount: 0,
        inFlightCount: 0,
        completedCount: 0,
        failedCount: 0,
        retriedCount: 0,
        checkpointCount: 0,
        timedOutCount: 0,
        starvationWarnings: 0,
        oldestPendingAgeMs: null,
        starvationDetected: false,
      });
    });

    it('checkStarvationWarnings and cleanupTimeouts return nothing', () => {
      expect(ffi.checkStarvationWarnings()).toBeUndefined();
      expect(ffi.cleanupTimeouts()).toBeUndefined();
    });

    it('a task runs step by step: poll hands out ready steps with their dependency results', () => {
      const task = ffi.clientCreateTask(orderRequest());
      expect(task).toMatchObject({ name: 'order_processing', namespace: 'ecommerce', version: '1.0.0', status: 'pending', total_steps: 4 });

      const first = ffi.pollStepEvents() as StepEvent;
      expect(first).not.toBeNull();
      expect(first.taskUuid).toBe(task.task_uuid);
      expect(first.workflowStep).toMatchObject({ name: 'validate_cart', attempts: 1, checkpoint: null, inputs: null });
      expect(first.stepDefinition).toMatchObject({
        name: 'validate_cart',
        handlerCallable: 'ecommerce.validate_cart',
        handlerInitialization: { max_items: 100 },
        dependencies: [],
        maxAttempts: 3,
        timeoutMs: 10000,
      });
      expect(first.task).toMatchObject({ taskUuid: task.task_uuid, context: orderRequest().context, parentCorrelationId: null, priority: null });
      expect(first.traceId).toBeNull();
      expect(first.dependencyResults).toEqual({});
      // The next step waits for its dependency.
      expect(ffi.pollStepEvents()).toBeNull();
      expect(ffi.getWorkerStatus().inFlight).toBe(1);
      expect(ffi.getFfiDispatchMetrics().inFlightCount).toBe(1);

      expect(ffi.completeStepEvent(first.eventId, successResult(first, { total: 30, 'Mixed-Case_key': { deep: [1] } }))).toBe(true);
      // The event is spent.
      expect(ffi.completeStepEvent(first.eventId, successResult(first))).toBe(false);

      const second = ffi.pollStepEvents() as StepEvent;
      expect(second.workflowStep.name).toBe('process_payment');
      expect(second.dependencyResults).toEqual({
        validate_cart: {
          stepUuid: first.stepUuid,
          success: true,
          // Free-form JSON comes back exactly as sent: keys are never converted.
          result: { total: 30, 'Mixed-Case_key': { deep: [1] } },
          status: 'completed',
          errorMessage: null,
          errorType: null,
          errorRetryable: null,
        },
      });

      const completed = ffi.pollInProcessEvents();
      expect(completed).toMatchObject({
        eventName: 'step.completed',
        metadata: { taskUuid: task.task_uuid, stepUuid: first.stepUuid, stepName: 'validate_cart', namespace: 'ecommerce' },
      });
      expect(ffi.getFfiDispatchMetrics().completedCount).toBe(1);
    });

    it('a failed step with retryable false is permanent and fails its task', () => {
      const task = ffi.clientCreateTask(orderRequest());
      const event = ffi.pollStepEvents() as StepEvent;
      const accepted = ffi.completeStepEvent(event.eventId, {
        stepUuid: event.stepUuid,
        success: false,
        result: null,
        status: 'error',
        metadata: { executionTimeMs: 2, completedAt: '2026-01-01T00:00:00Z', retryable: false, errorType: 'Boom' },
        error: { message: 'card declined', errorType: 'Boom', retryable: false, context: { CamelKey: 1 } },
      });
      expect(accepted).toBe(true);
      expect(ffi.clientGetTask(task.task_uuid).status).toBe('error');
      expect(ffi.getFfiDispatchMetrics().failedCount).toBe(1);
    });

    it('checkpointYieldStepEvent is refused for a step that is not a batch step', () => {
      ffi.clientCreateTask(orderRequest());
      const event = ffi.pollStepEvents() as StepEvent;
      expectTaskerError(
        () => ffi.checkpointYieldStepEvent(event.eventId, { stepUuid: event.stepUuid, cursor: 1, itemsProcessed: 1 }),
        'INVALID_REQUEST',
        /^Invalid argument: Step validate_cart is not a batch step/,
      );
    });

    it('checkpointYieldStepEvent hands a batch step out again with its checkpoint', () => {
      ffi.clientCreateTask(orderRequest({ name: 'import', namespace: 'batch', context: { rows: 250 } }));
      const prepare = ffi.pollStepEvents() as StepEvent;
      expect(ffi.completeStepEvent(prepare.eventId, successResult(prepare, { rows: 250 }))).toBe(true);
      const slice = ffi.pollStepEvents() as StepEvent;
      expect(slice.workflowStep.name).toBe('import_rows');
      expect(slice.workflowStep.checkpoint).toBeNull();
      const cursor = { offset: 100, Source_File: 'rows.csv' };
      expect(ffi.checkpointYieldStepEvent(slice.eventId, { stepUuid: slice.stepUuid, cursor, itemsProcessed: 100, accumulatedResults: { imported: 100 } })).toBe(true);
      const again = ffi.pollStepEvents() as StepEvent;
      expect(again.stepUuid).toBe(slice.stepUuid);
      expect(again.eventId).not.toBe(slice.eventId);
      expect(again.workflowStep.checkpoint).toEqual({
        stepUuid: slice.stepUuid,
        cursor,
        itemsProcessed: 100,
        accumulatedResults: { imported: 100 },
      });
      expect(ffi.getFfiDispatchMetrics().checkpointCount).toBe(1);
    });
  });

  describe('client operations', () => {
    beforeEach(() => {
      ffi.bootstrapWorker({ seed: 42 });
    });

    it('clientHealthCheck reports a healthy server with its task count', () => {
      expect(ffi.clientHealthCheck()).toMatchObject({ healthy: true, task_count: 0 });
      ffi.clientCreateTask(orderRequest());
      expect(ffi.clientHealthCheck()).toMatchObject({ healthy: true, task_count: 1 });
    });

    it('create, get, list, steps, step, audit history and cancel return the server JSON', () => {
      const created = ffi.clientCreateTask(orderRequest({ tags: ['t1'], priority: 5 }));
      expect(created.task_uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created).toMatchObject({ priority: 5, tags: ['t1'], initiator: 'parity-tests', source_system: 'vitest', context: orderRequest().context });
      expect(created.steps.map((s) => s.name)).toEqual(['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation']);

      expect(ffi.clientGetTask(created.task_uuid)).toMatchObject({ task_uuid: created.task_uuid, total_steps: 4 });

      const list = ffi.clientListTasks({ page: 1, perPage: 10, namespace: 'ecommerce' });
      expect(list.tasks.map((t) => t.task_uuid)).toEqual([created.task_uuid]);
      expect(list.pagination).toEqual({ page: 1, per_page: 10, total_count: 1, total_pages: 1, has_next: false, has_previous: false });
      expect(ffi.clientListTasks({ namespace: 'analytics' }).pagination.total_count).toBe(0);
      expect(ffi.clientListTasks().pagination.total_count).toBe(1);

      const steps = ffi.clientListTaskSteps(created.task_uuid);
      expect(steps).toHaveLength(4);
      const root = steps[0]!;
      expect(root).toMatchObject({ name: 'validate_cart', current_state: 'pending', ready_for_execution: true, dependencies_satisfied: true });
      expect(ffi.clientGetStep(created.task_uuid, root.step_uuid)).toMatchObject({ step_uuid: root.step_uuid, name: 'validate_cart' });
      const audit = ffi.clientGetStepAuditHistory(created.task_uuid, root.step_uuid);
      expect(audit.length).toBeGreaterThanOrEqual(1);
      expect(audit[0]).toMatchObject({ step_uuid: root.step_uuid, task_uuid: created.task_uuid, to_state: 'pending' });

      const cancelled = ffi.clientCancelTask(created.task_uuid);
      expect(cancelled.status).toBe('cancelled');
      expectTaskerError(() => ffi.clientCancelTask(created.task_uuid), 'INVALID_STATE', `Invalid state: Task ${created.task_uuid} is already cancelled`);
      expect(ffi.pollInProcessEvents()).toMatchObject({ eventName: 'task.cancelled' });
    });

    it('an idempotency key returns the same task', () => {
      const a = ffi.clientCreateTask(orderRequest({ idempotencyKey: 'order-42' }));
      const b = ffi.clientCreateTask(orderRequest({ idempotencyKey: 'order-42' }));
      expect(b.task_uuid).toBe(a.task_uuid);
      expect(ffi.clientListTasks().pagination.total_count).toBe(1);
    });

    it('a request is taken with an RFC 3339 requestedAt (Date#toISOString)', () => {
      const task = ffi.clientCreateTask(orderRequest({ requestedAt: new Date('2026-02-03T04:05:06.789Z').toISOString() }));
      expect(task.status).toBe('pending');
    });

    it('an unknown template is TEMPLATE_NOT_FOUND', () => {
      const error = expectTaskerError(
        () => ffi.clientCreateTask(orderRequest({ name: 'nope' })),
        'TEMPLATE_NOT_FOUND',
        'Task template not found: ecommerce/nope@1.0.0',
      );
      expect(error.recoverable).toBe(false);
    });

    it('a request the core rejects is INVALID_REQUEST with the core message', () => {
      expectTaskerError(() => ffi.clientCreateTask(orderRequest({ context: [1, 2] })), 'INVALID_REQUEST', 'Invalid argument: context must be a JSON object');
      expectTaskerError(() => ffi.clientCreateTask(orderRequest({ name: ' ' })), 'INVALID_REQUEST', 'Invalid argument: name must not be empty');
      expectTaskerError(() => ffi.clientListTasks({ page: 0 }), 'INVALID_REQUEST', 'Invalid argument: page must be at least 1, got 0');
      expectTaskerError(() => ffi.clientListTasks({ perPage: 101 }), 'INVALID_REQUEST', 'Invalid argument: per_page must be between 1 and 100, got 101');
    });

    it('missing tasks and steps are NOT_FOUND; malformed ids are INVALID_REQUEST', () => {
      expectTaskerError(() => ffi.clientGetTask(MISSING_UUID), 'NOT_FOUND', `Not found: Task ${MISSING_UUID}`);
      expectTaskerError(() => ffi.clientCancelTask(MISSING_UUID), 'NOT_FOUND', `Not found: Task ${MISSING_UUID}`);
      expectTaskerError(() => ffi.clientListTaskSteps(MISSING_UUID), 'NOT_FOUND', `Not found: Task ${MISSING_UUID}`);
      const task = ffi.clientCreateTask(reportRequest());
      expectTaskerError(() => ffi.clientGetStep(task.task_uuid, MISSING_UUID), 'NOT_FOUND', `Not found: Step ${MISSING_UUID}`);
      expectTaskerError(() => ffi.clientGetStepAuditHistory(task.task_uuid, MISSING_UUID), 'NOT_FOUND', `Not found: Step ${MISSING_UUID}`);
      expectTaskerError(() => ffi.clientGetTask('task-1'), 'INVALID_REQUEST', 'Invalid argument: Invalid task UUID: task-1');
      expectTaskerError(() => ffi.clientGetStep(task.task_uuid, 'step-1'), 'INVALID_REQUEST', 'Invalid argument: Invalid step UUID: step-1');
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
      ['completeStepEvent(5, …)', (f) => f.completeStepEvent(as(5), successResult({ stepUuid: MISSING_UUID })), 'Invalid argument: eventId must be a string, got number'],
      ['completeStepEvent(id, null)', (f) => f.completeStepEvent(MISSING_UUID, as(null)), 'Invalid argument: result must be an object, got null'],
      [
        'completeStepEvent(id, {status: 7})',
        (f) => f.completeStepEvent(MISSING_UUID, { ...successResult({ stepUuid: MISSING_UUID }), status: as(7) }),
        'Invalid argument: result.status must be a string, got number',
      ],
      [
        'completeStepEvent(id, {executionTimeMs: 1.5})',
        (f) =>
          f.completeStepEvent(MISSING_UUID, { ...successResult({ stepUuid: MISSING_UUID }), metadata: { executionTimeMs: 1.5, completedAt: 'now' } }),
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
      ['clientCreateTask({name: 5})', (f) => f.clientCreateTask(orderRequest({ name: as(5) })), 'Invalid argument: request.name must be a string, got number'],
      ['clientCreateTask({tags: "a"})', (f) => f.clientCreateTask(orderRequest({ tags: as('a') })), 'Invalid argument: request.tags must be an array of strings, got string'],
      ['clientCreateTask({priority: 2**31})', (f) => f.clientCreateTask(orderRequest({ priority: 2 ** 31 })), 'Invalid argument: request.priority must be an integer in -2147483648..=2147483647 (i32), got 2147483648'],
      ['clientCreateTask(no context)', (f) => f.clientCreateTask(orderRequest({ context: as(undefined) })), 'Invalid argument: request.context is required (use null for "no value")'],
      ['clientCreateTask(context with BigInt)', (f) => f.clientCreateTask(orderRequest({ context: as({ n: 1n }) })), 'Invalid argument: request.context.n is not JSON: got bigint'],
      ['clientListTasks({page: "a"})', (f) => f.clientListTasks({ page: as('a') }), 'Invalid argument: params.page must be an integer (u32), got string'],
      ['clientListTasks(5)', (f) => f.clientListTasks(as(5)), 'Invalid argument: params must be an object, got number'],
    ];

    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    bad.push([
      'clientCreateTask(cyclic context)',
      (f) => f.clientCreateTask(orderRequest({ context: as(cyclic) })),
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

  describe('coverage and resources', () => {
    it('the suite exercised every operation of the contract', () => {
      expect(OPERATIONS.filter((op) => !called.has(op))).toEqual([]);
    });

    it.runIf(backend === 'koffi')('koffi: every C string the library returned has been freed', () => {
      const koffi = loadBackend({ backend: 'koffi' }) as KoffiBackend;
      expect(koffi.freedStrings()).toBeGreaterThan(0);
      expect(koffi.liveStrings()).toBe(liveAtStart);
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
