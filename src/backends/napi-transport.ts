/**
 * The napi transport: the addon's JSON text twins (`<operation>Json`, napi-ffi), which answer with
 * exactly the text of the C symbols (one Rust function behind both, crate tasker-wire), in
 * length-prefixed N-API strings. The drop-in object exports of the addon (tasker's own surface) are
 * not used here; the parity suite checks them against this path.
 */
import { createRequire } from 'node:module';

import { OPERATIONS, type BackendName, type OperationName } from '../contract.js';
import { loadFailed } from './locate.js';
import type { Transport } from './transport.js';

type NativeFunction = (...args: (string | null)[]) => unknown;

const requireNative = createRequire(import.meta.url);

export class NapiTransport implements Transport {
  readonly backend: BackendName = 'napi';
  private readonly functions: Record<OperationName, NativeFunction>;
  private readonly lastErrorFunction: () => string | null;

  constructor(readonly libraryPath: string) {
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

  text(operation: OperationName, args: readonly (string | null)[]): string | null {
    return this.functions[operation](...args) as string | null;
  }

  int(operation: OperationName, args: readonly (string | null)[]): number {
    return this.functions[operation](...args) as number;
  }

  lastError(): string | null {
    return this.lastErrorFunction();
  }
}
