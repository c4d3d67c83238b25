/**
 * How every parity property is declared: a vitest test running `fc.assert` (parity-tests/prop-test.ts:
 * the test's name never carries the seed, so JUnit names are stable) with the run's seed,
 * depth and replay path (support/settings.ts), a failure message that prints the seed, the path
 * and the command that replays exactly that case, and a record of the run in the test's meta for
 * the reports.
 */
import type { fc } from '@fast-check/vitest';

import type { OperationName } from '../../../src/contract.js';
import { propTest } from '../../prop-test.js';
import type { PropertyRecord, SuiteName } from '../../runner/results.js';
import { failureMessage, failureRecord, recordMeta, runs, selected, settings, variantOfKey } from './settings.js';

export * from './settings.js';

export interface PropertySpec {
  /** Stable id: `op.<operation>…`, `policy.…`, `payload.…`, `model.…`. Used by `--path` and `--only`. */
  readonly key: string;
  readonly title: string;
  readonly suite: SuiteName;
  readonly operation?: OperationName;
  /** Runs of this property; default: the base runs. */
  readonly numRuns?: number;
  readonly timeoutMs?: number;
  /** Inputs always tried first (each counts as a run). */
  readonly examples?: readonly Record<string, unknown>[];
}

/**
 * Declares a parity property: `propTest(title, arbitraries, params, body)` with this run's seed,
 * depth and replay path; records runs and any failure in the test meta.
 */
export function parityProperty<T extends Record<string, unknown>>(
  spec: PropertySpec,
  arbitraries: { [K in keyof T]: fc.Arbitrary<T[K]> },
  body: (input: T) => void,
): void {
  const numRuns = spec.numRuns ?? runs();
  const replaying = settings.replay?.key === spec.key;
  const params: fc.Parameters<[T]> = {
    seed: settings.seed,
    numRuns,
    // One record arbitrary: each example is a one-element tuple.
    ...(spec.examples === undefined || replaying ? {} : { examples: spec.examples.map((example) => [example as T] as [T]) }),
    ...(replaying ? { path: settings.replay?.path, endOnFailure: true } : {}),
    reporter(details) {
      const asUnknown = details as unknown as fc.RunDetails<unknown>;
      const record: PropertyRecord = {
        key: spec.key,
        suite: spec.suite,
        ...(spec.operation === undefined ? {} : { operation: spec.operation }),
        variant: variantOfKey(spec.key),
        title: spec.title,
        runs: details.numRuns,
        requestedRuns: numRuns,
        seed: details.seed,
        passed: !details.failed,
      };
      if (details.failed) record.failure = failureRecord(spec.key, asUnknown);
      recordMeta({ property: record });
      if (record.failure !== undefined) throw new Error(failureMessage(spec.key, asUnknown, record.failure));
    },
  };
  propTest(`${spec.title} [${spec.key}]`, arbitraries, params, body, { timeout: spec.timeoutMs ?? 600_000, skip: !selected(spec.key) });
}
