#!/usr/bin/env node
// `prepack` / `postpack` of the npm package (run by `npm pack` and `npm publish`):
//
//   node scripts/pack-test-prepack.mjs            stage: build the native parts if missing and the
//                                                 TypeScript always, then copy the legacy C-ABI
//                                                 library into native/ (the package's copy)
//   node scripts/pack-test-prepack.mjs --clean    remove native/ again (postpack)
//
// Why native/: the tarball must not carry target/ (a build directory, gigabytes, per-profile), but
// the koffi backend needs the shared library. src/backends/locate.ts looks for it under
// target/release, target/debug, then native/ (only an installed package has native/, so a stale
// copy can never shadow a fresh build in the repo). The napi addon needs no staging: its loader
// and .node files already live in napi-ffi/, listed in package.json "files".
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'native');

if (process.argv.includes('--clean')) {
  rmSync(nativeDir, { recursive: true, force: true });
  process.stdout.write('postpack: removed native/\n');
  process.exit(0);
}

// The native parts only if missing (a cargo build takes minutes); the TypeScript always, since a
// dist/ older than src/ would ship stale code and nothing else would notice.
for (const args of [['--if-missing', '--only', 'legacy,napi'], ['--only', 'ts']]) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('prepack: the build failed; nothing staged\n');
    process.exit(1);
  }
}

const file =
  process.platform === 'win32' ? 'tasker_legacy.dll' : process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so';
const candidates = ['release', 'debug'].map((profile) => path.join(root, 'target', profile, file));
const source = candidates.find((candidate) => existsSync(candidate));
if (source === undefined) {
  process.stderr.write(`prepack: ${candidates.map((c) => path.relative(root, c)).join(' or ')} not found; run \`npm run build\`\n`);
  process.exit(1);
}
if (!source.includes(`${path.sep}release${path.sep}`)) {
  process.stderr.write(`prepack: warning: packing the DEBUG build of the legacy library (${path.relative(root, source)})\n`);
}

const napiBinaries = readdirSync(path.join(root, 'napi-ffi')).filter((f) => f.endsWith('.node'));
if (napiBinaries.length === 0) {
  process.stderr.write('prepack: napi-ffi/*.node not found; run `npm run build`\n');
  process.exit(1);
}

rmSync(nativeDir, { recursive: true, force: true });
mkdirSync(nativeDir);
copyFileSync(source, path.join(nativeDir, file));
process.stdout.write(
  `prepack: staged ${path.relative(root, source)} -> native/${file}; napi binaries: ${napiBinaries.map((f) => `napi-ffi/${f}`).join(', ')}\n`,
);
