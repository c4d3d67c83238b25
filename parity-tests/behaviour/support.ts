/**
 * Helpers of the behaviour and end-to-end suites: which backends to run, sample inputs, and an
 * assertion for the contract's `TaskerError`.
 */
import { expect } from 'vitest';

import {
  BACKENDS,
  TaskerError,
  type BackendName,
  type StepEvent,
  type StepExecutionResult,
  type TaskerErrorCode,
  type TaskerFfi,
  type TaskRequest,
} from '../../src/index.js';
import { isBackendName } from '../../src/select.js';

/**
 * Which backends the behaviour and end-to-end suites run on: `TASKER_TEST_BACKENDS=koffi`
 * (comma-separated), else the one `TASKER_FFI_BACKEND` selects (as a user switching bridges
 * expects), else every backend.
 */
export const TEST_BACKENDS: BackendName[] = (() => {
  const selected = process.env.TASKER_FFI_BACKEND?.trim();
  const raw = process.env.TASKER_TEST_BACKENDS ?? (selected === '' ? undefined : selected);
  if (raw === undefined || raw.trim() === '') return [...BACKENDS];
  const names = raw.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!isBackendName(name)) throw new Error(`unknown test backend "${name}"; valid: ${BACKENDS.join(', ')}`);
  }
  return names as BackendName[];
})();

export const NOT_RUNNING = 'Worker not initialized — call bootstrapWorker() first';
export const MISSING_UUID = '00000000-0000-4000-8000-000000000000';

export function orderRequest(overrides: Partial<TaskRequest> = {}): TaskRequest {
  return {
    name: 'order_processing',
    namespace: 'ecommerce',
    version: '1.0.0',
    context: { order_id: 42, items: [{ sku: 'A-1', price: 10, quantity: 3 }] },
    initiator: 'parity-tests',
    sourceSystem: 'vitest',
    reason: 'behaviour suite',
    ...overrides,
  };
}

export function reportRequest(overrides: Partial<TaskRequest> = {}): TaskRequest {
  return orderRequest({ name: 'report', namespace: 'analytics', context: { day: '2026-01-01' }, ...overrides });
}

export function successResult(event: Pick<StepEvent, 'stepUuid'>, result: StepExecutionResult['result'] = { ok: true }): StepExecutionResult {
  return {
    stepUuid: event.stepUuid,
    success: true,
    result,
    status: 'completed',
    metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:00Z' },
  };
}

/** Runs `fn`, which must throw; returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, and it returned');
}

/** Asserts that `fn` throws the contract's `TaskerError` with `code` (and `message`, if given). */
export function expectTaskerError(fn: () => unknown, code: TaskerErrorCode, message?: string | RegExp): TaskerError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(TaskerError);
  const taskerError = error as TaskerError;
  expect({ code: taskerError.code, message: taskerError.message }).toMatchObject({
    code,
    ...(message === undefined ? {} : { message: typeof message === 'string' ? message : expect.stringMatching(message) }),
  });
  return taskerError;
}

/** A fresh engine: stops whatever worker runs in this backend's library (its state is discarded). */
export function resetWorker(ffi: TaskerFfi): void {
  ffi.stopWorker();
}
