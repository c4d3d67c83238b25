#!/usr/bin/env node
// Packs the npm packages the way napi-rs packages are published: the main package (the library:
// dist/, the napi loader and its index.d.ts; no binaries) and one package per platform with that
// platform's binaries (the napi addon `.node` and the legacy C library), which the main package
// lists as optionalDependencies. Only this machine's platform can be packed here; the workflow
// packs each platform on its own runner.
//
//   node scripts/pack.mjs [--out <dir>]     (default target/pack)
//
// Steps: build what is missing (release); `napi create-npm-dirs` writes the per-platform package
// manifests into target/npm/<platform>/; this platform's `.node` and legacy library are copied
// there and listed in its "files"; the main package is staged in target/pack/main with the
// optionalDependencies added (what `napi pre-publish` does to package.json before a publish) and
// both are `npm pack`ed. Prints one JSON line: {main, platform, platformPackage, files}.
// Nothing in the working tree is modified.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'target', 'pack') } } });
const out = path.resolve(values.out);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const napi = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'napi.cmd' : 'napi');

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${result.status}\n${result.stdout}`);
  return result.stdout;
}

const fail = (message) => {
  process.stderr.write(`pack: ${message}\n`);
  process.exit(1);
};

// 1. The release binaries and the library (always rebuilt: a stale dist/ would ship old code).
for (const args of [['--if-missing', '--only', 'legacy,napi'], ['--only', 'ts']]) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed; nothing packed');
}

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const nodeFile = readdirSync(path.join(root, 'napi-ffi')).find((f) => f.startsWith(`${manifest.napi.binaryName}.`) && f.endsWith('.node'));
if (nodeFile === undefined) fail('napi-ffi/*.node not found; run `npm run build`');
const platform = nodeFile.slice(manifest.napi.binaryName.length + 1, -'.node'.length);
const legacyFile = process.platform === 'win32' ? 'tasker_legacy.dll' : process.platform === 'darwin' ? 'libtasker_legacy.dylib' : 'libtasker_legacy.so';
const legacySource = path.join(root, 'target', 'release', legacyFile);
if (!existsSync(legacySource)) fail(`target/release/${legacyFile} not found; run \`npm run build\``);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 2. The per-platform manifests, by the napi CLI (inside the project: it refuses other folders).
const npmDir = path.join(root, 'target', 'npm');
rmSync(npmDir, { recursive: true, force: true });
run(napi, ['create-npm-dirs', '--package-json-path', 'package.json', '--npm-dir', path.relative(root, npmDir)]);
const platformDir = path.join(npmDir, platform);
if (!existsSync(path.join(platformDir, 'package.json'))) {
  fail(`napi create-npm-dirs wrote no package for ${platform} (package.json napi.targets: ${manifest.napi.targets.join(', ')})`);
}
cpSync(path.join(root, 'napi-ffi', nodeFile), path.join(platformDir, nodeFile));
cpSync(legacySource, path.join(platformDir, legacyFile));
const platformManifest = JSON.parse(readFileSync(path.join(platformDir, 'package.json'), 'utf8'));
platformManifest.files = [nodeFile, legacyFile];
platformManifest.description = `${manifest.name}'s binaries for ${platform}: the napi addon and the legacy C library`;
writeFileSync(path.join(platformDir, 'package.json'), `${JSON.stringify(platformManifest, null, 2)}\n`);

// 3. The main package, staged with its optionalDependencies on every platform package.
const mainDir = path.join(out, 'main');
mkdirSync(mainDir);
for (const entry of ['README.md', 'LICENSE', 'dist', 'napi-ffi/index.cjs', 'napi-ffi/index.d.ts']) {
  if (existsSync(path.join(root, entry))) cpSync(path.join(root, entry), path.join(mainDir, entry), { recursive: true });
}
const staged = { ...manifest };
delete staged.devDependencies;
delete staged.scripts;
delete staged.allowScripts;
staged.optionalDependencies = Object.fromEntries(
  readdirSync(npmDir).map((dir) => [JSON.parse(readFileSync(path.join(npmDir, dir, 'package.json'), 'utf8')).name, manifest.version]),
);
writeFileSync(path.join(mainDir, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);

// 4. npm pack both.
const pack = (dir) => {
  const info = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', out], dir))[0];
  return { tarball: path.join(out, info.filename), files: info.files.map((f) => f.path), unpackedSize: info.unpackedSize };
};
const main = pack(mainDir);
const binaries = pack(platformDir);
process.stdout.write(
  `${JSON.stringify({ main: main.tarball, platform: binaries.tarball, platformName: platform, platformPackage: platformManifest.name, mainFiles: main.files, platformFiles: binaries.files, mainUnpackedSize: main.unpackedSize })}\n`,
);
