/**
 * Both bridges in one process, driven in lockstep: the napi addon and the legacy library are
 * different native libraries, so each has its own engine. Every call goes to both through the
 * contract (the adapters and the conversion policy), and their outcomes must be exactly equal:
 * the same value, or the same `TaskerError` (code, message, recoverable).
 */
import { isTaskerErrorCode, TaskerError } from '../../../src/errors.js';
import { NapiBackend, type NapiBackendOptions } from '../../../src/backends/napi.js';
import { loadBackend } from '../../../src/select.js';
import type { BootstrapConfig, TaskerFfi } from '../../../src/contract.js';
import { contractJsonPolicy, minimalJsonPolicy, setJsonPolicy } from '../../../src/json-policy.js';
import { isPlantName, plant, PLANT_NAMES } from '../../runner/plants.js';
import { PARITY_ENV } from '../../runner/results.js';
import { exactDiff, firstDifference, show } from './compare.js';

export interface Pair {
  readonly napi: TaskerFfi;
  readonly koffi: TaskerFfi;
}

/** What a call did: returned a value, or threw. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ThrownInfo };

export interface ThrownInfo {
  readonly taskerError: boolean;
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
  readonly recoverable: boolean | undefined;
}

export function attempt(call: () => unknown): Outcome {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    return { ok: false, error: thrownInfo(error) };
  }
}

function thrownInfo(error: unknown): ThrownInfo {
  if (error instanceof TaskerError) {
    return { taskerError: true, name: error.name, code: error.code, message: error.message, recoverable: error.recoverable };
  }
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  return {
    taskerError: false,
    name: typeof e?.name === 'string' ? e.name : typeof error,
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(error),
    recoverable: undefined,
  };
}

/** One line per outcome, for failure messages and reports. */
export function describeOutcome(outcome: Outcome, limit = 300): string {
  if (outcome.ok) return `returned ${show(outcome.value, limit)}`;
  const { error } = outcome;
  const message = show(error.message, limit);
  if (!error.taskerError) return `threw ${error.name}${error.code === undefined ? '' : ` (${error.code})`} ${message}`;
  return `threw TaskerError ${error.code} ${message}${error.recoverable === true ? ' (recoverable)' : ''}`;
}

/** The bridges disagreed. fast-check shrinks the input that caused it and reports this error. */
export class Divergence extends Error {
  override readonly name = 'Divergence';
  constructor(
    readonly call: string,
    readonly at: string,
    readonly napi: Outcome,
    readonly koffi: Outcome,
  ) {
    super(`napi and koffi disagree on ${call} at ${at}`);
    const { napi: n, koffi: k } = this.focused();
    this.message += `\n  napi:  ${n}\n  koffi: ${k}`;
  }

  /** What each bridge did, focused on the first difference when both returned a value. */
  focused(limit = 300): { napi: string; koffi: string } {
    if (this.napi.ok && this.koffi.ok) {
      const difference = firstDifference(this.napi.value, this.koffi.value, 'result');
      if (difference !== null) {
        return {
          napi: `returned ${difference.path} = ${difference.left.slice(0, limit)}`,
          koffi: `returned ${difference.path} = ${difference.right.slice(0, limit)}`,
        };
      }
    }
    return { napi: describeOutcome(this.napi, limit), koffi: describeOutcome(this.koffi, limit) };
  }
}

/** Both bridges agreed, but on something the contract forbids (a non-TaskerError thrown, an unknown code). */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    readonly call: string,
    readonly outcome: Outcome,
  ) {
    super(`${call} broke the contract on both bridges: ${describeOutcome(outcome)}`);
  }
}

/** Where two outcomes differ, or null. */
export function outcomeDiff(napi: Outcome, koffi: Outcome): string | null {
  if (napi.ok !== koffi.ok) return napi.ok ? 'napi returned, koffi threw' : 'napi threw, koffi returned';
  if (napi.ok && koffi.ok) return exactDiff(napi.value, koffi.value, 'result');
  const a = (napi as { error: ThrownInfo }).error;
  const b = (koffi as { error: ThrownInfo }).error;
  return exactDiff(a, b, 'error');
}

/**
 * Calls `call` on both bridges and returns the (equal) outcome; throws `Divergence` if they
 * differ, `ContractViolation` if both threw something other than a `TaskerError` with a known code.
 * `normalise` maps each result before the comparison (for values that are random by design).
 */
export function both(pair: Pair, label: string, call: (ffi: TaskerFfi) => unknown, normalise?: (value: unknown) => unknown): Outcome {
  const run = (ffi: TaskerFfi): Outcome => {
    const outcome = attempt(() => call(ffi));
    return outcome.ok && normalise !== undefined ? { ok: true, value: normalise(outcome.value) } : outcome;
  };
  const napi = run(pair.napi);
  const koffi = run(pair.koffi);
  const diff = outcomeDiff(napi, koffi);
  if (diff !== null) throw new Divergence(label, diff, napi, koffi);
  if (!napi.ok && (!napi.error.taskerError || !isTaskerErrorCode(napi.error.code))) throw new ContractViolation(label, napi);
  return napi;
}

/** `both`, for calls expected to succeed in a setup step: returns the value, or throws the error. */
export function bothValue<T>(pair: Pair, label: string, call: (ffi: TaskerFfi) => T): T {
  const outcome = both(pair, label, call);
  if (!outcome.ok) throw new Error(`setup call ${label} failed on both bridges: ${describeOutcome(outcome)}`);
  return outcome.value as T;
}

// ---------------------------------------------------------------------------------------------
// The pairs of this process
// ---------------------------------------------------------------------------------------------

/**
 * One way of running the napi bridge against koffi. `NapiBackend` may move free-form JSON in two
 * ways (its `transfer` option: JSON text in N-API strings, or napi-rs' object conversion); both
 * are the contract, so the suite runs each against koffi. The napi backends of all variants share
 * the addon's one engine, which is fine: every property run starts by stopping and bootstrapping.
 */
export interface Variant {
  /** `napi` (the default transfer) or `napi/<transfer>`. */
  readonly name: string;
  /** Appended to property keys: `''` for the default variant, `/<transfer>` otherwise. */
  readonly suffix: string;
  readonly transfer: string | undefined;
  readonly pair: Pair;
}

let variantsLoaded: Variant[] | undefined;

/** The transfers `NapiBackend` supports (none: it has no `transfer` option), default first. */
function napiTransfers(): { default: string | undefined; all: string[] } {
  const transferOf = (backend: unknown): unknown => (backend as { transfer?: unknown }).transfer;
  const fallback = transferOf(new NapiBackend());
  if (typeof fallback !== 'string') return { default: undefined, all: [] };
  const all = [fallback];
  for (const other of ['json', 'objects']) {
    if (other !== fallback && transferOf(new NapiBackend({ transfer: other } as NapiBackendOptions)) === other) all.push(other);
  }
  return { default: fallback, all };
}

function installPolicy(): void {
  const policy = process.env[PARITY_ENV.policy];
  if (policy === 'minimal') setJsonPolicy(minimalJsonPolicy);
  else if (policy !== undefined && policy !== '' && policy !== 'contract') {
    throw new Error(`${PARITY_ENV.policy}: unknown policy "${policy}"; known: contract (default), minimal`);
  } else setJsonPolicy(contractJsonPolicy);
}

function plantFromEnv(napi: TaskerFfi): TaskerFfi {
  const planted = process.env[PARITY_ENV.plant];
  if (planted === undefined || planted === '') return napi;
  if (!isPlantName(planted)) throw new Error(`${PARITY_ENV.plant}: unknown plant "${planted}"; known: ${PLANT_NAMES.join(', ')}`);
  return plant(napi, planted);
}

/**
 * Every napi variant paired with koffi (the default transfer first), with the planted divergence of
 * `TASKER_PARITY_PLANT` (if any) on the napi side. `TASKER_PARITY_TRANSFERS=json,objects` picks some.
 */
export function loadVariants(): Variant[] {
  if (variantsLoaded !== undefined) return variantsLoaded;
  installPolicy();
  const koffi = loadBackend({ backend: 'koffi' });
  const transfers = napiTransfers();
  const wanted = process.env[PARITY_ENV.transfers]?.split(',').map((t) => t.trim()).filter(Boolean);
  if (transfers.all.length === 0) {
    variantsLoaded = [{ name: 'napi', suffix: '', transfer: undefined, pair: { napi: plantFromEnv(loadBackend({ backend: 'napi' })), koffi } }];
    return variantsLoaded;
  }
  const unknown = wanted?.filter((t) => !transfers.all.includes(t)) ?? [];
  if (unknown.length > 0) throw new Error(`${PARITY_ENV.transfers}: unknown transfer ${unknown.join(', ')}; known: ${transfers.all.join(', ')}`);
  variantsLoaded = transfers.all
    .filter((transfer) => wanted === undefined || wanted.includes(transfer))
    .map((transfer) => ({
      name: transfer === transfers.default ? 'napi' : `napi/${transfer}`,
      suffix: transfer === transfers.default ? '' : `/${transfer}`,
      transfer,
      pair: { napi: plantFromEnv(new NapiBackend({ transfer } as NapiBackendOptions)), koffi },
    }));
  return variantsLoaded;
}

/** The default variant's pair (napi as `loadBackend` gives it, and koffi). */
export function loadPair(): Pair {
  const [first] = loadVariants();
  if (first === undefined) throw new Error('no napi variant selected');
  return first.pair;
}

/** `pair` with the planted divergence `name` on its napi side (for the test that proves the suite catches it). */
export function plantedPair(name: Parameters<typeof plant>[1], base: Pair = loadPair()): Pair {
  return { napi: plant(base.napi, name), koffi: base.koffi };
}

/** Stops both workers (their engine state is discarded) and, unless `config` is null, bootstraps both. */
export function reset(pair: Pair, config: BootstrapConfig | null): void {
  pair.napi.stopWorker();
  pair.koffi.stopWorker();
  if (config !== null) bothValue(pair, `bootstrapWorker(${show(config)})`, (ffi) => ffi.bootstrapWorker(config));
}

// ---------------------------------------------------------------------------------------------
// Observable state
// ---------------------------------------------------------------------------------------------

export interface ProbeOptions {
  /** Also read every step's audit history (where step results and checkpoints are echoed). */
  audit?: boolean;
}

/**
 * Compares everything the contract lets a caller observe without changing the engine: worker
 * status, every task (with its steps and contexts), dispatch metrics; then drains the domain
 * events on both (the same events must come out). Throws `Divergence` on the first difference.
 */
export function probeState(pair: Pair, options: ProbeOptions = {}): void {
  both(pair, 'isWorkerRunning()', (ffi) => ffi.isWorkerRunning());
  both(pair, 'getWorkerStatus()', (ffi) => ffi.getWorkerStatus());
  if (!pair.koffi.isWorkerRunning()) return;
  both(pair, 'clientHealthCheck()', (ffi) => ffi.clientHealthCheck());
  both(pair, 'getFfiDispatchMetrics()', (ffi) => ffi.getFfiDispatchMetrics());
  const list = both(pair, 'clientListTasks({perPage: 100})', (ffi) => ffi.clientListTasks({ perPage: 100 }));
  if (options.audit === true && list.ok) {
    const tasks = (list.value as { tasks: { task_uuid: string; steps: { step_uuid: string }[] }[] }).tasks;
    for (const task of tasks) {
      for (const step of task.steps) {
        both(pair, `clientGetStepAuditHistory(${task.task_uuid}, ${step.step_uuid})`, (ffi) =>
          ffi.clientGetStepAuditHistory(task.task_uuid, step.step_uuid),
        );
      }
    }
  }
  for (let i = 0; i < 64; i += 1) {
    const event = both(pair, 'pollInProcessEvents()', (ffi) => ffi.pollInProcessEvents());
    if (!event.ok || event.value === null) break;
  }
}
