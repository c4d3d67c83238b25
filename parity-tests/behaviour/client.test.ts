/**
 * `TaskerClient`, tasker's client API, on each backend: defaults, results (tasker's server JSON),
 * failures rethrown as `TaskerClientError` with the bridge's code, message and recoverable, and
 * the historical `requestedAt` stamp of the koffi path (TAS-283).
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { loadBackend, TaskerClient, TaskerClientError, type TaskerFfi, type TaskRequest } from '../../src/index.js';
import { successResult } from '../fixtures.js';
import { MISSING_UUID, NOT_RUNNING, poll, resetWorker, TEST_BACKENDS, thrown } from './support.js';

/** A backend whose `clientCreateTask` records the request it was given. */
function spyingOnCreate(ffi: TaskerFfi, seen: TaskRequest[]): TaskerFfi {
  return new Proxy(ffi, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === 'clientCreateTask') {
        return (request: TaskRequest) => {
          seen.push(request);
          return target.clientCreateTask(request);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe.each(TEST_BACKENDS)('TaskerClient on %s', (backend) => {
  const ffi = loadBackend({ backend });
  const seen: TaskRequest[] = [];
  const client = new TaskerClient(spyingOnCreate(ffi, seen));

  beforeEach(() => {
    resetWorker(ffi);
    seen.length = 0;
  });

  it('createTask fills in the old client defaults', () => {
    ffi.bootstrapWorker({ seed: 42 });
    const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce', context: { order_id: 1 } });
    expect(task).toMatchObject({
      name: 'order_processing',
      namespace: 'ecommerce',
      version: '1.0.0',
      initiator: 'tasker-core-typescript',
      source_system: 'tasker-core',
      reason: 'Task requested',
      tags: [],
      status: 'steps_in_process',
    });
    expect(seen[0]).toMatchObject({ version: '1.0.0', context: { order_id: 1 }, tags: [] });
  });

  it(
    backend === 'koffi'
      ? 'koffi: createTask stamps requestedAt with new Date().toISOString(), as the koffi-era client did (TAS-283)'
      : 'napi: createTask leaves requestedAt to Rust',
    () => {
      ffi.bootstrapWorker({ seed: 42 });
      client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
      if (backend === 'koffi') {
        expect(seen[0]?.requestedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      } else {
        expect(seen[0]).not.toHaveProperty('requestedAt');
      }
    },
  );

  it('getTask, listTasks, listTaskSteps, getStep, getStepAuditHistory, cancelTask and healthCheck return the server JSON', () => {
    ffi.bootstrapWorker({ seed: 42 });
    const task = client.createTask({ name: 'report', namespace: 'analytics' });
    expect(client.getTask(task.task_uuid).task_uuid).toBe(task.task_uuid);
    expect(client.listTasks({ namespace: 'analytics' }).pagination.total_count).toBe(1);
    expect(client.listTasks({ limit: 1 }).pagination).toMatchObject({ page: 1, per_page: 1, total_count: 1 });
    expect(client.listTasks().tasks).toHaveLength(1);
    const steps = client.listTaskSteps(task.task_uuid);
    expect(steps.map((s) => s.name)).toEqual(['extract', 'transform_a', 'transform_b', 'merge']);
    expect(client.getStep(task.task_uuid, steps[0]!.step_uuid).name).toBe('extract');
    const event = poll(ffi);
    ffi.completeStepEvent(event.eventId, successResult(event, { rows: 3 }));
    expect(client.getStepAuditHistory(task.task_uuid, steps[0]!.step_uuid)).toMatchObject([
      { step_name: 'extract', from_state: 'in_progress', to_state: 'enqueued_for_orchestration', success: true },
    ]);
    expect(client.healthCheck()).toEqual({ healthy: true });
    expect(client.cancelTask(task.task_uuid)).toEqual({ cancelled: true });
    expect(client.getTask(task.task_uuid).status).toBe('cancelled');
  });

  it('failures are TaskerClientError with the bridge\'s code, message and recoverable', () => {
    ffi.bootstrapWorker({ seed: 42 });
    expect(thrown(() => client.createTask({ name: 'nope', namespace: 'ecommerce' }))).toMatchObject({
      name: 'TaskerClientError',
      code: 'TEMPLATE_NOT_FOUND',
      message: 'Task template not found: ecommerce/nope@1.0.0',
    });
    const notFound = thrown(() => client.getTask(MISSING_UUID));
    expect(notFound).toBeInstanceOf(TaskerClientError);
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: `Task ${MISSING_UUID} not found`, recoverable: false });
    expect(thrown(() => client.getStep(MISSING_UUID, 'x'))).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^Invalid argument: Invalid step UUID: /),
    });
    expect(thrown(() => client.createTask({ name: 'order_processing', namespace: 'ecommerce', context: [] }))).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'Validation error: context must be a JSON object',
    });
    const finished = client.createTask({ name: 'order_processing', namespace: 'ecommerce' });
    client.cancelTask(finished.task_uuid);
    const cancelTwice = thrown(() => client.cancelTask(finished.task_uuid));
    expect(cancelTwice).toMatchObject({ name: 'TaskerClientError', code: 'INVALID_STATE' });
    expect((cancelTwice as Error).cause).toBeInstanceOf(Error);
  });

  it('without a worker every call is WORKER_NOT_RUNNING', () => {
    expect(thrown(() => client.healthCheck())).toMatchObject({
      code: 'WORKER_NOT_RUNNING',
      message: NOT_RUNNING,
      recoverable: true,
    });
    expect(thrown(() => client.listTasks())).toMatchObject({ name: 'TaskerClientError', message: NOT_RUNNING });
  });
});
