/**
 * Child-process entry of the soak: runs the workload on one backend (`runWorkload`) and sends the
 * result back (`child-process.ts`). Started by `runSoak` with `--expose-gc`, one child per backend,
 * so each backend's RSS is its own.
 */
import { childMain } from '../../../scripts/lib/child-process.js';
import { runWorkload, type WorkloadOptions } from './workload.js';

childMain((options: Omit<WorkloadOptions, 'onSample'>, progress) =>
  runWorkload({ ...options, onSample: (sample, { calls }) => progress({ ...sample, target: calls }) }),
);
