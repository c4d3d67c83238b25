/**
 * A fast-check property as a vitest test whose name does not change between runs.
 *
 * `@fast-check/vitest`'s `test.prop` appends `(with seed=N)` to the test name, so every run with a
 * new seed renames the test in JUnit (history and flaky-test tracking break). Here the name is the
 * title alone; the seed is in the failure message, as fast-check prints it, and where the suite
 * records it (the parity report).
 */
import { fc } from '@fast-check/vitest';
import { test } from 'vitest';

export function propTest<T extends Record<string, unknown>>(
  title: string,
  arbitraries: { [K in keyof T]: fc.Arbitrary<T[K]> },
  params: fc.Parameters<[T]>,
  body: (input: T) => void,
  options: { timeout?: number; skip?: boolean } = {},
): void {
  const declare = options.skip === true ? test.skip : test;
  declare(title, () => fc.assert(fc.property(fc.record(arbitraries) as fc.Arbitrary<T>, (input) => body(input)), params), options.timeout);
}
