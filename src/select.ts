/**
 * Picks the bridge: explicit option > `TASKER_FFI_BACKEND` > default `napi` (the default since
 * cutover; `koffi` stays selectable for rollback).
 *
 * An unknown name is an error listing the valid ones; a backend whose binary is missing is a
 * `BackendUnavailableError` naming the build command and the path looked for. Never a silent fall
 * back to the other bridge: a rollback that quietly ran on napi would prove nothing.
 *
 * One instance per backend (and binary) per process: the native state behind it is
 * process-global anyway.
 */
import { BACKENDS, type BackendName, type TaskerFfi } from './contract.js';
import { TaskerError } from './errors.js';
import { KoffiBackend } from './backends/koffi.js';
import { resolveLegacyLibrary, resolveNapiModule } from './backends/locate.js';
import { NapiBackend } from './backends/napi.js';

export const BACKEND_ENV = 'TASKER_FFI_BACKEND';
export const DEFAULT_BACKEND: BackendName = 'napi';

export interface LoadBackendOptions {
  /** `napi` or `koffi`; default: `TASKER_FFI_BACKEND`, else `napi`. Any other name is an error. */
  backend?: BackendName | (string & Record<never, never>);
  /** The backend's binary (koffi: the shared library; napi: the loader or `.node` file). */
  libraryPath?: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** Where the choice came from. */
  source: 'option' | 'env' | 'default';
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKENDS as readonly string[]).includes(value);
}

function unknownBackend(value: unknown, origin: string): TaskerError {
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  return new TaskerError(
    'INVALID_REQUEST',
    `Unknown tasker FFI backend ${shown} (${origin}); valid backends: ${BACKENDS.join(', ')}`,
  );
}

/**
 * Which backend `loadBackend(options)` would load, and why; throws for an unknown name.
 * `optionLabel` names the option in that error (the CLI says `--backend`).
 */
export function chooseBackend(options: { backend?: string } = {}, optionLabel = 'the backend option'): BackendChoice {
  if (options.backend !== undefined) {
    if (!isBackendName(options.backend)) throw unknownBackend(options.backend, `from ${optionLabel}`);
    return { backend: options.backend, source: 'option' };
  }
  const fromEnv = process.env[BACKEND_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isBackendName(fromEnv)) throw unknownBackend(fromEnv, `from ${BACKEND_ENV}`);
    return { backend: fromEnv, source: 'env' };
  }
  return { backend: DEFAULT_BACKEND, source: 'default' };
}

const instances = new Map<string, TaskerFfi>();

/** Loads (once per process) the chosen backend. */
export function loadBackend(options: LoadBackendOptions = {}): TaskerFfi {
  const { backend } = chooseBackend(options);
  // Resolving first means a missing binary is reported even if another path is cached.
  const file = backend === 'koffi' ? resolveLegacyLibrary(options.libraryPath) : resolveNapiModule(options.libraryPath);
  const key = `${backend}:${file}`;
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = backend === 'koffi' ? new KoffiBackend({ libraryPath: file }) : new NapiBackend({ libraryPath: file });
    instances.set(key, instance);
  }
  return instance;
}

/** Loads every backend, for suites that compare them (`describe.each(BACKENDS)`). */
export function loadBackends(): Record<BackendName, TaskerFfi> {
  return { napi: loadBackend({ backend: 'napi' }), koffi: loadBackend({ backend: 'koffi' }) };
}
