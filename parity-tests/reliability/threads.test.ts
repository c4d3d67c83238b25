/**
 * Both bridges under worker_threads (src/soak/threads.ts), in a child process so that a crash is
 * a reported result: several threads create, poll and complete at once on one engine per backend
 * (the native state is process-global), and every step is handed out and completed exactly once,
 * with the same final counts on both backends; then 50 short-lived workers load and unload both
 * bridges. Memory figures of the churn are judged in reports/soak.md, not here.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import type { ThreadScenarioResult } from './soak/threads.js';
import { THREADS_CHILD } from './soak/threads.js';
import { describeFailure, runInChild, TEST_BACKENDS } from './support.js';

const THREADS = 6;
const TASKS_PER_THREAD = 20;
const CHURN = 50;
let result: ThreadScenarioResult;

beforeAll(async () => {
  const outcome = await runInChild<ThreadScenarioResult>(
    THREADS_CHILD,
    { backends: TEST_BACKENDS, threads: THREADS, tasksPerWorker: TASKS_PER_THREAD, churnWorkers: CHURN, timeoutMs: 90_000 },
    { timeoutMs: 150_000 },
  );
  if (!outcome.ok || outcome.result === undefined) throw new Error(`the threads child ${describeFailure(outcome)}`);
  result = outcome.result;
}, 180_000);

describe(`${THREADS} worker_threads creating, polling and completing at once`, () => {
  it('no thread crashed or timed out', () => {
    expect(result.workersTimedOut).toBe(0);
    for (const r of result.perBackend) expect(r.errors, r.backend).toEqual([]);
  });

  it.each(TEST_BACKENDS)('%s: every created step handed out exactly once (none lost, none twice) and completed', (backend) => {
    const r = result.perBackend.find((p) => p.backend === backend);
    const steps = THREADS * TASKS_PER_THREAD * 4;
    expect(r).toMatchObject({
      tasksCreated: THREADS * TASKS_PER_THREAD,
      stepsExpected: steps,
      handedOut: steps,
      uniqueHandedOut: steps,
      duplicates: 0,
      missing: 0,
      unknown: 0,
      completedTrue: steps,
      completedFalse: 0,
      tasksComplete: THREADS * TASKS_PER_THREAD,
      metrics: { stepsComplete: steps, pendingCount: 0 },
      exactlyOnce: true,
    });
  });

  it.runIf(TEST_BACKENDS.length > 1)('the same final counts on both backends', () => {
    expect(result.sameCounts).toBe(true);
  });

  it.runIf(TEST_BACKENDS.includes('koffi'))('koffi: no C string left unfreed by any thread', () => {
    expect(result.liveStringsEnd).toBe(0);
  });
});

describe(`${CHURN} short-lived workers loading and unloading both bridges`, () => {
  it('none crashed or failed; every task they created completes', () => {
    const churn = result.churn;
    expect(churn).not.toBeNull();
    expect(churn?.failed, churn?.errors.join('\n')).toBe(0);
    for (const backend of TEST_BACKENDS) {
      expect(churn?.tasksCreated[backend]).toBe(CHURN);
      expect(churn?.tasksComplete[backend]).toBe(CHURN);
    }
    expect(churn?.rssAfterBatch.length).toBe(CHURN / 5);
  });

  it.runIf(TEST_BACKENDS.includes('koffi'))('koffi: no C string left unfreed after the churn', () => {
    expect(result.churn?.liveStringsEnd).toBe(0);
  });

  it('the whole scenario passes its own checks', () => {
    expect(result.ok).toBe(true);
  });
});
