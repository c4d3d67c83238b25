/**
 * Helpers of the reliability suites: the test-hooks builds (a separate output, so the product
 * build is untouched), and running a module in a child process (a crash is a result).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BackendName } from '../../src/index.js';
import { packageRoot } from '../../src/backends/locate.js';

export { describeFailure, runInChild, type ChildOutcome } from '../../src/soak/child-process.js';
export { TEST_BACKENDS } from '../behaviour/support.js';

/** A module of this folder, for `runInChild`. */
export function here(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/** Where `node scripts/build.mjs --only test-hooks` puts each bridge's test-hooks build. */
export function testHooksLibrary(backend: BackendName): string {
  const root = packageRoot();
  if (backend === 'koffi') {
    const file = process.platform === 'win32' ? 'tasker_legacy.dll' : process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so';
    return path.join(root, 'target', 'test-hooks', 'release', file);
  }
  const dir = path.join(root, 'target', 'test-hooks', 'napi');
  const node = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('tasker-napi.') && f.endsWith('.node')) : undefined;
  return path.join(dir, node ?? 'tasker-napi.node');
}

/**
 * Builds (or refreshes: cargo is incremental, about 2 s when nothing changed) the test-hooks
 * variants of both bridges into target/test-hooks. Throws with the build's output on failure.
 */
export function buildTestHooks(): void {
  const result = spawnSync(process.execPath, [path.join(packageRoot(), 'scripts', 'build.mjs'), '--only', 'test-hooks'], {
    cwd: packageRoot(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`node scripts/build.mjs --only test-hooks failed (${String(result.status ?? result.signal)}):\n${result.stdout}\n${result.stderr}`);
  }
}
