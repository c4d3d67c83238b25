#!/usr/bin/env node
// The package test: `npm pack`, install the tarball into an empty directory, and use it there the
// way a consumer would. Takes about a minute; needs the npm registry (koffi is a dependency) unless
// the npm cache already has it (`--prefer-offline`).
//
//   npm run test:pack                       (= node scripts/pack-test.mjs)
//   node scripts/pack-test.mjs [--keep]     keep the temporary directory for inspection
//
// Checks, each reported on its own line, then "pack: N passed, N failed":
//   - the tarball has dist/, the napi loader + .d.ts + .node, native/<legacy library>, the d.ts of
//     the generated types; and no target/, node_modules/, TypeScript sources or tarballs;
//   - `npm install <tarball>` into an empty directory succeeds;
//   - `require('tasker-ffi-parity')` and `import 'tasker-ffi-parity'` both work, and each loads BOTH
//     bridges from the installed package (napi through its loader napi-ffi/index.cjs, koffi from
//     native/) and runs a task through each;
//   - `npx tasker-ffi --help` and `npx tasker-ffi smoke --backend napi|koffi` work;
//   - a TypeScript consumer type-checks against the package's declarations.
// The consumer runs with TASKER_* variables removed, so nothing can point it back at the repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const legacyFile =
  process.platform === 'win32' ? 'tasker_legacy.dll' : process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so';

const consumerEnv = Object.fromEntries(
  Object.entries({ ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }).filter(([key]) => !key.startsWith('TASKER_')),
);

const results = [];
function check(name, fn) {
  const started = performance.now();
  try {
    const detail = fn();
    results.push({ name, ok: true, ms: performance.now() - started });
    process.stdout.write(`  ok    ${name}${detail ? ` (${detail})` : ''}\n`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ name, ok: false, message, ms: performance.now() - started });
    process.stdout.write(`  FAIL  ${name}\n${message.replace(/^/gm, '        ')}\n`);
    return false;
  }
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}\n${(result.stdout ?? '').slice(-2000)}${(result.stderr ?? '').slice(-3000)}`);
  }
  return result;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tasker-pack-'));
const consumer = path.join(tmp, 'consumer');
process.stdout.write(`pack test in ${tmp}\n`);
let tarball;
let files = [];

// ---- 1. npm pack -----------------------------------------------------------------------------
check('npm pack produces a tarball (prepack stages native/, postpack removes it)', () => {
  const packed = run(npm, ['pack', '--json', '--pack-destination', tmp], { cwd: root });
  // Lifecycle scripts print to the same stdout: the JSON report is the array at the end.
  const start = packed.stdout.search(/^\[/m);
  if (start < 0) throw new Error(`no JSON from npm pack:\n${packed.stdout.slice(-2000)}`);
  const [info] = JSON.parse(packed.stdout.slice(start));
  tarball = path.join(tmp, info.filename);
  files = info.files.map((f) => f.path);
  return `${info.filename}, ${files.length} files, ${(statSync(tarball).size / 1024 / 1024).toFixed(1)} MiB packed, ${(info.unpackedSize / 1024 / 1024).toFixed(1)} MiB unpacked`;
});

check('the tarball has dist/, the napi loader, .d.ts and .node, native/ and the generated types', () => {
  const required = [
    'package.json',
    'dist/src/index.js',
    'dist/src/index.cjs',
    'dist/src/index.d.ts',
    'dist/src/cli.js',
    'dist/src/generated/legacy/TaskResponse.d.ts',
    'napi-ffi/index.cjs',
    'napi-ffi/index.d.ts',
    `native/${legacyFile}`,
  ];
  const missing = required.filter((f) => !files.includes(f));
  if (!files.some((f) => /^napi-ffi\/tasker-napi\..+\.node$/.test(f))) missing.push('napi-ffi/tasker-napi.<platform>.node');
  if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
});

check('the tarball has no target/, node_modules/, TypeScript sources or tarballs', () => {
  const forbidden = files.filter(
    (f) => /^(target|node_modules|src|crates|legacy-ffi\/src|napi-ffi\/src|parity-tests|bench)\//.test(f) || f.endsWith('.tgz') || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );
  if (forbidden.length > 0) throw new Error(`must not be packed: ${forbidden.slice(0, 20).join(', ')}`);
});

check('postpack removed native/ from the working tree', () => {
  let exists = true;
  try {
    statSync(path.join(root, 'native'));
  } catch {
    exists = false;
  }
  if (exists) throw new Error('native/ is still there');
});

// ---- 2. install into an empty directory ------------------------------------------------------
const installed = tarball !== undefined && check('npm install <tarball> into an empty directory', () => {
  mkdirSync(consumer);
  writeFileSync(path.join(consumer, 'package.json'), `${JSON.stringify({ name: 'pack-test-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  run(npm, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], { cwd: consumer, env: consumerEnv });
  return 'koffi from the registry or the npm cache';
});

// ---- 3. use it ---------------------------------------------------------------------------------
const installedRoot = path.join(consumer, 'node_modules', 'tasker-ffi-parity');
const USE = (load) => `
const expected = { napi: 'napi-ffi/index.cjs', koffi: 'native/${legacyFile}' };
const out = [];
for (const backend of ['napi', 'koffi']) {
  const ffi = m.loadBackend({ backend });
  const where = require('node:path').relative(${JSON.stringify(installedRoot)}, ffi.libraryPath);
  if (where !== expected[backend]) throw new Error(backend + ' loaded ' + ffi.libraryPath + ', expected <package>/' + expected[backend]);
  ffi.bootstrapWorker({ seed: 7 });
  const task = ffi.clientCreateTask({ name: 'order_processing', namespace: 'ecommerce', version: '1.0.0', context: { n: 1 }, initiator: 'pack-test', sourceSystem: 'pack-test', reason: '${load}' });
  if (task.total_steps !== 4) throw new Error(backend + ': total_steps ' + task.total_steps);
  ffi.stopWorker();
  out.push(backend + ' from <package>/' + where + ' (' + task.task_uuid + ')');
}
console.log(out.join('; '));
`;

if (installed) {
  check("require('tasker-ffi-parity') loads both bridges from the installed package", () => {
    writeFileSync(path.join(consumer, 'use.cjs'), `const m = require('tasker-ffi-parity');\n${USE('require')}`);
    return run(process.execPath, ['use.cjs'], { cwd: consumer, env: consumerEnv }).stdout.trim();
  });

  check("import 'tasker-ffi-parity' loads both bridges from the installed package", () => {
    writeFileSync(
      path.join(consumer, 'use.mjs'),
      `import * as m from 'tasker-ffi-parity';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${USE('import')}`,
    );
    return run(process.execPath, ['use.mjs'], { cwd: consumer, env: consumerEnv }).stdout.trim();
  });

  check('npx tasker-ffi --help', () => {
    const { stdout } = run(npx, ['--no-install', 'tasker-ffi', '--help'], { cwd: consumer, env: consumerEnv });
    if (!stdout.includes('Usage: tasker-ffi')) throw new Error(`unexpected help:\n${stdout}`);
    return stdout.split('\n')[0];
  });

  for (const backend of ['napi', 'koffi']) {
    check(`npx tasker-ffi --backend ${backend} smoke`, () => {
      const { stdout } = run(npx, ['--no-install', 'tasker-ffi', '--backend', backend, 'smoke'], { cwd: consumer, env: consumerEnv });
      if (!/smoke ok/.test(stdout)) throw new Error(`unexpected output:\n${stdout}`);
      return stdout.trim().split('\n').at(-1);
    });
  }

  check('a TypeScript consumer type-checks against the declarations (tsc, NodeNext, skipLibCheck off, no @types/node)', () => {
    writeFileSync(
      path.join(consumer, 'consumer.mts'),
      [
        "import { loadBackend, TaskerClient, TaskerError, type TaskResponse, type TaskerFfi } from 'tasker-ffi-parity';",
        "const ffi: TaskerFfi = loadBackend({ backend: 'koffi' });",
        "const task: TaskResponse = new TaskerClient(ffi).createTask({ name: 'order_processing', namespace: 'ecommerce' });",
        'const code: string | undefined = task.task_uuid.length > 0 ? undefined : new TaskerError("INTERNAL", "x").code;',
        'export { code };',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          // No @types/node: the declarations must stand on their own for any consumer.
          types: [],
        },
        files: ['consumer.mts'],
      }),
    );
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: consumer, env: consumerEnv });
  });
}

// ---- report ------------------------------------------------------------------------------------
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
const esc = (s) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
mkdirSync(path.join(root, 'reports'), { recursive: true });
writeFileSync(
  path.join(root, 'reports', 'junit-pack.xml'),
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pack-test" tests="${results.length}" failures="${failed}">`,
    `  <testsuite name="pack-test" tests="${results.length}" failures="${failed}">`,
    ...results.map(
      (r) =>
        `    <testcase classname="pack-test" name="${esc(r.name)}" time="${(r.ms / 1000).toFixed(3)}">${
          r.ok ? '' : `<failure message="${esc(r.message.split('\n')[0])}">${esc(r.message)}</failure>`
        }</testcase>`,
    ),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n'),
);
if (failed === 0 && !keep) rmSync(tmp, { recursive: true, force: true });
else process.stdout.write(`kept ${tmp} for inspection\n`);
process.stdout.write(`pack: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
