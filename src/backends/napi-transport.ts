/**
 * The napi transport: the addon's JSON text twins (`<operation>Json`, napi-ffi), which answer with
 * exactly the text of the C symbols (one Rust function behind both, crate tasker-wire), in
 * length-prefixed N-API strings. The drop-in object exports of the addon (tasker's own surface) are
 * not used here; the parity suite checks them against this path.
 */
import { createRequire } from 'node:module';

import { OPERATIONS } from '../contract.js';
import { loadFailed } from './locate.js';
import { FunctionTableTransport, functionsOf, type FunctionTable, type NativeFunction } from './transport.js';

const requireNative = createRequire(import.meta.url);

export class NapiTransport extends FunctionTableTransport {
  constructor(libraryPath: string) {
    super('napi', libraryPath, loadTable(libraryPath));
  }
}

function loadTable(libraryPath: string): FunctionTable {
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
  return {
    functions: functionsOf((operation) => exported(`${operation}Json`) as NativeFunction),
    lastError: exported('lastErrorJson') as () => string | null,
  };
}
