#!/usr/bin/env node
// Fails if a generated file that is committed differs from what the last build wrote:
// the ts-rs declarations (src/generated/, written by `cargo test --workspace`) and the napi CLI's
// types (napi-ffi/index.d.ts, written by `npm run build`). Its loader (index.cjs) is build output.
// Run it after those two, as CI does.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GENERATED = ['src/generated', 'napi-ffi/index.d.ts'];

const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });

if (git('rev-parse', '--verify', 'HEAD').status !== 0) {
  process.stdout.write('check:generated: no commit to compare with yet; skipped\n');
  process.exit(0);
}

const status = git('status', '--porcelain', '--untracked-files=all', '--', ...GENERATED);
if (status.status !== 0) {
  process.stderr.write(`check:generated: git status failed: ${status.stderr}\n`);
  process.exit(2);
}
const changed = status.stdout.trim();
if (changed !== '') {
  process.stderr.write(
    `check:generated: generated files differ from the commit (rebuild and commit them):\n${changed}\n\n` +
      git('diff', '--stat', '--', ...GENERATED).stdout,
  );
  process.exit(1);
}
process.stdout.write(`check:generated: ${GENERATED.join(', ')} are fresh\n`);
