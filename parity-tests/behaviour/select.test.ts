/**
 * Backend selection: option > TASKER_FFI_BACKEND > default napi; unknown names and missing
 * binaries are clear errors that name the fix; never a silent fall back to the other bridge.
 */
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  BackendUnavailableError,
  chooseBackend,
  KoffiBackend,
  loadBackend,
  NapiBackend,
  TaskerError,
} from '../../src/index.js';
import { packageRoot } from '../../src/backends/locate.js';
import { thrown, TEST_BACKENDS } from './support.js';

const bothBuilt = TEST_BACKENDS.length === 2;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('chooseBackend / loadBackend selection order', () => {
  it('defaults to napi when neither option nor TASKER_FFI_BACKEND is set', () => {
    vi.stubEnv('TASKER_FFI_BACKEND', undefined);
    expect(chooseBackend()).toEqual({ backend: 'napi', source: 'default' });
  });

  it('TASKER_FFI_BACKEND picks the backend when no option is given', () => {
    vi.stubEnv('TASKER_FFI_BACKEND', 'koffi');
    expect(chooseBackend()).toEqual({ backend: 'koffi', source: 'env' });
  });

  it('an explicit option wins over TASKER_FFI_BACKEND', () => {
    vi.stubEnv('TASKER_FFI_BACKEND', 'koffi');
    expect(chooseBackend({ backend: 'napi' })).toEqual({ backend: 'napi', source: 'option' });
  });

  it('an unknown option value is INVALID_REQUEST listing the valid backends', () => {
    const error = thrown(() => loadBackend({ backend: 'bogus' }));
    expect(error).toBeInstanceOf(TaskerError);
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'Unknown tasker FFI backend "bogus" (from the backend option); valid backends: napi, koffi',
    });
  });

  it('an unknown TASKER_FFI_BACKEND is INVALID_REQUEST naming the variable and the valid backends', () => {
    vi.stubEnv('TASKER_FFI_BACKEND', 'bogus');
    expect(thrown(() => loadBackend())).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'Unknown tasker FFI backend "bogus" (from TASKER_FFI_BACKEND); valid backends: napi, koffi',
    });
  });

  it.runIf(bothBuilt)('loadBackend honours option, env and default, one cached instance per backend', () => {
    vi.stubEnv('TASKER_FFI_BACKEND', undefined);
    const napi = loadBackend();
    expect(napi).toBeInstanceOf(NapiBackend);
    expect(napi.backend).toBe('napi');

    vi.stubEnv('TASKER_FFI_BACKEND', 'koffi');
    const koffi = loadBackend();
    expect(koffi).toBeInstanceOf(KoffiBackend);
    expect(koffi.backend).toBe('koffi');
    expect(loadBackend({ backend: 'napi' })).toBe(napi);
    expect(loadBackend({ backend: 'koffi' })).toBe(koffi);
  });
});

describe('a missing binary is an error that names `npm run build` and the path, never a fall back', () => {
  it.each(['koffi', 'napi'] as const)('%s: a libraryPath that does not exist', (backend) => {
    const missing = path.join(packageRoot(), 'target', 'nowhere', backend === 'koffi' ? 'libtasker_legacy.so' : 'index.cjs');
    const error = thrown(() => loadBackend({ backend, libraryPath: missing }));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const unavailable = error as BackendUnavailableError;
    expect(unavailable).toMatchObject({ backend, path: missing, code: 'BACKEND_UNAVAILABLE' });
    expect(unavailable.message).toContain('npm run build');
    expect(unavailable.message).toContain(missing);
    expect(unavailable.message).toContain(`The ${backend} backend is not available`);
  });

  it('koffi: TASKER_LEGACY_LIB pointing nowhere is named in the error', () => {
    vi.stubEnv('TASKER_LEGACY_LIB', '/nonexistent/libtasker_legacy.so');
    const error = thrown(() => loadBackend({ backend: 'koffi' })) as Error;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain('/nonexistent/libtasker_legacy.so not found (from TASKER_LEGACY_LIB)');
  });

  it('napi: TASKER_NAPI_ADDON pointing nowhere is named in the error', () => {
    vi.stubEnv('TASKER_FFI_BACKEND', 'napi');
    vi.stubEnv('TASKER_NAPI_ADDON', '/nonexistent/tasker-napi.node');
    const error = thrown(() => loadBackend()) as Error;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain('/nonexistent/tasker-napi.node not found (from TASKER_NAPI_ADDON)');
  });

  it.each(['koffi', 'napi'] as const)('%s: a file that is not a loadable binary is a load error naming the rebuild', (backend) => {
    const notABinary = path.join(packageRoot(), 'package.json');
    const error = thrown(() => loadBackend({ backend, libraryPath: notABinary })) as Error;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain(`The ${backend} backend could not be loaded from ${notABinary}`);
    expect(error.message).toContain('npm run build');
  });
});
