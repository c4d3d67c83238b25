/**
 * One `worker_thread` of the terminations scenario (`terminate.ts`): loads one bridge, says
 * `ready`, then calls string-returning operations in a tight loop until the driver kills it with
 * `worker.terminate()`. It never ends by itself (except at its safety deadline).
 *
 * Arms:
 * - `koffi`, `napi`: the contract (`loadBackend`), exactly what an application thread runs;
 * - `koffi-js-dispose` (control): the legacy library declared the way the adapter did before the
 *   fix, `koffi.disposable(name, 'char *', (p) => free_rust_string(p))`: koffi frees each string by
 *   calling that JS function back, which Node refuses once the worker is stopping. It shows the
 *   experiment sees the leak it is looking for;
 * - `none` (floor): no bridge, the same loop over JSON text in JS: what a terminated worker costs
 *   Node itself, the baseline of the bridges' RSS per termination.
 *
 * Before each call the thread writes the operation's number (1-based) into its slot of the shared
 * `state`, and 0 after it, so the driver can tell whether a termination landed mid-call.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { BackendName } from '../../../src/contract.js';
import { requireKoffi } from '../../../src/backends/legacy-library.js';
import { loadBackend } from '../../../src/select.js';

export type TerminateArm = BackendName | 'koffi-js-dispose' | 'none';

export interface TerminateWorkerData {
  arm: TerminateArm;
  libraryPath: string;
  taskUuids: string[];
  /** Int32 [slot * 2]: operation in flight (0: none); [slot * 2 + 1]: calls made. */
  state: SharedArrayBuffer;
  slot: number;
  /** The worker stops by itself after this long (a driver that died must not leave it spinning). */
  deadlineMs: number;
}

/** The operations of the loop, in order (each returns a string on the wire). */
export const TERMINATE_OPERATIONS = ['getWorkerStatus', 'clientGetTask', 'pollStepEvents', 'clientListTasks', 'getFfiDispatchMetrics'] as const;

type Call = () => unknown;

function contractCalls(arm: BackendName, libraryPath: string, tasks: string[]): Call[] {
  const ffi = loadBackend({ backend: arm, libraryPath });
  let n = 0;
  const task = (): string => tasks[(n += 1) % tasks.length] as string;
  return [
    () => ffi.getWorkerStatus(),
    () => ffi.clientGetTask(task()),
    () => ffi.pollStepEvents(),
    () => ffi.clientListTasks({ limit: 10 }),
    () => ffi.getFfiDispatchMetrics(),
  ];
}

/** The pre-fix declaration: a disposable `char *` whose dispose function is JavaScript. */
function jsDisposeCalls(libraryPath: string, tasks: string[]): Call[] {
  const koffi = requireKoffi();
  const lib = koffi.load(libraryPath);
  const free = lib.func('void free_rust_string(void *s)');
  koffi.disposable('TerminateJsDisposeString', 'char *', (pointer: unknown) => {
    free(pointer);
  });
  const fn = (prototype: string): ((...args: (string | null)[]) => string | null) =>
    lib.func(prototype.replace('RustString', 'TerminateJsDisposeString')) as (...args: (string | null)[]) => string | null;
  const status = fn('RustString get_worker_status(void)');
  const get = fn('RustString client_get_task(const char *task_uuid)');
  const poll = fn('RustString poll_step_events(void)');
  const list = fn('RustString client_list_tasks(const char *params_json)');
  const metrics = fn('RustString get_ffi_dispatch_metrics(void)');
  let n = 0;
  return [() => status(), () => get(tasks[(n += 1) % tasks.length] as string), () => poll(), () => list('{"limit":10}'), () => metrics()];
}

/** No bridge: text of about the same size, parsed and written in JS. */
function floorCalls(tasks: string[]): Call[] {
  const text = JSON.stringify({ data: { tasks: tasks.map((task_uuid) => ({ task_uuid, status: 'pending', context: { n: 1 } })) }, success: true });
  return [() => JSON.parse(text), () => JSON.stringify(JSON.parse(text)), () => null, () => text.length, () => JSON.parse(text)];
}

function run(data: TerminateWorkerData): void {
  const calls =
    data.arm === 'none'
      ? floorCalls(data.taskUuids)
      : data.arm === 'koffi-js-dispose'
        ? jsDisposeCalls(data.libraryPath, data.taskUuids)
        : contractCalls(data.arm, data.libraryPath, data.taskUuids);
  const state = new Int32Array(data.state);
  const inFlight = data.slot * 2;
  const made = inFlight + 1;
  // One round before `ready`: every declaration and lazy path is warm, so the driver's random
  // delay falls in the loop, not in loading.
  for (const call of calls) call();
  parentPort?.postMessage('ready');
  const deadline = Date.now() + data.deadlineMs;
  for (let i = 0; ; i += 1) {
    const k = i % calls.length;
    Atomics.store(state, inFlight, k + 1);
    (calls[k] as Call)();
    Atomics.store(state, inFlight, 0);
    Atomics.add(state, made, 1);
    if (k === 0 && Date.now() > deadline) break;
  }
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object' && 'arm' in workerData) {
  run(workerData as TerminateWorkerData);
}
