/**
 * The legacy library's live-string counter (`legacy_live_strings`: C strings handed out and not
 * freed yet), read through a second handle on the same library: dlopen gives the same image, so the
 * counter is the one the koffi backend's calls move. The leak checks of the corpus, the panic
 * child, the threads scenario and the soak read it.
 */
import { openLegacyLibrary } from '../../../src/backends/legacy-library.js';
import type { TaskerFfi } from '../../../src/contract.js';
import { KoffiBackend } from '../../../src/backends/koffi.js';

const counters = new Map<string, () => number | bigint>();

/** Live C strings of the legacy library at `libraryPath`. */
export function liveStringsOf(libraryPath: string): number {
  let counter = counters.get(libraryPath);
  if (counter === undefined) {
    counter = openLegacyLibrary(libraryPath).func<() => number | bigint>('uint64_t legacy_live_strings(void)');
    counters.set(libraryPath, counter);
  }
  return Number(counter());
}

/** Live C strings behind `ffi` when it is the koffi backend; `null` for napi (no C strings). */
export function liveStrings(ffi: TaskerFfi): number | null {
  return ffi instanceof KoffiBackend ? liveStringsOf(ffi.libraryPath) : null;
}
