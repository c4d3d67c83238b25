/**
 * Panics in the core, on ONE backend's test-hooks build, in a child process: a panic that crossed
 * the boundary would abort the process, and that must be a reported result, not a dead suite.
 *
 * The hook (`legacy_test_panic` / `testPanic`) is not part of the contract, so it is called
 * directly and its failure goes through the adapters' ONE error mapping (`fromLastError`): koffi
 * reads `legacy_last_error()` after the -1, napi's thrown error carries the same code and message. Everything else goes through the contract,
 * loaded from the same test-hooks library (`loadBackend({backend, libraryPath})`).
 */
import { createRequire } from 'node:module';

import { fromLastError } from '../../src/backends/error-mapping.js';
import { openLegacyLibrary } from '../../src/backends/legacy-library.js';
import { loadBackend, TaskerError, type BackendName, type TaskerFfi } from '../../src/index.js';
import { childMain } from '../../scripts/lib/child-process.js';
import { orderRequest, stepResult } from './corpus.js';
import { liveStrings } from './soak/strings.js';

export interface PanicError {
  errorClass: string;
  code: string | null;
  message: string;
  recoverable: boolean | null;
}

export interface PanicRun {
  backend: BackendName;
  /** The first panic, with a worker running and a step in flight. */
  first: PanicError;
  /** Engine state (tasks, steps, metrics, status) unchanged by the panic. */
  stateUnchanged: boolean;
  /** After the panic: the in-flight step completes, a new task is created, both are listed. */
  nextCallsWork: { version: boolean; completed: boolean; created: boolean; listed: number };
  /** `repeat` more panics: how many came back as INTERNAL. */
  repeated: { count: number; internal: number };
  /** A panic before bootstrap, then bootstrap works. */
  beforeBootstrap: PanicError;
  bootstrapAfter: string;
  /** koffi: C strings not freed at the end. */
  liveStrings: number | null;
}

function hookFor(backend: BackendName, libraryPath: string): (message: string) => void {
  if (backend === 'koffi') {
    const lib = openLegacyLibrary(libraryPath);
    const panic = lib.func<(message: string) => number>('int legacy_test_panic(const char *message)');
    const lastError = lib.func<() => string | null>('RustString legacy_last_error(void)');
    return (message) => {
      if (panic(message) !== -1) return;
      const text = lastError();
      throw text === null ? new TaskerError('INTERNAL', 'legacy_test_panic failed without a last error') : fromLastError(text);
    };
  }
  const addon = createRequire(import.meta.url)(libraryPath) as { testPanic(message: string): void };
  return (message) => {
    try {
      addon.testPanic(message);
    } catch (error) {
      // The addon's own errors carry `.code` and the core's message (docs/napi-surface.md, 1).
      const { code, message: text } = error as { code?: unknown; message?: unknown };
      throw fromLastError(JSON.stringify({ code, message: text }));
    }
  };
}

function caught(run: () => void): PanicError {
  try {
    run();
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      errorClass: error instanceof TaskerError ? 'TaskerError' : e.constructor.name,
      code: error instanceof TaskerError ? error.code : null,
      message: e.message,
      recoverable: error instanceof TaskerError ? error.recoverable : null,
    };
  }
  return { errorClass: 'none', code: null, message: 'the hook returned without an error', recoverable: null };
}

function snapshot(ffi: TaskerFfi): string {
  const list = ffi.clientListTasks({ limit: 100 });
  return JSON.stringify({ list, steps: list.tasks.map((t) => ffi.clientListTaskSteps(t.task_uuid)), metrics: ffi.getFfiDispatchMetrics(), status: ffi.getWorkerStatus() });
}

childMain(({ backend, libraryPath, repeat }: { backend: BackendName; libraryPath: string; repeat: number }): PanicRun => {
  const ffi = loadBackend({ backend, libraryPath });
  const panic = hookFor(backend, libraryPath);

  ffi.stopWorker();
  ffi.bootstrapWorker({ seed: 11 });
  ffi.clientCreateTask(orderRequest());
  const inFlight = ffi.pollStepEvents();
  if (inFlight === null) throw new Error('setup: nothing to poll');
  const before = snapshot(ffi);

  const first = caught(() => panic('boom'));
  const stateUnchanged = snapshot(ffi) === before;

  const version = ffi.getVersion().length > 0;
  const completed = ffi.completeStepEvent(inFlight.eventId, stepResult(inFlight.stepUuid));
  // A created task has its first step enqueued at once (the engine orchestrates synchronously).
  const created = ffi.clientCreateTask(orderRequest({ context: { order_id: 2, items: [] } })).status === 'steps_in_process';
  const listed = ffi.clientListTasks().pagination.total_count;

  let internal = 0;
  for (let i = 0; i < repeat; i += 1) {
    const e = caught(() => panic(`again ${i}`));
    if (e.errorClass === 'TaskerError' && e.code === 'INTERNAL') internal += 1;
  }

  ffi.stopWorker();
  const beforeBootstrap = caught(() => panic('no worker'));
  const bootstrapAfter = ffi.bootstrapWorker({ seed: 11 }).status;
  ffi.stopWorker();

  return {
    backend,
    first,
    stateUnchanged,
    nextCallsWork: { version, completed, created, listed },
    repeated: { count: repeat, internal },
    beforeBootstrap,
    bootstrapAfter,
    liveStrings: liveStrings(ffi),
  };
});
