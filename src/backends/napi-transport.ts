/**
 * The napi transport: the addon's JSON text twins (`<operation>Json`, napi-ffi), which answer with
 * exactly the text of the C symbols (one Rust function behind both, crate tasker-wire), in
 * length-prefixed N-API strings. The drop-in object exports of the addon (tasker's own surface) are
 * not used here; the parity suite checks them against this path.
 */
import { createRequire } from 'node:module';

import { OPERATIONS, type BackendName, type OperationName } from '../contract.js';
import { loadFailed } from './locate.js';
import { FunctionTableTransport, type NativeFunction } from './transport.js';

const requireNative = createRequire(import.meta.url);

export class NapiTransport extends FunctionTableTransport {
  readonly backend: BackendName = 'napi';
  protected readonly functions: Record<OperationName, NativeFunction>;
  protected readonly lastErrorFunction: () => string | null;

  constructor(readonly libraryPath: string) {
    super();
    let addon: Record<string, unknown>;
    try {
      addon = requireNative(libraryPath) as Record<string, unknown>;
    } catch (error) {
      throw loadFailed('napi', libraryPath, error);
    }
    const exported = (name: string): NativeFunction | undefined => {
      const value = addon[name];
      return typeof value === 'function' ? (value as NativeFunction) : undefined;
    };
    const names = [...OPERATIONS.map((operation) => `${operation}Json`), 'lastErrorJson'];
    const missing = names.filter((name) => exported(name) === undefined);
    if (missing.length > 0) throw loadFailed('napi', libraryPath, new Error(`the addon does not export ${missing.join(', ')}`));
    const functions: Partial<Record<OperationName, NativeFunction>> = {};
    for (const operation of OPERATIONS) functions[operation] = exported(`${operation}Json`);
    this.functions = functions as Record<OperationName, NativeFunction>;
    this.lastErrorFunction = exported('lastErrorJson') as () => string | null;
  }
}
