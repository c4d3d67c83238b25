#!/usr/bin/env node
// Builds the package: the legacy C-ABI library, the napi addon, and the TypeScript (dist/).
//
//   node scripts/build.mjs                 release build of everything
//   node scripts/build.mjs --debug         debug build of the native parts
//   node scripts/build.mjs --if-missing    only what is absent (what `npm test` runs first)
//   node scripts/build.mjs --only legacy,napi,ts
//   node scripts/build.mjs --only harness      on demand: both bridges with the harness-only features
//
// legacy: cargo build -p legacy-ffi [--release]            -> target/<profile>/libtasker_legacy.so
// napi:   napi build --platform [--release] … (napi-ffi/README.md) -> napi-ffi/tasker-napi.<platform>.node,
//         napi-ffi/index.cjs (loader), napi-ffi/index.d.ts
// ts:     tsc -p tsconfig.build.json                        -> dist/ (ESM, .d.ts), dist/index.cjs (CJS shim)
//
// With TASKER_FFI_PREBUILT=1 (CI jobs that downloaded the build job's artifacts) nothing is
// compiled: every part asked for must already be there, or the command fails naming it.
//
// Prints what it builds and how long each part took; exits non-zero on the first failure.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

const { values } = parseArgs({
  options: {
    debug: { type: 'boolean', default: false },
    'if-missing': { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('Usage: node scripts/build.mjs [--debug] [--if-missing] [--only legacy,napi,ts]\n');
  process.exit(0);
}

const PARTS = ['legacy', 'napi', 'ts'];
// Built only when named with --only (the suites that need them ask for them).
const ON_DEMAND_PARTS = ['tas283', 'harness'];
const only = values.only === undefined ? PARTS : values.only.split(',').map((s) => s.trim());
for (const part of only) {
  if (!PARTS.includes(part) && !ON_DEMAND_PARTS.includes(part)) {
    process.stderr.write(`build: unknown part "${part}"; parts: ${[...PARTS, ...ON_DEMAND_PARTS].join(', ')}\n`);
    process.exit(2);
  }
}
const profile = values.debug ? 'debug' : 'release';

function legacyLibrary(which = profile) {
  const file =
    process.platform === 'win32' ? 'tasker_legacy.dll' : process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so';
  return path.join(root, 'target', which, file);
}

function tas283Library(lib) {
  const ext = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
  const file = process.platform === 'win32' ? `${lib.replace(/^lib/, '')}.${ext}` : `${lib}.${ext}`;
  return path.join(root, 'target', 'tas283', 'debug', file);
}

function harnessLegacyLibrary() {
  return path.join(root, 'target', 'harness', 'release', path.basename(legacyLibrary('release')));
}

function harnessNapiBinaries() {
  const dir = path.join(root, 'target', 'harness', 'napi');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('tasker-napi.') && f.endsWith('.node')) : [];
}

function napiBinaries() {
  const dir = path.join(root, 'napi-ffi');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('tasker-napi.') && f.endsWith('.node')) : [];
}

const distBuilt = () => ['index.js', 'index.cjs'].every((f) => existsSync(path.join(root, 'dist', f)));

/** Whether any TypeScript source of the library (src/) or its tsconfig changed after `file` was written. */
function sourcesNewerThan(file) {
  const builtAt = statSync(file).mtimeMs;
  const sources = readdirSync(path.join(root, 'src'), { recursive: true }).map((f) => path.join('src', String(f)));
  return [...sources, 'tsconfig.build.json'].some((f) => statSync(path.join(root, f)).mtimeMs > builtAt);
}

function run(command, args) {
  process.stdout.write(`  $ ${[path.relative(root, command) || command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${path.basename(command)} exited with ${result.status ?? result.signal}`);
}

/** The CommonJS entry: Node >= 20.19 can `require()` the ESM build synchronously (no top-level await). */
const CJS_SHIM = `'use strict';
// CommonJS entry of tasker-ffi-parity: re-exports the ESM build (require(esm), Node >= 20.19).
module.exports = require('./index.js');
`;

const steps = {
  legacy: {
    what: `legacy C-ABI library (${profile}) -> ${path.relative(root, legacyLibrary())}`,
    // The koffi backend loads target/release, else target/debug: either one is "present".
    present: () => existsSync(legacyLibrary()) || (!values.debug && existsSync(legacyLibrary('debug'))),
    build: () => run('cargo', ['build', '-p', 'legacy-ffi', ...(values.debug ? [] : ['--release'])]),
  },
  napi: {
    what: `napi addon (${profile}) -> napi-ffi/tasker-napi.<platform>.node, napi-ffi/index.cjs, napi-ffi/index.d.ts`,
    present: () => napiBinaries().length > 0 && existsSync(path.join(root, 'napi-ffi', 'index.cjs')),
    build: () =>
      run(bin('napi'), [
        'build',
        '--platform',
        ...(values.debug ? [] : ['--release']),
        '--manifest-path',
        'napi-ffi/Cargo.toml',
        '--package-json-path',
        'package.json',
        '--output-dir',
        'napi-ffi',
        '--js',
        'index.cjs',
        '--dts',
        'index.d.ts',
      ]),
  },
  // The historical (TAS-283) builds of both bridges, with the core's `tas283-unfixed` feature, in
  // their own target dir so the product builds are never rebuilt with it.
  tas283: {
    what: 'TAS-283 historical builds -> target/tas283/debug/libtasker_legacy.so, libtasker_napi.so',
    // Always handed to cargo, which rebuilds only what changed: a stale historical build would
    // test yesterday's bridge. (`built` is what a prebuilt run checks instead.)
    present: () => false,
    built: () =>
      ['libtasker_legacy', 'libtasker_napi'].every((lib) => existsSync(tas283Library(lib))) &&
      existsSync(path.join(root, 'target', 'tas283', 'debug', 'tasker_napi_historical.node')),
    build: () => {
      const common = ['build', '--target-dir', 'target/tas283', '--features'];
      run('cargo', [...common, 'legacy-ffi/tas283-unfixed', '-p', 'legacy-ffi']);
      run('cargo', [...common, 'napi-ffi/tas283-unfixed', '-p', 'napi-ffi']);
      // Node's require() loads native addons by their `.node` extension only.
      copyFileSync(tas283Library('libtasker_napi'), path.join(root, 'target', 'tas283', 'debug', 'tasker_napi_historical.node'));
    },
  },
  // The harness build: both bridges with the features only the harness uses, `test-hooks`
  // (legacy_test_panic / a working testPanic, for the reliability suites) and `bench-probes`
  // (the empty calls and transfer probes of the benchmarks). Release profile like the product,
  // in its own target dir so the product builds never carry them. Always runs cargo when named
  // (a no-op when fresh), so it never lags behind the sources.
  harness: {
    what: 'harness builds -> target/harness/release/libtasker_legacy.so, target/harness/napi/tasker-napi.<platform>.node',
    present: () => existsSync(harnessLegacyLibrary()) && harnessNapiBinaries().length > 0,
    build: () => {
      const features = 'test-hooks,bench-probes';
      run('cargo', ['build', '-p', 'legacy-ffi', '--release', '--features', features, '--target-dir', 'target/harness']);
      run(bin('napi'), [
        'build',
        '--platform',
        '--release',
        '--features',
        features,
        '--manifest-path',
        'napi-ffi/Cargo.toml',
        '--package-json-path',
        'package.json',
        '--target-dir',
        'target/harness',
        '--output-dir',
        'target/harness/napi',
        '--no-js',
        '--dts',
        'index.d.ts',
      ]);
    },
  },
  ts: {
    what: 'TypeScript library -> dist/ (ESM + .d.ts, CJS shim)',
    // Present only when no source is newer: a stale dist/ would test yesterday's library.
    present: () => distBuilt() && !sourcesNewerThan(path.join(root, 'dist', 'index.js')),
    // A downloaded dist/ is older than the job's fresh checkout by nature: existence is what counts.
    built: () => distBuilt(),
    build: () => {
      // A clean emit: files of modules that moved or were deleted must not linger in dist/.
      rmSync(path.join(root, 'dist'), { recursive: true, force: true });
      run(bin('tsc'), ['-p', 'tsconfig.build.json']);
      writeFileSync(path.join(root, 'dist', 'index.cjs'), CJS_SHIM);
    },
  },
};

const prebuilt = process.env.TASKER_FFI_PREBUILT === '1';
const started = performance.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
try {
  for (const part of only) {
    const step = steps[part];
    if (prebuilt) {
      if (!(step.built ?? step.present)()) {
        throw new Error(`TASKER_FFI_PREBUILT=1 but ${part} is missing (${step.what}); download the build artifacts or unset it`);
      }
      process.stdout.write(`build: ${part}: prebuilt, used as is (${step.what})\n`);
      continue;
    }
    if (values['if-missing'] && step.present()) {
      process.stdout.write(`build: ${part}: present, skipped (${step.what})\n`);
      continue;
    }
    process.stdout.write(`build: ${part}: ${step.what}\n`);
    const t0 = performance.now();
    step.build();
    process.stdout.write(`build: ${part}: done in ${seconds(performance.now() - t0)}\n`);
  }
  process.stdout.write(`build: finished in ${seconds(performance.now() - started)}\n`);
} catch (error) {
  process.stderr.write(`build: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
