/**
 * Helpers of the behaviour and end-to-end suites: which backends to run, and assertions for the
 * contract's `TaskerError`. Requests and results come from the one fixture module
 * (parity-tests/fixtures.ts).
 */
import path from 'node:path';

import { expect } from 'vitest';

import { BACKENDS, TaskerError, type BackendName, type StepEvent, type TaskerErrorCode, type TaskerFfi } from '../../src/index.js';
import { packageRoot } from '../../src/backends/locate.js';
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
/** The `fixtures` namespace of step-type templates (routing, events, checkpointed, fanout, deep). */
export const STEP_TYPE_TEMPLATES = path.join(packageRoot(), 'crates/tasker-core/tests/fixtures/templates/step_types');

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

/** The next step event, which must exist. */
export function poll(ffi: TaskerFfi): StepEvent {
  const event = ffi.pollStepEvents();
  if (event === null) throw new Error('expected a step event, the engine had none ready');
  return event;
}
