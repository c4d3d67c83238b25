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
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

import koffi from 'koffi';

import { KoffiBackend, loadBackend, NapiBackend, TaskerError, type BackendName, type TaskerFfi } from '../../src/index.js';
import { childMain } from '../../scripts/lib/child-process.js';
import { CORPUS, MISSING_UUID, nested, orderRequest, RAW_ABI_CORPUS, reportRequest, SEED, stepResult, type Fixture, type RawArgument } from './corpus.js';

export type Outcome =
  | { kind: 'threw'; errorClass: string; code: string | null; message: string; messageLength: number; messageSha: string }
  | { kind: 'returned'; sha: string; preview: string };

export interface EntryResult {
  name: string;
  outcome: Outcome;
  stateUnchanged: boolean;
  ms: number;
}

export interface RawResult {
  name: string;
  code: string | null;
  message: string;
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

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

function outcomeOf(run: () => unknown): Outcome {
  try {
    const value = run();
    const text = JSON.stringify(value) ?? 'undefined';
    return { kind: 'returned', sha: sha(text), preview: text.slice(0, 200) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      kind: 'threw',
      errorClass: error instanceof TaskerError ? 'TaskerError' : e.constructor.name,
      code: error instanceof TaskerError ? error.code : ((e as Error & { code?: string }).code ?? null),
      message: e.message.length > 300 ? `${e.message.slice(0, 300)}…` : e.message,
      messageLength: e.message.length,
      messageSha: sha(e.message),
    };
  }
}

function setUp(ffi: TaskerFfi): Fixture {
  ffi.stopWorker();
  ffi.bootstrapWorker({ seed: SEED });
  const task = ffi.clientCreateTask(orderRequest());
  ffi.clientCreateTask(orderRequest({ context: { order_id: 8, items: [] } }));
  const other = ffi.clientCreateTask(reportRequest());
  const first = ffi.pollStepEvents();
  if (first === null || first.taskUuid !== task.task_uuid) throw new Error('fixture: expected the first step of the first task');
  if (!ffi.completeStepEvent(first.eventId, stepResult(first.stepUuid))) throw new Error('fixture: complete refused');
  const second = ffi.pollStepEvents();
  if (second === null || second.taskUuid !== task.task_uuid) throw new Error('fixture: expected the second step of the first task');
  return {
    taskUuid: task.task_uuid,
    stepUuid: first.stepUuid,
    inFlight: { eventId: second.eventId, stepUuid: second.stepUuid },
    otherTaskUuid: other.task_uuid,
  };
}

function snapshot(ffi: TaskerFfi, fx: Fixture): string {
  const list = ffi.clientListTasks({ perPage: 100 });
  return JSON.stringify({
    list,
    steps: list.tasks.map((t) => ffi.clientListTaskSteps(t.task_uuid)),
    audit: ffi.clientGetStepAuditHistory(fx.taskUuid, fx.stepUuid),
    metrics: ffi.getFfiDispatchMetrics(),
    status: ffi.getWorkerStatus(),
  });
}

/** Wraps every koffi function of the adapter to record the type of every argument. */
function spyOnKoffi(backend: KoffiBackend): { calls: number; violations: string[] } {
  const record = { calls: 0, violations: [] as string[] };
  const sym = (backend as unknown as { sym: Record<string, (...args: unknown[]) => unknown> }).sym;
  for (const [name, fn] of Object.entries(sym)) {
    sym[name] = (...args: unknown[]) => {
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

const INT_SYMBOLS = new Set(['complete_step_event', 'checkpoint_yield_step_event', 'log_info']);
const ARITY: Record<string, number> = {
  client_create_task: 1,
  client_get_task: 1,
  client_cancel_task: 1,
  client_list_task_steps: 1,
  client_list_tasks: 1,
  client_get_step: 2,
  client_get_step_audit_history: 2,
  complete_step_event: 2,
  checkpoint_yield_step_event: 2,
  log_info: 2,
};

function runRawLegacy(backend: KoffiBackend, fx: Fixture): RawResult[] {
  const lib = koffi.load(backend.libraryPath);
  const free = lib.func('void free_rust_string(void *s)');
  koffi.disposable('CorpusString', 'char *', (pointer: unknown) => free(pointer));
  const lastError = lib.func('CorpusString legacy_last_error(void)') as () => string | null;
  const functions = new Map<string, (...args: RawArgument[]) => unknown>();
  const declare = (symbol: string): ((...args: RawArgument[]) => unknown) => {
    let fn = functions.get(symbol);
    if (fn === undefined) {
      const params = Array.from({ length: ARITY[symbol] ?? 1 }, (_, i) => `const char *a${i}`).join(', ');
      const ret = INT_SYMBOLS.has(symbol) ? 'int' : 'CorpusString';
      fn = lib.func(`${ret} ${symbol}(${params})`) as (...args: RawArgument[]) => unknown;
      functions.set(symbol, fn);
    }
    return fn;
  };
  return RAW_ABI_CORPUS.map((input) => {
    const before = snapshot(backend, fx);
    const returned = declare(input.symbol)(...input.args(fx));
    let envelope: string | null;
    if (typeof returned === 'number') envelope = returned === -1 ? lastError() : null;
    else envelope = returned as string | null;
    const parsed = envelope === null ? null : (JSON.parse(envelope) as { success: boolean; error?: string; code?: string });
    return {
      name: input.name,
      code: parsed === null || parsed.success ? null : (parsed.code ?? null),
      message: parsed?.error ?? (parsed === null ? `returned ${String(returned)}` : 'success'),
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
    ['clientListTasks({page: -1})', () => addon.clientListTasks?.({ page: -1 })],
    ['logInfo(Symbol())', () => addon.logInfo?.(Symbol('m'))],
  ];
  return calls.map(([name, run]) => {
    const before = snapshot(backend, fx);
    const outcome = outcomeOf(run);
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
    const prepared = outcomeOf(() => input.prepare?.(ffi, fx));
    if (prepared.kind === 'threw') {
      results.push({ name: input.name, outcome: { ...prepared, errorClass: `prepare failed: ${prepared.errorClass}` }, stateUnchanged: false, ms: 0 });
      return;
    }
    const before = snapshot(ffi, fx);
    const started = performance.now();
    const outcome = outcomeOf(() => input.run(ffi, fx));
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
    liveStrings: ffi instanceof KoffiBackend ? ffi.liveStrings() : null,
    finalState,
    aliveAfter,
  };
});
