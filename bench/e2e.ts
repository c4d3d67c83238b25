/**
 * End to end: steps per second through `WorkerServer` (poll, run a trivial handler, complete) on
 * each backend. Each sample creates `tasks` linear 4-step order tasks (untimed), then times
 * `runUntilIdle()` until every step of them is complete; the sample is the time per step.
 */
import { Bench, type Task } from 'tinybench';

import type { TaskerFfi } from '../src/contract.js';
import { defineStepHandler, WorkerServer } from '../src/worker.js';
import { BENCH_CONFIG, orderRequest, resetEngine } from './fixtures.js';
import { taskRecord, type BenchSettings, type Subject, type TaskRecord } from './harness.js';

const CALLABLES = [
  'ecommerce.validate_cart',
  'ecommerce.process_payment',
  'ecommerce.update_inventory',
  'ecommerce.send_confirmation',
];
const STEPS_PER_TASK = CALLABLES.length;

export interface WorkerThroughput extends TaskRecord {
  tasksPerSample: number;
  stepsPerSample: number;
  /** 1e9 / median ns per step. */
  stepsPerSecond: number | null;
}

/** Runs the worker benchmark for every backend, in `settings.rounds` Benches of rotating order. */
export async function measureWorkers(
  backends: TaskerFfi[],
  settings: BenchSettings,
  tasksPerSample: number,
): Promise<WorkerThroughput[]> {
  const rounds = Math.max(1, settings.rounds);
  const steps = tasksPerSample * STEPS_PER_TASK;
  const subjects: Subject[] = backends.map((ffi) => ({
    name: `${ffi.backend}: WorkerServer steps [4-step tasks x${tasksPerSample}]`,
    subject: ffi.backend,
    kind: 'backend',
    batch: false,
    prepare: () => ({ call: () => undefined }),
  }));
  const tasks = new Map<string, Task[]>(subjects.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const bench = new Bench({
      name: `worker #${round + 1}`,
      time: (settings.time * 2) / rounds,
      iterations: Math.max(3, Math.ceil(settings.iterations / rounds)),
      warmupTime: settings.warmupTime / rounds,
      warmupIterations: Math.max(1, Math.ceil(settings.warmupIterations / 2)),
      retainSamples: true,
      throws: false,
    });
    const shift = round % backends.length;
    const order = [...backends.slice(shift), ...backends.slice(0, shift)];
    for (const ffi of order) addWorkerTask(bench, ffi, tasksPerSample);
    await bench.run();
    for (const subject of subjects) {
      const task = bench.getTask(subject.name);
      if (task === undefined) throw new Error(`bench: task ${subject.name} vanished`);
      tasks.get(subject.name)?.push(task);
    }
  }
  return subjects.map((subject) => {
    const record = taskRecord(tasks.get(subject.name) ?? [], subject, 1);
    return {
      ...record,
      tasksPerSample,
      stepsPerSample: steps,
      stepsPerSecond: record.medianNs === null || record.medianNs <= 0 ? null : 1e9 / record.medianNs,
    };
  });
}

function addWorkerTask(bench: Bench, ffi: TaskerFfi, tasksPerSample: number): void {
  const steps = tasksPerSample * STEPS_PER_TASK;
  let server: WorkerServer | undefined;
  let before = 0;
  bench.add(
    `${ffi.backend}: WorkerServer steps [4-step tasks x${tasksPerSample}]`,
    async () => {
      const t0 = performance.now();
      await (server as WorkerServer).runUntilIdle({ maxSteps: steps * 2 });
      const elapsed = performance.now() - t0;
      return { overriddenDuration: elapsed / steps, overriddenIterationCost: elapsed };
    },
    {
      async beforeAll() {
        resetEngine(ffi);
        server = new WorkerServer({
          backend: ffi,
          bootstrap: BENCH_CONFIG,
          handlers: [defineStepHandler(CALLABLES, () => ({ ok: true }))],
          concurrency: 4,
          pollIntervalMs: 1,
          maintenanceIntervalMs: 0,
        });
        await server.start({ poll: false });
      },
      beforeEach() {
        for (let i = 0; i < tasksPerSample; i += 1) ffi.clientCreateTask(orderRequest());
        before = server?.stats.completed ?? 0;
      },
      afterEach() {
        const done = (server?.stats.completed ?? 0) - before;
        if (done !== steps) throw new Error(`worker completed ${done} steps, expected ${steps}`);
      },
      async afterAll() {
        await server?.stop();
        server = undefined;
        resetEngine(ffi);
      },
    },
  );
}
