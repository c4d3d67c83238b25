/**
 * What the parity suite's tests hand to the runner: each test attaches one `ParityMeta` to its
 * vitest task meta (serialisable JSON), and the runner's reporter turns them into the reports.
 */
import type { OperationName } from '../../src/contract.js';

/** The parity run's environment: how the runner tells the tests what to do. */
export const PARITY_ENV = {
  /** Set to `1` by the runner (`npm run parity`): full default depth. Unset: `npm test`'s quick depth. */
  run: 'TASKER_PARITY_RUN',
  /** fast-check seed shared by every property. */
  seed: 'TASKER_PARITY_SEED',
  /** `<property key>:<fast-check path>`: replay one counterexample. */
  path: 'TASKER_PARITY_PATH',
  /** Comma-separated property keys (or key prefixes ending in `*`): run only these. */
  only: 'TASKER_PARITY_ONLY',
  /** A planted divergence (`src/parity/plants.ts`). */
  plant: 'TASKER_PARITY_PLANT',
  /** Base runs per property (also read from `FC_NUM_RUNS`). */
  runs: 'FC_NUM_RUNS',
  /** `minimal`: run the suite without the contract's conversion rules, to see the raw divergences. */
  policy: 'TASKER_PARITY_POLICY',
} as const;

export type SuiteName = 'operation' | 'policy' | 'hunt' | 'payload' | 'model' | 'planted' | 'surface';

/** A failed property: its shrunk counterexample and how to replay it. */
export interface FailureRecord {
  /** `divergence`: the bridges disagreed; `contract`: both broke a contract rule; `error`: the test itself failed. */
  kind: 'divergence' | 'contract' | 'error';
  seed: number;
  /** fast-check's counterexample path. */
  path: string;
  /** The command line that replays exactly this case. */
  replay: string;
  /** The shrunk input, as fast-check prints it (truncated). */
  counterexample: string;
  shrinks: number;
  /** The call that diverged, where the results differ, and what each bridge did. */
  call?: string;
  at?: string;
  napi?: string;
  koffi?: string;
  message: string;
}

export interface PropertyRecord {
  key: string;
  suite: SuiteName;
  /** The operation under test (operation properties). */
  operation?: OperationName;
  /** Which napi variant ran against koffi: `napi` (default transfer) or `napi/<transfer>`. */
  variant: string;
  title: string;
  /** Runs fast-check executed (up to the failure, if any). */
  runs: number;
  requestedRuns: number;
  seed: number;
  passed: boolean;
  failure?: FailureRecord;
}

/** One row of the conversion-policy table as observed in this run. */
export interface PolicyRowRecord {
  id: string;
  /** What each bridge does with the row's example without the contract's policy (raw calls). */
  napiRaw: string;
  koffiRaw: string;
  rawAgree: boolean;
  /** What the contract (both adapters, policy installed) does. */
  napi: string;
  koffi: string;
  /** Both backends did what the row's rule says, identically. */
  ok: boolean;
}

/** A divergence the hunt found under the minimal policy (the contract's rules switched off). */
export interface HuntFinding {
  /** The conversion-policy row the shrunk counterexample belongs to. */
  row: string;
  call: string;
  counterexample: string;
  /** Where the two outcomes differ (`result.context.x: 1 vs null`, `error.code: …`). */
  at: string;
  napi: string;
  koffi: string;
  seed: number;
  path: string;
  shrinks: number;
}

export interface HuntRecord {
  /** The napi variant hunted against koffi. */
  variant: string;
  findings: HuntFinding[];
  /** Runs of the last (clean) round: how hard the hunt looked after the last finding. */
  cleanRuns: number;
  rounds: number;
}

export interface ParityMeta {
  property?: PropertyRecord;
  /** How far the model-based sequences got: counts of sequences (and commands) by what they reached. */
  coverage?: Record<string, number>;
  policyRows?: PolicyRowRecord[];
  hunts?: HuntRecord[];
}

/** Where a test's `ParityMeta` lives in vitest's task meta. */
export const META_KEY = 'parity';
