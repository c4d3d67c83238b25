/**
 * One `worker_thread` of the concurrency scenario (`threads.ts`). It loads every backend through
 * the contract (its own adapter instances; the native state behind them is the process's, shared
 * with every other thread), waits until all threads are loaded, then creates tasks and polls and
 * completes steps on every backend, interleaved, until the shared counters say every expected
 * step is complete. It reports what it created, what it was handed and what it completed.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';

import type { BackendName, TaskerFfi, TaskRequest } from '../../../src/contract.js';
import { loadBackend } from '../../../src/select.js';

export interface ThreadWorkerData {
  index: number;
  backends: BackendName[];
  libraryPaths: Partial<Record<BackendName, string>>;
  tasksPerWorker: number;
  /** Steps expected per backend, over all threads. */
  expectedSteps: number;
  /** Int32: [completed steps of backend 0, of backend 1, …, threads loaded]. */
  counters: SharedArrayBuffer;
  threads: number;
  timeoutMs: number;
}

export interface ThreadBackendRecord {
  tasks: string[];
  /** Step uuid of every event this thread was handed. */
  handedOut: string[];
  completedTrue: number;
  completedFalse: number;
  errors: string[];
}

export interface ThreadWorkerResult {
  index: number;
  threadId: number;
  perBackend: Record<string, ThreadBackendRecord>;
  timedOut: boolean;
}

function request(index: number, n: number): TaskRequest {
  const linear = (index + n) % 2 === 0;
  return {
    name: linear ? 'order_processing' : 'report',
    namespace: linear ? 'ecommerce' : 'analytics',
    version: '1.0.0',
    context: linear ? { order_id: index * 1000 + n, items: [] } : { day: '2026-01-01', thread: index, n },
    initiator: `thread-${index}`,
    sourceSystem: 'tasker-ffi-threads',
    reason: 'concurrency scenario',
  };
}

function run(data: ThreadWorkerData): ThreadWorkerResult {
  const counters = new Int32Array(data.counters);
  const loadedSlot = data.backends.length;
  const ffis: TaskerFfi[] = data.backends.map((backend) => {
    const libraryPath = data.libraryPaths[backend];
    return loadBackend({ backend, ...(libraryPath === undefined ? {} : { libraryPath }) });
  });
  const records: ThreadBackendRecord[] = data.backends.map(() => ({ tasks: [], handedOut: [], completedTrue: 0, completedFalse: 0, errors: [] }));

  // Start together: every thread loaded before anyone calls.
  Atomics.add(counters, loadedSlot, 1);
  const deadline = Date.now() + data.timeoutMs;
  while (Atomics.load(counters, loadedSlot) < data.threads && Date.now() < deadline) {
    Atomics.wait(counters, loadedSlot, Atomics.load(counters, loadedSlot), 5);
  }

  const record = (i: number, error: unknown): void => {
    const list = (records[i] as ThreadBackendRecord).errors;
    if (list.length < 20) list.push(error instanceof Error ? error.message : String(error));
  };
  /** One poll (and its complete); false when nothing was ready. */
  const step = (i: number): boolean => {
    const ffi = ffis[i] as TaskerFfi;
    const rec = records[i] as ThreadBackendRecord;
    let event;
    try {
      event = ffi.pollStepEvents();
    } catch (error) {
      record(i, error);
      return false;
    }
    if (event === null) return false;
    rec.handedOut.push(event.stepUuid);
    try {
      const accepted = ffi.completeStepEvent(event.eventId, {
        stepUuid: event.stepUuid,
        success: true,
        result: { by: data.index, step: event.workflowStep.name },
        status: 'completed',
        metadata: { executionTimeMs: 0, completedAt: new Date().toISOString() },
      });
      if (accepted) {
        rec.completedTrue += 1;
        Atomics.add(counters, i, 1);
      } else {
        rec.completedFalse += 1;
      }
    } catch (error) {
      record(i, error);
    }
    return true;
  };

  for (let n = 0; n < data.tasksPerWorker; n += 1) {
    ffis.forEach((ffi, i) => {
      try {
        (records[i] as ThreadBackendRecord).tasks.push(ffi.clientCreateTask(request(data.index, n)).task_uuid);
      } catch (error) {
        record(i, error);
      }
      step(i);
      step(i);
    });
  }
  // Drain: keep polling until every thread's steps are complete on every backend.
  const idle = new Int32Array(new SharedArrayBuffer(4));
  let timedOut = false;
  for (;;) {
    const open = ffis.map((_, i) => i).filter((i) => Atomics.load(counters, i) < data.expectedSteps);
    if (open.length === 0) break;
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    let progressed = false;
    for (const i of open) progressed = step(i) || progressed;
    if (!progressed) Atomics.wait(idle, 0, 0, 1);
  }
  const perBackend: Record<string, ThreadBackendRecord> = {};
  data.backends.forEach((backend, i) => {
    perBackend[backend] = records[i] as ThreadBackendRecord;
  });
  return { index: data.index, threadId, perBackend, timedOut };
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object' && 'counters' in workerData) {
  parentPort.postMessage(run(workerData as ThreadWorkerData));
}
