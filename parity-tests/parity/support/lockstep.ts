/**
 * Both bridges in one process, driven in lockstep: the napi addon and the legacy library are
 * different native libraries, so each has its own engine. Every call goes to both through the
 * contract (the adapters and the conversion policy), and their outcomes must be exactly equal:
 * the same value, or the same `TaskerError` (code, message, recoverable).
 */
import { KoffiTransport } from '../../../src/backends/koffi-transport.js';
import { resolveLegacyLibrary, resolveNapiModule } from '../../../src/backends/locate.js';
import { NapiTransport } from '../../../src/backends/napi-transport.js';
import type { Transport } from '../../../src/backends/transport.js';
import { WireBackend } from '../../../src/backends/wire-backend.js';
import type { BootstrapConfig, TaskerFfi, TaskListResponse } from '../../../src/contract.js';
import { isTaskerErrorCode, TaskerError } from '../../../src/errors.js';
import { contractJsonPolicy, type JsonPolicy } from '../../../src/json-policy.js';
import { minimalJsonPolicy } from '../../runner/minimal-policy.js';
import { isPlantName, plant, PLANT_NAMES, plantTransport, type PlantName } from '../../runner/plants.js';
import { PARITY_ENV } from '../../runner/results.js';
import { exactDiff, firstDifference, show } from './compare.js';

export interface Pair {
  readonly napi: TaskerFfi;
  readonly koffi: TaskerFfi;
  /** What crossed each bridge (set on the suite's own pairs): compared byte for byte by `both`. */
  readonly wire?: { readonly napi: WireLog; readonly koffi: WireLog };
}

/** One crossing of a bridge: the operation, its text arguments and the text (or int) it answered. */
export interface Crossing {
  readonly operation: string;
  readonly args: readonly (string | null)[];
  readonly answer: string | number | null;
}

/** Records every crossing of a transport since the last `clear`. */
export class WireLog {
  crossings: Crossing[] = [];
  clear(): void {
    this.crossings = [];
  }
}

/** `transport`, recording into `log` (the last error too: it is part of what the bridge said). */
export function recording(transport: Transport, log: WireLog): Transport {
  return {
    backend: transport.backend,
    libraryPath: transport.libraryPath,
    text(operation, args) {
      const answer = transport.text(operation, args);
      log.crossings.push({ operation, args: [...args], answer });
      return answer;
    },
    int(operation, args) {
      const answer = transport.int(operation, args);
      log.crossings.push({ operation, args: [...args], answer });
      return answer;
    },
    lastError() {
      const answer = transport.lastError();
      log.crossings.push({ operation: 'lastError', args: [], answer });
      return answer;
    },
  };
}

/** The first crossing where the two bridges were sent or answered different bytes, or null. */
export function wireDiff(napi: readonly Crossing[], koffi: readonly Crossing[]): string | null {
  const count = Math.max(napi.length, koffi.length);
  for (let i = 0; i < count; i += 1) {
    const a = napi[i];
    const b = koffi[i];
    if (a === undefined || b === undefined) return `wire crossing #${i + 1}: ${a === undefined ? 'napi made fewer calls' : 'koffi made fewer calls'}`;
    if (a.operation !== b.operation) return `wire crossing #${i + 1}: ${a.operation} vs ${b.operation}`;
    for (let j = 0; j < Math.max(a.args.length, b.args.length); j += 1) {
      if (a.args[j] !== b.args[j]) return `wire ${a.operation} argument ${j + 1}: ${show(a.args[j], 160)} vs ${show(b.args[j], 160)}`;
    }
    if (a.answer !== b.answer) return `wire ${a.operation} answer: ${textDiff(a.answer, b.answer)}`;
  }
  return null;
}

/** Where two answers first differ, with a little context. */
function textDiff(a: string | number | null, b: string | number | null): string {
  if (typeof a !== 'string' || typeof b !== 'string') return `${show(a, 160)} vs ${show(b, 160)}`;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at += 1;
  const from = Math.max(0, at - 40);
  return `byte ${at}: …${show(a.slice(from, at + 60))} vs …${show(b.slice(from, at + 60))}`;
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
  const e = error as { name?: unknown; code?: unknown; message?: unknown; recoverable?: unknown } | null;
  return {
    taskerError: false,
    name: typeof e?.name === 'string' ? e.name : typeof error,
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(error),
    recoverable: typeof e?.recoverable === 'boolean' ? e.recoverable : undefined,
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
  pair.wire?.napi.clear();
  pair.wire?.koffi.clear();
  const napi = run(pair.napi);
  const koffi = run(pair.koffi);
  const diff = outcomeDiff(napi, koffi);
  if (diff !== null) throw new Divergence(label, diff, napi, koffi);
  // Seeded engines fed the same calls answer the same bytes (unless the result is random by design).
  const bytes = pair.wire === undefined || normalise !== undefined ? null : wireDiff(pair.wire.napi.crossings, pair.wire.koffi.crossings);
  if (bytes !== null) throw new Divergence(label, bytes, napi, koffi);
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
 * The napi bridge run against koffi. Both contract backends are `WireBackend` over a transport
 * (src/backends), so there is one napi variant (the JSON text twins); the addon's object exports,
 * tasker's own surface, are checked against those twins by surfaces.test.ts. `name`/`suffix`
 * stay so that property keys and reports keep their shape.
 */
export interface Variant {
  readonly name: string;
  /** Appended to property keys (empty: the one variant). */
  readonly suffix: string;
  readonly pair: Pair;
}

let variantsLoaded: Variant[] | undefined;

/** The JSON policy of this run: the contract's, or `minimal` (TASKER_PARITY_POLICY) to see raw divergences. */
export function runPolicy(): JsonPolicy {
  const policy = process.env[PARITY_ENV.policy];
  if (policy === undefined || policy === '' || policy === 'contract') return contractJsonPolicy;
  if (policy === 'minimal') return minimalJsonPolicy;
  throw new Error(`${PARITY_ENV.policy}: unknown policy "${policy}"; known: contract (default), minimal`);
}

/**
 * Both backends under `policy` (the same libraries as `loadBackend`'s, so the same engines: a
 * library is loaded once per process whatever the number of transports over it).
 */
export function pairWithPolicy(policy: JsonPolicy, planted?: PlantName): Pair {
  const wire = { napi: new WireLog(), koffi: new WireLog() };
  let napiTransport: Transport = new NapiTransport(resolveNapiModule());
  // A wire plant sits under the recording: what it changes is what the wire check sees.
  if (planted !== undefined) napiTransport = plantTransport(napiTransport, planted);
  const napi = new WireBackend(recording(napiTransport, wire.napi), { policy });
  return {
    napi: planted === undefined ? napi : plant(napi, planted),
    koffi: new WireBackend(recording(new KoffiTransport(resolveLegacyLibrary()), wire.koffi), { policy }),
    wire,
  };
}

function plantFromEnv(): PlantName | undefined {
  const planted = process.env[PARITY_ENV.plant];
  if (planted === undefined || planted === '') return undefined;
  if (!isPlantName(planted)) throw new Error(`${PARITY_ENV.plant}: unknown plant "${planted}"; known: ${PLANT_NAMES.join(', ')}`);
  return planted;
}

/** napi paired with koffi under this run's policy, with the planted divergence of `TASKER_PARITY_PLANT` (if any) on napi. */
export function loadVariants(): Variant[] {
  if (variantsLoaded !== undefined) return variantsLoaded;
  variantsLoaded = [{ name: 'napi', suffix: '', pair: pairWithPolicy(runPolicy(), plantFromEnv()) }];
  return variantsLoaded;
}

/** The suite's pair: `WireBackend` over each bridge's transport, exactly what `loadBackend` builds, plus the wire log. */
export function loadPair(): Pair {
  const [first] = loadVariants();
  if (first === undefined) throw new Error('no napi variant selected');
  return first.pair;
}

/** `pair` with the planted divergence `name` on its napi side (for the test that proves the suite catches it). */
export function plantedPair(name: PlantName): Pair {
  return pairWithPolicy(contractJsonPolicy, name);
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
  const list = both(pair, 'clientListTasks({limit: 100})', (ffi) => ffi.clientListTasks({ limit: 100 }));
  if (options.audit === true && list.ok) {
    const tasks = (list.value as TaskListResponse).tasks;
    for (const task of tasks) {
      // Every step (batch workers and decision branches included) and its audit trail.
      both(pair, `clientListTaskSteps(${task.task_uuid})`, (ffi) => ffi.clientListTaskSteps(task.task_uuid));
      for (const step of task.steps) {
        both(pair, `clientGetStepAuditHistory(${task.task_uuid}, ${step.workflow_step_uuid})`, (ffi) =>
          ffi.clientGetStepAuditHistory(task.task_uuid, step.workflow_step_uuid),
        );
      }
    }
  }
  for (let i = 0; i < 64; i += 1) {
    const event = both(pair, 'pollInProcessEvents()', (ffi) => ffi.pollInProcessEvents());
    if (!event.ok || event.value === null) break;
  }
}
