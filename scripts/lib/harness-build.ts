/**
 * The harness build: both bridges with the harness-only cargo features (`test-hooks`,
 * `bench-probes`), in target/harness, never in the product binaries. The reliability suites use
 * its panic hooks, the benchmarks its empty calls and transfer probes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import type { BackendName } from '../../src/contract.js';
import { packageRoot } from '../../src/backends/locate.js';

/** Where `node scripts/build.mjs --only harness` puts `backend`'s binary. */
export function harnessLibrary(backend: BackendName): string {
  const root = packageRoot();
  if (backend === 'koffi') {
    const file = process.platform === 'win32' ? 'tasker_legacy.dll' : process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so';
    return path.join(root, 'target', 'harness', 'release', file);
  }
  const dir = path.join(root, 'target', 'harness', 'napi');
  const node = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('tasker-napi.') && f.endsWith('.node')) : undefined;
  return path.join(dir, node ?? 'tasker-napi.node');
}

/**
 * Builds (or refreshes: cargo is incremental, seconds when nothing changed) the harness build of
 * both bridges. Throws with the build's output on failure.
 */
export function buildHarness(): void {
  const result = spawnSync(process.execPath, [path.join(packageRoot(), 'scripts', 'build.mjs'), '--only', 'harness'], {
    cwd: packageRoot(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`node scripts/build.mjs --only harness failed (${String(result.status ?? result.signal)}):\n${result.stdout}\n${result.stderr}`);
  }
}
