/**
 * The napi bridge: the napi-rs addon (`napi-ffi`), loaded through the loader the napi CLI generates,
 * over its JSON text twins (napi-transport.ts). The contract's algorithm is `WireBackend`'s.
 */
import { resolveNapiModule } from './locate.js';
import { NapiTransport } from './napi-transport.js';
import { WireBackend } from './wire-backend.js';

export interface NapiBackendOptions {
  /** The generated loader (`index.cjs`) or a `.node` file; default: `TASKER_NAPI_ADDON`, else `napi-ffi/index.cjs`. */
  libraryPath?: string;
}

export class NapiBackend extends WireBackend {
  constructor(options: NapiBackendOptions = {}) {
    super(new NapiTransport(resolveNapiModule(options.libraryPath)));
  }
}
