/**
 * Opens the legacy C library with koffi: the one place that calls `koffi.load`.
 *
 * koffi is required here, lazily, so only a process that selects the koffi backend (or opens the
 * library for a raw-ABI test) ever loads it: a napi-only consumer never maps koffi's binary.
 *
 * Every `char *` the library returns is declared with a koffi *disposable* type whose dispose
 * function is the library's own `free_rust_string`, so koffi frees the pointer right after
 * decoding it into a JS string, exactly once (and NULL comes back as `null`). In prototypes,
 * write that type as `RustString`.
 */
import { createRequire } from 'node:module';

import type * as Koffi from 'koffi';

type KoffiModule = typeof Koffi;

let koffiModule: KoffiModule | undefined;

/** koffi itself, required on first use. */
export function requireKoffi(): KoffiModule {
  koffiModule ??= createRequire(import.meta.url)('koffi') as KoffiModule;
  return koffiModule;
}

/** koffi type names are process-global: each opened library gets its own `RustString` type. */
let opened = 0;

export interface LegacyLibrary {
  readonly path: string;
  /** Declares one function from its C prototype (`RustString` = a `char *` freed on return). */
  func<F extends (...args: never[]) => unknown>(prototype: string): F;
  /** How many returned strings this handle has freed so far. */
  freed(): number;
}

/** Loads the library at `file` (throws koffi's own error if it cannot). */
export function openLegacyLibrary(file: string): LegacyLibrary {
  const koffi = requireKoffi();
  const lib = koffi.load(file);
  const freeRustString = lib.func('void free_rust_string(void *s)');
  const rustString = `RustString_${++opened}`;
  let freed = 0;
  koffi.disposable(rustString, 'char *', (pointer: unknown) => {
    freed += 1;
    freeRustString(pointer);
  });
  return {
    path: file,
    func: <F>(prototype: string) => lib.func(prototype.replace(/\bRustString\b/g, rustString)) as F,
    freed: () => freed,
  };
}
