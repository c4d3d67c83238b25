/**
 * The koffi transport: the legacy C library (docs/legacy-abi.md) through koffi 3, every argument a
 * NUL-terminated C string, every returned `char *` freed exactly once with `free_rust_string`
 * (legacy-library.ts). koffi is loaded only when this transport is built.
 */
import type { OperationName } from '../contract.js';
import { openLegacyLibrary } from './legacy-library.js';
import { loadFailed } from './locate.js';
import { FunctionTableTransport, functionsOf, isIntKind, WIRE, type FunctionTable, type NativeFunction } from './transport.js';

/** The C prototype of `operation` (docs/legacy-abi.md). */
function prototype(operation: OperationName): string {
  const { symbol, kind, params } = WIRE[operation];
  const returns = isIntKind(kind) ? 'int' : 'RustString';
  const list = params.length === 0 ? 'void' : params.map((p) => `const char *${p.replace('?', '')}`).join(', ');
  return `${returns} ${symbol}(${list})`;
}

export class KoffiTransport extends FunctionTableTransport {
  constructor(libraryPath: string) {
    super('koffi', libraryPath, loadTable(libraryPath));
  }
}

function loadTable(libraryPath: string): FunctionTable {
  try {
    const library = openLegacyLibrary(libraryPath);
    return {
      functions: functionsOf((operation) => library.func<NativeFunction>(prototype(operation))),
      lastError: library.func<() => string | null>('RustString legacy_last_error(void)'),
    };
  } catch (error) {
    throw loadFailed('koffi', libraryPath, error);
  }
}
