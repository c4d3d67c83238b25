/**
 * Helpers of the reliability suites: the harness build (its test hooks; a separate output, so
 * the product build is untouched), and running a module in a child process (a crash is a result).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { BackendName } from '../../src/contract.js';
import { harnessLibrary } from '../../scripts/lib/harness-build.js';

export { describeFailure, runInChild, type ChildOutcome } from '../../scripts/lib/child-process.js';
export { TEST_BACKENDS } from '../behaviour/support.js';

/** A module of this folder, for `runInChild`. */
export function here(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export { harnessLibrary as testHooksLibrary } from '../../scripts/lib/harness-build.js';

/**
 * The harness build must exist (`node scripts/build.mjs --only harness`); the suites do not build
 * it themselves, so a test run never starts cargo.
 */
export function requireTestHooks(backends: readonly BackendName[]): void {
  for (const backend of backends) {
    const file = harnessLibrary(backend);
    if (!existsSync(file)) throw new Error(`${backend}: the harness build ${file} is missing; run \`node scripts/build.mjs --only harness\``);
  }
}
