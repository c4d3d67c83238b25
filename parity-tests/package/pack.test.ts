/**
 * The package test (`npm run test:pack`): pack the packages as they would be published
 * (scripts/pack.mjs: the main package and this platform's binaries package), install them into an
 * empty directory, and use them there the way a consumer would, under Node, Bun and Deno.
 * Consumers run with every TASKER_* variable removed, so nothing can point them back at the
 * repository. Needs the npm registry for koffi unless the npm cache has it (`--prefer-offline`).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const consumerEnv = Object.fromEntries(
  Object.entries({ ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TASKER_LOG_LEVEL: 'off' }).filter(
    ([key]) => !key.startsWith('TASKER_') || key === 'TASKER_LOG_LEVEL',
  ),
) as NodeJS.ProcessEnv;

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}\n${String(result.stdout).slice(-2000)}${String(result.stderr).slice(-3000)}`);
  }
  return String(result.stdout);
}

interface Packed {
  main: string;
  platform: string;
  platformName: string;
  platformPackage: string;
  mainFiles: string[];
  platformFiles: string[];
  mainUnpackedSize: number;
}

let tmp: string;
let packed: Packed;

/** A consumer directory with `tarballs` installed. */
function consumer(name: string, tarballs: string[]): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  run(npm, ['install', ...tarballs, '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], { cwd: dir, env: consumerEnv });
  return dir;
}

/** Runs `code` (an ES module) in `dir` under `runtime`; returns its stdout. */
function script(dir: string, file: string, code: string, runtime: 'node' | 'bun' | 'deno' = 'node'): string {
  writeFileSync(path.join(dir, file), code);
  const command = runtime === 'node' ? process.execPath : bin(runtime);
  const args = runtime === 'deno' ? ['run', '--allow-read', '--allow-env', '--allow-ffi', '--allow-sys', file] : [file];
  return run(command, args, { cwd: dir, env: consumerEnv }).trim();
}

/** Creates a task on `backend` and runs it to the end through WorkerServer; prints one line. */
const USE = (backend: string) => `
const { WorkerServer, defineStepHandler, TaskerClient } = m;
const steps = ['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation'];
const server = new WorkerServer({ backend: '${backend}', bootstrap: { seed: 7 }, handlers: steps.map((s) => defineStepHandler('ecommerce.' + s, () => ({ ok: s }))) });
await server.start({ poll: false });
const client = new TaskerClient(server.ffi);
const task = client.createTask({ name: 'order_processing', namespace: 'ecommerce', context: { n: 1 } });
await server.runUntilIdle();
const done = client.getTask(task.task_uuid);
await server.stop();
console.log('${backend} ' + done.status + ' ' + done.completed_steps + '/' + done.total_steps + ' from ' + server.ffi.libraryPath);
`;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tasker-pack-'));
  const lines = run(process.execPath, [path.join(root, 'scripts', 'pack.mjs'), '--out', path.join(tmp, 'packed')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n');
  packed = JSON.parse(lines[lines.length - 1] ?? '{}') as Packed;
}, 900_000);

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe('the packages hold the library and the binaries, nothing else', () => {
  it('the main package is the library: dist/, the napi loader and its index.d.ts, package.json, README', () => {
    const unexpected = packed.mainFiles.filter(
      (f) => !/^(dist\/.+\.(js|cjs|d\.ts)|napi-ffi\/index\.(cjs|d\.ts)|package\.json|README\.md|LICENSE)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/generated/legacy/TaskResponse.d.ts', 'napi-ffi/index.cjs', 'napi-ffi/index.d.ts']) {
      expect(packed.mainFiles).toContain(f);
    }
  });

  it('no harness module, no source map, no TypeScript source, no binary is in the main package', () => {
    const harness = packed.mainFiles.filter((f) => /(^|\/)(bench|soak|parity|tas283|report|runner|cli)(\/|\.|-)/.test(f) || f.endsWith('.map') || f.startsWith('docs/'));
    expect(harness).toEqual([]);
    expect(packed.mainFiles.filter((f) => f.endsWith('.node') || /\.(so|dylib|dll)$/.test(f))).toEqual([]);
    expect(packed.mainFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it("the platform package holds this platform's napi addon and legacy library", () => {
    // README.md: the napi CLI writes one per platform package (npm packs a README always).
    expect(packed.platformFiles.sort()).toEqual(
      ['README.md', 'package.json', `tasker-napi.${packed.platformName}.node`, process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so'].sort(),
    );
  });
});

describe('installed together, the packages work', () => {
  let dir: string;
  beforeAll(() => {
    dir = consumer('full', [packed.main, packed.platform]);
  }, 300_000);

  it('every module of the installed package resolves inside the package', () => {
    const installed = path.join(dir, 'node_modules', 'tasker-ffi-parity', 'dist');
    const modules = (readdirSync(installed, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => path.join(installed, f));
    expect(modules.length).toBeGreaterThan(10);
    const out = script(dir, 'resolve.mjs', `for (const f of ${JSON.stringify(modules)}) await import(f);\nconsole.log('imported ' + ${modules.length});`);
    expect(out).toBe(`imported ${modules.length}`);
  });

  for (const backend of ['napi', 'koffi']) {
    it(`import: ${backend} runs a workflow from the installed platform package`, () => {
      const out = script(dir, `use-${backend}.mjs`, `import * as m from 'tasker-ffi-parity';\n${USE(backend)}`);
      expect(out).toMatch(new RegExp(`^${backend} complete 4/4 from .*node_modules/(tasker-ffi-parity/napi-ffi/index\\.cjs|${packed.platformPackage}/)`));
    });
  }

  it('require: the CommonJS entry loads the same library', () => {
    writeFileSync(path.join(dir, 'use.cjs'), "const m = require('tasker-ffi-parity');\nconsole.log(typeof m.loadBackend, m.DEFAULT_BACKEND);\n");
    expect(run(process.execPath, ['use.cjs'], { cwd: dir, env: consumerEnv }).trim()).toBe('function napi');
  });

  it('a napi-only consumer never loads koffi: its binary is not mapped into the process', () => {
    const out = script(
      dir,
      'napi-only.mjs',
      `import * as m from 'tasker-ffi-parity';\nimport { readFileSync } from 'node:fs';\n${USE('napi')}\nconst maps = readFileSync('/proc/self/maps', 'utf8');\nconsole.log(/koffi/.test(maps) ? 'koffi mapped' : 'koffi not mapped');`,
    );
    expect(out.split('\n').at(-1)).toBe(process.platform === 'linux' ? 'koffi not mapped' : out.split('\n').at(-1));
  });

  for (const runtime of ['bun', 'deno'] as const) {
    for (const backend of ['napi', 'koffi']) {
      it(`${runtime}: ${backend} runs a workflow from the installed package`, () => {
        const out = script(dir, `use-${runtime}-${backend}.mjs`, `import * as m from 'tasker-ffi-parity';\n${USE(backend)}`, runtime);
        expect(out).toMatch(new RegExp(`^${backend} complete 4/4 from `));
      });
    }
  }

  it('a TypeScript consumer type-checks against the declarations (NodeNext, skipLibCheck off, no @types/node)', () => {
    writeFileSync(
      path.join(dir, 'consumer.mts'),
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
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
        files: ['consumer.mts'],
      }),
    );
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, env: consumerEnv });
  });
});

describe('without its platform package, the error says what to do', () => {
  it('loadBackend names the missing platform package instead of a build command', () => {
    const dir = consumer('library-only', [packed.main]);
    const out = script(
      dir,
      'missing.mjs',
      "import { loadBackend } from 'tasker-ffi-parity';\nfor (const backend of ['napi', 'koffi']) { try { loadBackend({ backend }); console.log(backend + ' loaded'); } catch (e) { console.log(backend + ': ' + e.code + ': ' + e.message); } }",
    );
    const [napi, koffi] = out.split('\n');
    for (const line of [napi, koffi]) {
      expect(line).toContain('BACKEND_UNAVAILABLE');
      expect(line).toContain(packed.platformPackage);
      expect(line).not.toContain('npm run build');
    }
    expect(statSync(dir).isDirectory()).toBe(true);
  }, 300_000);
});
