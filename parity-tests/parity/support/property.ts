/**
 * How every parity property is declared: `@fast-check/vitest`'s `test.prop` with the run's seed,
 * depth and replay path (support/settings.ts), a failure message that prints the seed, the path
 * and the command that replays exactly that case, and a record of the run in the test's meta for
 * the reports.
 */
import { fc, test } from '@fast-check/vitest';

import type { OperationName } from '../../../src/contract.js';
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
 * Declares a parity property: `test.prop(arbitraries, params)(title, body)` with this run's seed,
 * depth and replay path; records runs and any failure in the test meta.
 */
export function parityProperty<T extends Record<string, unknown>>(
  spec: PropertySpec,
  arbitraries: { [K in keyof T]: fc.Arbitrary<T[K]> },
  body: (input: T) => void,
): void {
  const numRuns = spec.numRuns ?? runs();
  const replaying = settings.replay?.key === spec.key;
  const params: fc.Parameters<unknown> = {
    seed: settings.seed,
    numRuns,
    // The record form of `test.prop` wraps each example in its tuple itself: pass the records as they are.
    ...(spec.examples === undefined || replaying ? {} : { examples: spec.examples as unknown as [unknown][] }),
    ...(replaying ? { path: settings.replay?.path, endOnFailure: true } : {}),
    reporter(details) {
      const asUnknown = details;
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
  // `test.prop`'s record overload, without its conditional types (T is generic here).
  type RecordProp = (
    arbitraries: Record<string, fc.Arbitrary<unknown>>,
    params: fc.Parameters<unknown>,
  ) => (title: string, body: (input: Record<string, unknown>) => void, timeout?: number) => void;
  const prop = (selected(spec.key) ? test.prop : test.skip.prop) as unknown as RecordProp;
  prop(arbitraries as Record<string, fc.Arbitrary<unknown>>, params)(
    `${spec.title} [${spec.key}]`,
    body as (input: Record<string, unknown>) => void,
    spec.timeoutMs ?? 600_000,
  );
}
