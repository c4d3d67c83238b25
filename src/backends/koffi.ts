/**
 * The legacy bridge: the koffi-era C ABI (`legacy-ffi`, docs/legacy-abi.md) through koffi. The
 * contract's algorithm is `WireBackend`'s; this only picks the library and the koffi transport.
 */
import { KoffiTransport } from './koffi-transport.js';
import { resolveLegacyLibrary } from './locate.js';
import { WireBackend } from './wire-backend.js';

export interface KoffiBackendOptions {
  /** The shared library; default: `TASKER_LEGACY_LIB`, else the build output or the installed platform package. */
  libraryPath?: string;
}

export class KoffiBackend extends WireBackend {
  constructor(options: KoffiBackendOptions = {}) {
    super(new KoffiTransport(resolveLegacyLibrary(options.libraryPath)));
  }
}
