/**
 * THE arbitraries module of the harness: the parity suite, the model-based tests and the
 * benchmarks (`bench/`) all draw their inputs from here, so "a realistic 10 KB context" or "a
 * hostile string" means the same thing everywhere.
 *
 * - strings:  any Unicode, lone surrogates, embedded NUL, long strings, tricky object keys
 * - values:   free-form JSON and the JS values at its edges, one tagged generator per
 *             conversion-policy row (`VALUE_EDGES`)
 * - payloads: realistic nested contexts of a given size (`contextOfSize(bytes, seed)`,
 *             `PAYLOAD_SIZES`: 100B, 1KB, 10KB, 100KB, 1MB)
 * - inputs:   the arguments of the 28 operations, valid and invalid, and the scenarios (engine
 *             states) they are called in
 * - hostile:  plans of one hostile value (getter, Proxy, `__proto__`, hole, huge string, …) at
 *             any path of a valid call, and templates with step names JS treats specially
 *
 * Nothing here imports vitest: benchmarks use it from plain Node.
 */
export * from './strings.js';
export * from './values.js';
export * from './payloads.js';
export * from './inputs.js';
export * from './hostile.js';
