/**
 * Where each backend's native binary is, and the error when it is not there.
 *
 * Order for each backend: explicit `libraryPath` option > environment variable > the build
 * output under the package root. A missing binary is a `BackendUnavailableError` that names the
 * path looked for and the command that builds it; nothing here ever tries the other bridge.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BackendName } from '../contract.js';

export const BUILD_COMMAND = 'npm run build';

/** Environment variables that override the binary of each backend. */
export const LIBRARY_ENV: Record<BackendName, string> = {
  koffi: 'TASKER_LEGACY_LIB',
  napi: 'TASKER_NAPI_ADDON',
};

/** A backend that cannot be loaded: its binary is missing or does not load. */
export class BackendUnavailableError extends Error {
  override readonly name: string = 'BackendUnavailableError';
  readonly code = 'BACKEND_UNAVAILABLE';

  constructor(
    readonly backend: BackendName,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

let cachedRoot: string | undefined;

/** The folder of this package's `package.json` (works from `src/` under tsx and from `dist/`). */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === 'tasker-ffi-parity') return (cachedRoot = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('tasker-ffi-parity: cannot find the package root (package.json)');
    dir = parent;
  }
}

function legacyLibraryFileName(): string {
  switch (process.platform) {
    case 'win32':
      return 'tasker_legacy.dll';
    case 'darwin':
      return 'libtasker_legacy.dylib';
    default:
      return 'libtasker_legacy.so';
  }
}

/** The napi CLI's name for this platform (`linux-x64-gnu`, `darwin-arm64`, …), as in the loader. */
export function platformName(): string {
  if (process.platform === 'linux') {
    // glibc reports its version in the process report; musl does not.
    const report = (process.report?.getReport() ?? {}) as { header?: { glibcVersionRuntime?: string } };
    return `linux-${process.arch}-${report.header?.glibcVersionRuntime === undefined ? 'musl' : 'gnu'}`;
  }
  return `${process.platform}-${process.arch}`;
}

/** The package that carries this platform's binaries (napi-rs' per-platform package pattern). */
export function platformPackage(): string {
  return `tasker-ffi-parity-${platformName()}`;
}

/** The platforms this package is built for (`napi.targets` of its package.json, as napi names). */
export function builtPlatforms(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { napi?: { targets?: string[] } };
  const names: Record<string, string> = {
    'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
    'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
    'x86_64-apple-darwin': 'darwin-x64',
    'aarch64-apple-darwin': 'darwin-arm64',
    'x86_64-pc-windows-msvc': 'win32-x64-msvc',
  };
  return (manifest.napi?.targets ?? []).map((triple) => names[triple] ?? triple);
}

/** The folder of the installed platform package, if there is one. */
function platformPackageDir(): string | undefined {
  try {
    return path.dirname(createRequire(path.join(packageRoot(), 'package.json')).resolve(`${platformPackage()}/package.json`));
  } catch {
    return undefined;
  }
}

/** A checkout (it has the Rust sources) can build its binaries; an installed package cannot. */
function isCheckout(): boolean {
  return existsSync(path.join(packageRoot(), 'Cargo.toml'));
}

/**
 * Where the legacy library may be: in a checkout, the build outputs, release first
 * (`npm run build`), then debug (`build:debug`); in an installed package, its platform package.
 */
export function defaultLegacyLibraryPaths(): string[] {
  const root = packageRoot();
  const file = legacyLibraryFileName();
  const built = ['release', 'debug'].map((profile) => path.join(root, 'target', profile, file));
  const installed = platformPackageDir();
  return installed === undefined ? built : [...built, path.join(installed, file)];
}

/** The loader the napi CLI generates; it finds the `.node` beside it or in the platform package. */
export function defaultNapiLoaderPath(): string {
  return path.join(packageRoot(), 'napi-ffi', 'index.cjs');
}

/** What to do about a missing or unloadable binary, for whoever meets it. */
function remedy(backend: BackendName): string {
  if (isCheckout()) return `Build it with \`${BUILD_COMMAND}\` (or \`npm run build:debug\`), or point ${LIBRARY_ENV[backend]} at an existing binary.`;
  const built = builtPlatforms();
  return built.includes(platformName())
    ? `Its binaries come in the optional dependency ${platformPackage()}: reinstall without --omit=optional (or --no-optional), or point ${LIBRARY_ENV[backend]} at an existing binary.`
    : `This package has no binaries for ${platformName()} (it is built for ${built.join(', ')}); build tasker-ffi-parity from a checkout and point ${LIBRARY_ENV[backend]} at the result.`;
}

function notBuilt(backend: BackendName, looked: string[], origin: string): BackendUnavailableError {
  const where = looked.length === 1 ? looked[0]! : looked.join(' or ');
  return new BackendUnavailableError(
    backend,
    looked[0]!,
    `The ${backend} backend is not available: ${where} not found (${origin}). ${remedy(backend)}`,
  );
}

function resolveExplicit(backend: BackendName, libraryPath: string | undefined): { file: string; origin: string } | undefined {
  if (libraryPath !== undefined) return { file: path.resolve(libraryPath), origin: 'from the libraryPath option' };
  const fromEnv = process.env[LIBRARY_ENV[backend]];
  if (fromEnv !== undefined && fromEnv !== '') return { file: path.resolve(fromEnv), origin: `from ${LIBRARY_ENV[backend]}` };
  return undefined;
}

/** The shared library the koffi backend loads; throws `BackendUnavailableError` if it is missing. */
export function resolveLegacyLibrary(libraryPath?: string): string {
  const explicit = resolveExplicit('koffi', libraryPath);
  if (explicit !== undefined) {
    if (!existsSync(explicit.file)) throw notBuilt('koffi', [explicit.file], explicit.origin);
    return explicit.file;
  }
  const candidates = defaultLegacyLibraryPaths();
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) throw notBuilt('koffi', candidates, 'the default build output');
  return found;
}

/**
 * What the napi backend requires: the CLI-generated loader (`napi-ffi/index.cjs`) by default, or
 * an explicit loader or `.node` file. Throws `BackendUnavailableError` if it is missing.
 */
export function resolveNapiModule(libraryPath?: string): string {
  const explicit = resolveExplicit('napi', libraryPath);
  const target = explicit ?? { file: defaultNapiLoaderPath(), origin: 'the default build output' };
  if (!existsSync(target.file)) throw notBuilt('napi', [target.file], target.origin);
  return target.file;
}

export function loadFailed(backend: BackendName, file: string, cause: unknown): BackendUnavailableError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new BackendUnavailableError(
    backend,
    file,
    `The ${backend} backend could not be loaded from ${file}: ${detail.split('\n')[0]}. ${remedy(backend)}`,
    { cause },
  );
}
