/**
 * Opens the legacy C library with koffi: the one place that calls `koffi.load`.
 *
 * koffi is required here, lazily, so only a process that selects the koffi backend (or opens the
 * library for a raw-ABI test) ever loads it: a napi-only consumer never maps koffi's binary.
 *
 * Every `char *` the library returns is freed here, exactly once, with the library's own
 * `free_rust_string` (and NULL comes back as `null`). In prototypes, write that return type as
 * `RustString`: `func` declares it `void *` (koffi hands back the address) and wraps the function so
 * that the call, `koffi.decode.string` and `free_rust_string` run back to back in one frame: three
 * native calls and no JavaScript function between them.
 *
 * Why not a koffi disposable type (what this did before): koffi frees a disposable value by calling
 * its dispose function, and a dispose function that is JavaScript (the only way to reach
 * `free_rust_string`: koffi's one native dispose is libc `free()`) runs through
 * `napi_call_function`, which Node refuses once a worker_thread is being terminated. A thread
 * terminated while inside a call then leaked that call's string (about one per termination,
 * measured by the soak's terminations phase; docs/reliability.md). V8 acts on a termination only
 * at its interrupt checks (JS function entries, loop budget checks), never between two native
 * calls of one frame, so the free below runs even then.
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

export interface LegacyLibrary {
  readonly path: string;
  /** Declares one function from its C prototype (`RustString` return = a `char *` freed on return). */
  func<F extends (...args: never[]) => unknown>(prototype: string): F;
  /** How many returned strings this handle has freed so far. */
  freed(): number;
}

const RETURNS_RUST_STRING = /^\s*RustString\b/;

/** Loads the library at `file` (throws koffi's own error if it cannot). */
export function openLegacyLibrary(file: string): LegacyLibrary {
  const koffi = requireKoffi();
  const lib = koffi.load(file);
  const freeRustString = lib.func('void free_rust_string(void *s)') as (pointer: unknown) => void;
  const decodeString = koffi.decode.string as (pointer: unknown) => string;
  let freed = 0;
  const func = <F>(prototype: string): F => {
    const returnsString = RETURNS_RUST_STRING.test(prototype);
    const rest = prototype.replace(RETURNS_RUST_STRING, 'void *');
    if (/\bRustString\b/.test(rest)) throw new TypeError(`RustString is a return type only: ${prototype}`);
    if (!returnsString) return lib.func(prototype) as F;
    const raw = lib.func(rest) as (...args: unknown[]) => unknown;
    // Keep this straight-line: a JS function call between `raw` and `freeRustString` would be an
    // interrupt check at which a terminated thread stops, leaking the string.
    const call = (...args: unknown[]): string | null => {
      const pointer = raw(...args);
      if (pointer === null) return null;
      try {
        return decodeString(pointer);
      } finally {
        freeRustString(pointer);
        freed += 1;
      }
    };
    return call as F;
  };
  return { path: file, func, freed: () => freed };
}
