/**
 * The two bridges WITHOUT the contract: the napi addon's exports called directly, and the C ABI
 * called through koffi with `JSON.stringify` of the snake_case DTO, as the legacy TypeScript
 * worker did. The conversion-policy test uses them to observe, on every run, what each bridge
 * does on its own with each row's input (the "napi alone / koffi alone" columns of the report).
 *
 * Same libraries, same process: these share the engines of the contract's adapters.
 */
import { createRequire } from 'node:module';

import koffi from 'koffi';

import { fromLegacyFailure, type LegacyFailureJson } from '../../../src/backends/error-mapping.js';
import { resolveLegacyLibrary, resolveNapiModule } from '../../../src/backends/locate.js';
import { attempt, type Outcome } from './lockstep.js';

/** The raw operations the policy rows need. */
export interface RawBridge {
  readonly name: 'napi' | 'koffi';
  stop(): void;
  status(): Outcome;
  bootstrap(config?: unknown): Outcome;
  createTask(request: Record<string, unknown>): Outcome;
  getTask(id: unknown): Outcome;
  listTasks(params?: unknown): Outcome;
  logInfo(message: unknown, fields?: unknown): Outcome;
  poll(): Outcome;
  complete(eventId: unknown, result: Record<string, unknown>): Outcome;
}

type NapiFunction = (...args: unknown[]) => unknown;

/** A client envelope's data, or its error as a TaskerError (what a careful caller would do). */
function napiClient(result: unknown): unknown {
  const envelope = result as { success: boolean; data?: unknown; error?: string; errorCode?: string; recoverable?: boolean };
  if (envelope.success) return envelope.data ?? null;
  throw fromLegacyFailure({ success: false, error: envelope.error ?? '', code: envelope.errorCode, recoverable: envelope.recoverable });
}

export function rawNapi(): RawBridge {
  const addon = createRequire(import.meta.url)(resolveNapiModule()) as Record<string, NapiFunction>;
  const call = (name: string, ...args: unknown[]): unknown => (addon[name] as NapiFunction)(...args);
  return {
    name: 'napi',
    stop: () => void call('stopWorker'),
    status: () => attempt(() => call('getWorkerStatus')),
    bootstrap: (config) => attempt(() => call('bootstrapWorker', config)),
    createTask: (request) => attempt(() => napiClient(call('clientCreateTask', request))),
    getTask: (id) => attempt(() => napiClient(call('clientGetTask', id))),
    listTasks: (params) => attempt(() => napiClient(call('clientListTasks', params))),
    logInfo: (message, fields) => attempt(() => (fields === undefined ? call('logInfo', message) : call('logInfo', message, fields))),
    poll: () => attempt(() => call('pollStepEvents')),
    complete: (eventId, result) => attempt(() => call('completeStepEvent', eventId, result)),
  };
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** camelCase DTO keys to snake_case, `depth` levels deep (free-form values below are left alone). */
function snakeKeys(value: unknown, nested: readonly string[] = []): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[snake(key)] = nested.includes(key) ? snakeKeys(item) : item;
  return out;
}

let rawTypes = 0;

export function rawKoffi(): RawBridge {
  const lib = koffi.load(resolveLegacyLibrary());
  const free = lib.func('void free_rust_string(void *s)');
  const type = `RawRustString_${++rawTypes}`;
  koffi.disposable(type, 'char *', (pointer: unknown) => free(pointer));
  const fn = (prototype: string): NapiFunction => lib.func(prototype.replace(/^RustString\b/, type)) as NapiFunction;
  const sym = {
    stop: fn('RustString stop_worker(void)'),
    status: fn('RustString get_worker_status(void)'),
    bootstrap: fn('RustString bootstrap_worker(const char *config_json)'),
    create: fn('RustString client_create_task(const char *request_json)'),
    get: fn('RustString client_get_task(const char *task_uuid)'),
    list: fn('RustString client_list_tasks(const char *params_json)'),
    log: fn('int log_info(const char *message, const char *fields_json)'),
    poll: fn('RustString poll_step_events(void)'),
    complete: fn('int complete_step_event(const char *event_id, const char *result_json)'),
    lastError: fn('RustString legacy_last_error(void)'),
  };
  const lastError = (): Error => {
    const text = sym.lastError() as string | null;
    return text === null ? new Error('failed without an error') : fromLegacyFailure(JSON.parse(text) as LegacyFailureJson);
  };
  const envelope = (text: unknown): unknown => {
    if (text === null) throw lastError();
    const parsed = JSON.parse(text as string) as { success: boolean; data?: unknown } & LegacyFailureJson;
    if (parsed.success) return parsed.data;
    throw fromLegacyFailure(parsed);
  };
  const status = (value: unknown): unknown => {
    if (value === -1) throw lastError();
    return value;
  };
  // A string argument: koffi takes only strings (a number would be read as an address).
  const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));
  const json = (value: unknown): string | null => (value === undefined ? null : (JSON.stringify(value) ?? null));
  return {
    name: 'koffi',
    stop: () => void sym.stop(),
    status: () => attempt(() => envelope(sym.status())),
    bootstrap: (config) => attempt(() => envelope(sym.bootstrap(json(snakeKeys(config))))),
    createTask: (request) => attempt(() => envelope(sym.create(json(snakeKeys(request))))),
    getTask: (id) => attempt(() => envelope(sym.get(text(id)))),
    listTasks: (params) => attempt(() => envelope(sym.list(json(snakeKeys(params))))),
    logInfo: (message, fields) => attempt(() => status(sym.log(text(message), json(fields)))),
    poll: () =>
      attempt(() => {
        const event = sym.poll() as string | null;
        return event === null ? null : (JSON.parse(event) as unknown);
      }),
    complete: (eventId, result) => attempt(() => status(sym.complete(text(eventId), json(snakeKeys(result, ['metadata', 'error']))))),
  };
}
