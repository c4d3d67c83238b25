/**
 * Helpers of the reliability suites: the harness build (its test hooks; a separate output, so
 * the product build is untouched), and running a module in a child process (a crash is a result).
 */
import { fileURLToPath } from 'node:url';


export { describeFailure, runInChild, type ChildOutcome } from '../../scripts/lib/child-process.js';
export { TEST_BACKENDS } from '../behaviour/support.js';

/** A module of this folder, for `runInChild`. */
export function here(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export { buildHarness as buildTestHooks, harnessLibrary as testHooksLibrary } from '../../scripts/lib/harness-build.js';
