/**
 * The addon's generated `index.d.ts` type-checks on its own, library checks on: tasker's worker
 * compiles with `skipLibCheck`, which would hide an undeclared name and turn the parameter into
 * `any` (the napi CLI writes a Rust type alias's name without declaring it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('napi-ffi/index.d.ts compiles alone with skipLibCheck off', () => {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  // An empty type root: only the file itself (and the default lib) is checked, not @types/node.
  const noTypes = mkdtempSync(path.join(os.tmpdir(), 'no-types-'));
  try {
    const args = ['--noEmit', '--strict', '--skipLibCheck', 'false', '--typeRoots', noTypes, 'napi-ffi/index.d.ts'];
    const result = spawnSync(tsc, args, { cwd: root, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  } finally {
    rmSync(noTypes, { recursive: true, force: true });
  }
});
