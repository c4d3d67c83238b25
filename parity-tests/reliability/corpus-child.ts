/**
 * Runs the hostile-input corpus on ONE backend, in a child process (`runInChild`): a crash is a
 * reported result (the parent sees the signal and the last entry started), not a dead suite.
 *
 * For each entry: `prepare`, snapshot the engine state, run the entry, snapshot again. The
 * snapshot is everything a client can read (all tasks with their steps, an audit history, the
 * dispatch metrics, the worker status); reading it changes nothing (the seeded clock only advances
 * on state changes), so equal snapshots mean the entry changed nothing.
 *
 * On koffi it also (1) wraps every symbol function of the adapter to record the JS type of every
 * argument it hands koffi (all parameters of the legacy ABI are `const char *`: anything but a
 * string or null would be read as an address), and (2) runs `RAW_ABI_CORPUS` through direct
 * koffi declarations. On napi it runs a few raw calls into the addon (below the contract).
 */
import { createRequire } from 'node:module';

import { openLegacyLibrary } from '../../src/backends/legacy-library.js';
import { isIntKind, WIRE } from '../../src/backends/transport.js';
import { KoffiBackend, loadBackend, NapiBackend, OPERATIONS, type BackendName, type TaskerFfi } from '../../src/index.js';
import { childMain } from '../../scripts/lib/child-process.js';
import { liveStrings } from './soak/strings.js';
import { outcomeOf, sha, type CallOutcome, type OutcomeOptions } from './outcome.js';
import { CORPUS, MISSING_UUID, nested, orderRequest, RAW_ABI_CORPUS, reportRequest, SEED, stepResult, type Fixture, type RawArgument } from './corpus.js';

export interface EntryResult {
  name: string;
  outcome: CallOutcome;
  stateUnchanged: boolean;
  ms: number;
}

export interface RawResult {
  name: string;
  code: string | null;
  message: string;
  /** What the symbol itself answered: an int, `null` (NULL), `success` or `error <text>` (the envelope). */
  answer?: string;
  stateUnchanged: boolean;
}

export interface CorpusRun {
  backend: BackendName;
  fixture: Fixture;
  results: EntryResult[];
  raw: RawResult[];
  /** koffi: calls into koffi the spy saw, and the ones with an argument that was not a string or null. */
  spy: { calls: number; violations: string[] } | null;
  liveStrings: number | null;
  /** sha256 of the final snapshot (the same on both backends: same seed, same successful calls). */
  finalState: string;
  /** A call after the corpus works. */
  aliveAfter: boolean;
}

/** Koffi's and napi's own errors (below the contract) carry codes the raw corpus checks. */
const OUTCOME: OutcomeOptions = { messageLimit: 300, foreignCodes: true };

function setUp(ffi: TaskerFfi): Fixture {
  ffi.stopWorker();
  ffi.bootstrapWorker({ seed: SEED });
  const task = ffi.clientCreateTask(orderRequest());
  const first = ffi.pollStepEvents();
  if (first === null || first.taskUuid !== task.task_uuid) throw new Error('fixture: expected the first step of the first task');
  if (!ffi.completeStepEvent(first.eventId, stepResult(first.stepUuid))) throw new Error('fixture: complete refused');
  const second = ffi.pollStepEvents();
  if (second === null || second.taskUuid !== task.task_uuid) throw new Error('fixture: expected the second step of the first task');
  // Created after the claims, so that the polls above could only hand out the first task's steps.
  ffi.clientCreateTask(orderRequest({ context: { order_id: 8, items: [] } }));
  const other = ffi.clientCreateTask(reportRequest());
  return {
    taskUuid: task.task_uuid,
    stepUuid: first.stepUuid,
    inFlight: { eventId: second.eventId, stepUuid: second.stepUuid },
    otherTaskUuid: other.task_uuid,
  };
}

function snapshot(ffi: TaskerFfi, fx: Fixture): string {
  const list = ffi.clientListTasks({ limit: 100 });
  return JSON.stringify({
    list,
    steps: list.tasks.map((t) => ffi.clientListTaskSteps(t.task_uuid)),
    audit: ffi.clientGetStepAuditHistory(fx.taskUuid, fx.stepUuid),
    metrics: ffi.getFfiDispatchMetrics(),
    status: ffi.getWorkerStatus(),
  });
}

/** Wraps every koffi function of the adapter's transport to record the type of every argument. */
function spyOnKoffi(backend: KoffiBackend): { calls: number; violations: string[] } {
  const record = { calls: 0, violations: [] as string[] };
  // Private to the transport: reached here only to see what koffi itself is handed.
  const functions = (backend as unknown as { transport: { table: { functions: Record<string, (...args: unknown[]) => unknown> } } }).transport.table.functions;
  for (const name of OPERATIONS) {
    const fn = functions[name];
    if (fn === undefined) throw new Error(`spy: the koffi transport has no function for ${name}`);
    functions[name] = (...args: unknown[]) => {
      record.calls += 1;
      args.forEach((arg, i) => {
        if (typeof arg !== 'string' && arg !== null && record.violations.length < 50) {
          record.violations.push(`${name} argument ${i}: ${arg === undefined ? 'undefined' : typeof arg}`);
        }
      });
      return fn(...args);
    };
  }
  return record;
}

function runRawLegacy(backend: KoffiBackend, fx: Fixture): RawResult[] {
  const lib = openLegacyLibrary(backend.libraryPath);
  const lastError = lib.func<() => string | null>('RustString legacy_last_error(void)');
  const functions = new Map<string, (...args: RawArgument[]) => unknown>();
  const declare = (symbol: string): ((...args: RawArgument[]) => unknown) => {
    let fn = functions.get(symbol);
    if (fn === undefined) {
      const wire = Object.values(WIRE).find((w) => w.symbol === symbol);
      if (wire === undefined) throw new Error(`raw corpus: no symbol ${symbol} in the wire table`);
      const params = wire.params.map((p) => `const char *${p.replace('?', '')}`).join(', ') || 'void';
      fn = lib.func<(...args: RawArgument[]) => unknown>(`${isIntKind(wire.kind) ? 'int' : 'RustString'} ${symbol}(${params})`);
      functions.set(symbol, fn);
    }
    return fn;
  };
  return RAW_ABI_CORPUS.map((input) => {
    const before = snapshot(backend, fx);
    const returned = declare(input.symbol)(...input.args(fx));
    // Read right after the call: every operation sets or clears this thread's last error.
    const last = lastError();
    const error = last === null ? null : (JSON.parse(last) as { code: string; message: string });
    let answer: string;
    if (typeof returned === 'number' || returned === null) answer = String(returned);
    else {
      const parsed = JSON.parse(returned as string) as { success?: boolean; error?: string };
      answer = parsed.success === false ? `error ${String(parsed.error)}` : 'success';
    }
    return {
      name: input.name,
      code: error?.code ?? null,
      message: error?.message ?? `returned ${answer}`,
      answer,
      stateUnchanged: snapshot(backend, fx) === before,
    };
  });
}

function runRawNapi(backend: NapiBackend, fx: Fixture): RawResult[] {
  const addon = createRequire(import.meta.url)(backend.libraryPath) as Record<string, (...args: unknown[]) => unknown>;
  const calls: [string, () => unknown][] = [
    ['clientGetTask(null)', () => addon.clientGetTask?.(null)],
    ['clientGetTask(42)', () => addon.clientGetTask?.(42)],
    ['clientGetTask(Buffer)', () => addon.clientGetTask?.(Buffer.from([0xff, 0]))],
    ['clientGetTask()', () => addon.clientGetTask?.()],
    ['completeStepEvent(null, null)', () => addon.completeStepEvent?.(null, null)],
    ['completeStepEvent(uuid, {})', () => addon.completeStepEvent?.(MISSING_UUID, {})],
    ['clientCreateTask(null)', () => addon.clientCreateTask?.(null)],
    ['clientCreateTask("x")', () => addon.clientCreateTask?.('x')],
    ['clientCreateTask(context 100 000 deep)', () => addon.clientCreateTask?.({ ...orderRequest(), context: nested(100_000) })],
    ['clientListTasks({limit: -1})', () => addon.clientListTasks?.({ limit: -1 })],
    ['clientListTasks({offset: -1})', () => addon.clientListTasks?.({ offset: -1 })],
    ['logInfo(Symbol())', () => addon.logInfo?.(Symbol('m'))],
  ];
  return calls.map(([name, run]) => {
    const before = snapshot(backend, fx);
    const outcome = outcomeOf(run, OUTCOME);
    return {
      name,
      code: outcome.kind === 'threw' ? outcome.code : null,
      message: outcome.kind === 'threw' ? outcome.message : `returned ${outcome.preview}`,
      stateUnchanged: snapshot(backend, fx) === before,
    };
  });
}

childMain(({ backend, libraryPath }: { backend: BackendName; libraryPath?: string }, progress): CorpusRun => {
  const ffi = loadBackend({ backend, ...(libraryPath === undefined ? {} : { libraryPath }) });
  const spy = ffi instanceof KoffiBackend ? spyOnKoffi(ffi) : null;
  const fx = setUp(ffi);
  const results: EntryResult[] = [];
  CORPUS.forEach((input, index) => {
    progress({ index, name: input.name });
    const prepared = outcomeOf(() => input.prepare?.(ffi, fx), OUTCOME);
    if (prepared.kind === 'threw') {
      results.push({ name: input.name, outcome: { ...prepared, errorClass: `prepare failed: ${prepared.errorClass}` }, stateUnchanged: false, ms: 0 });
      return;
    }
    const before = snapshot(ffi, fx);
    const started = performance.now();
    const outcome = outcomeOf(() => input.run(ffi, fx), OUTCOME);
    const ms = Math.round(performance.now() - started);
    results.push({ name: input.name, outcome, stateUnchanged: snapshot(ffi, fx) === before, ms });
  });
  progress({ index: CORPUS.length, name: 'raw calls' });
  const raw = ffi instanceof KoffiBackend ? runRawLegacy(ffi, fx) : ffi instanceof NapiBackend ? runRawNapi(ffi, fx) : [];
  const finalState = sha(snapshot(ffi, fx));
  const next = ffi.pollStepEvents();
  const aliveAfter = next !== null && ffi.completeStepEvent(next.eventId, stepResult(next.stepUuid)) && ffi.getVersion().length > 0;
  ffi.stopWorker();
  return {
    backend,
    fixture: fx,
    results,
    raw,
    spy,
    liveStrings: liveStrings(ffi),
    finalState,
    aliveAfter,
  };
});
