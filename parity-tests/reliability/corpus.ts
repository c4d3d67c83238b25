/**
 * The hostile-input corpus: inputs a careless or malicious caller could hand the contract, each run
 * on both backends (in child processes, `corpus-child.ts`) against the same seeded engine state.
 * Every entry must give the same typed `TaskerError` (or, where the contract defines the input as
 * harmless, the same result) on both bridges, within the child's time limit, without a crash,
 * and without changing the engine's state.
 *
 * `RAW_ABI_CORPUS` goes below the contract, straight into the legacy C ABI (NULL pointers, bytes
 * that are not UTF-8, JSON the adapter would never write): the library must answer each with a
 * typed error envelope, not undefined behaviour.
 */
import type { ListTasksParams, StepEvent, StepExecutionResult, TaskerFfi, TaskRequest } from '../../src/index.js';
import type { TaskerErrorCode } from '../../src/errors.js';
import { orderRequest as harnessOrder, successResult } from '../fixtures.js';

/** The engine state every entry starts from (seeded: identical on both backends). */
export interface Fixture {
  /** A linear task whose first step is complete and whose second step is in flight. */
  taskUuid: string;
  /** Its completed first step. */
  stepUuid: string;
  /** The in-flight event of its second step. */
  inFlight: Pick<StepEvent, 'eventId' | 'stepUuid'>;
  /** A diamond task nothing of which was handed out yet. */
  otherTaskUuid: string;
}

export type Category =
  | 'wrong type'
  | 'not a UUID'
  | 'null / undefined'
  | 'not well-formed text'
  | 'missing field'
  | 'unknown field'
  | 'large payload'
  | 'deep nesting'
  | 'pagination'
  | 'unknown event'
  | 'event misuse'
  | 'not JSON';

export interface HostileInput {
  name: string;
  category: Category;
  /** Runs before the "before" snapshot; may change state (e.g. complete an event once). */
  prepare?: (ffi: TaskerFfi, fx: Fixture) => void;
  run: (ffi: TaskerFfi, fx: Fixture) => unknown;
  /** A `TaskerError` with one of these codes; or `returns`: the contract defines a result. */
  expect: { codes: TaskerErrorCode[] } | { returns: true };
}

export const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
export const SEED = 7;
const MB100 = 100 * 1024 * 1024;

/** Calls operation `op` of the contract with arbitrary (ill-typed) arguments. */
export function call(ffi: TaskerFfi, op: keyof TaskerFfi, ...args: unknown[]): unknown {
  const fn = (ffi as unknown as Record<string, (...a: unknown[]) => unknown>)[op];
  if (typeof fn !== 'function') throw new Error(`no operation ${String(op)}`);
  return fn.apply(ffi, args);
}

/** `overrides` may be ill-typed: entries of the corpus hand the contract fields of the wrong type. */
export function orderRequest(overrides: Record<string, unknown> = {}): TaskRequest {
  const request = harnessOrder({ order_id: 7, items: [{ sku: 'A-1', price: 10, quantity: 3 }] }, { initiator: 'reliability', sourceSystem: 'corpus', reason: 'hostile input' });
  return { ...request, ...overrides } as TaskRequest;
}

export function reportRequest(): TaskRequest {
  return { ...orderRequest(), name: 'report', namespace: 'analytics', context: { day: '2026-01-01' } };
}

function without(request: TaskRequest, field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...request };
  delete copy[field];
  return copy;
}

/** `overrides` (and `metadata` below) may be ill-typed, as `orderRequest`'s. */
export function stepResult(stepUuid: string, overrides: Record<string, unknown> = {}): StepExecutionResult {
  return { ...successResult(stepUuid), ...overrides } as StepExecutionResult;
}

function withMetadata(stepUuid: string, metadata: Record<string, unknown>): StepExecutionResult {
  return successResult(stepUuid, undefined, metadata as Partial<StepExecutionResult['metadata']>);
}

/** `[[[…1…]]]` (or `{a:{a:…}}`) nested `depth` levels, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

let hugeText: string | undefined;
/** One 100 MiB string, built once per process. */
export function huge(): string {
  hugeText ??= 'x'.repeat(MB100);
  return hugeText;
}

const INVALID: { codes: TaskerErrorCode[] } = { codes: ['INVALID_REQUEST'] };
const RETURNS: { returns: true } = { returns: true };
const list = (params: unknown) => (ffi: TaskerFfi) => call(ffi, 'clientListTasks', params);

export const CORPUS: HostileInput[] = [
  // --- wrong JS types where a string is expected (a number here is what koffi would read as an address)
  { name: 'clientGetTask(42)', category: 'wrong type', run: (f) => call(f, 'clientGetTask', 42), expect: INVALID },
  { name: 'clientGetTask(0) (koffi: the NULL address)', category: 'wrong type', run: (f) => call(f, 'clientGetTask', 0), expect: INVALID },
  { name: 'clientGetTask(0xdeadbeef)', category: 'wrong type', run: (f) => call(f, 'clientGetTask', 0xdeadbeef), expect: INVALID },
  { name: 'clientGetTask(2n ** 40n)', category: 'wrong type', run: (f) => call(f, 'clientGetTask', 2n ** 40n), expect: INVALID },
  { name: 'clientGetTask({})', category: 'wrong type', run: (f) => call(f, 'clientGetTask', {}), expect: INVALID },
  { name: 'clientGetTask([uuid])', category: 'wrong type', run: (f, fx) => call(f, 'clientGetTask', [fx.taskUuid]), expect: INVALID },
  { name: 'clientGetTask(true)', category: 'wrong type', run: (f) => call(f, 'clientGetTask', true), expect: INVALID },
  { name: 'clientGetTask(Symbol())', category: 'wrong type', run: (f) => call(f, 'clientGetTask', Symbol('id')), expect: INVALID },
  { name: 'clientGetTask(() => uuid)', category: 'wrong type', run: (f, fx) => call(f, 'clientGetTask', () => fx.taskUuid), expect: INVALID },
  { name: 'clientGetTask(Buffer of a uuid)', category: 'wrong type', run: (f, fx) => call(f, 'clientGetTask', Buffer.from(`${fx.taskUuid}\0`)), expect: INVALID },
  { name: 'clientGetTask(new String(uuid))', category: 'wrong type', run: (f, fx) => call(f, 'clientGetTask', new String(fx.taskUuid)), expect: INVALID },
  { name: 'clientCancelTask(1)', category: 'wrong type', run: (f) => call(f, 'clientCancelTask', 1), expect: INVALID },
  { name: 'clientListTaskSteps(-1)', category: 'wrong type', run: (f) => call(f, 'clientListTaskSteps', -1), expect: INVALID },
  { name: 'clientGetStep(uuid, 7)', category: 'wrong type', run: (f, fx) => call(f, 'clientGetStep', fx.taskUuid, 7), expect: INVALID },
  { name: 'clientGetStep(3.14, uuid)', category: 'wrong type', run: (f, fx) => call(f, 'clientGetStep', 3.14, fx.stepUuid), expect: INVALID },
  { name: 'clientGetStepAuditHistory(uuid, {})', category: 'wrong type', run: (f, fx) => call(f, 'clientGetStepAuditHistory', fx.taskUuid, {}), expect: INVALID },
  { name: 'completeStepEvent(42, result)', category: 'wrong type', run: (f, fx) => call(f, 'completeStepEvent', 42, stepResult(fx.inFlight.stepUuid)), expect: INVALID },
  { name: 'completeStepEvent(id, "result")', category: 'wrong type', run: (f, fx) => call(f, 'completeStepEvent', fx.inFlight.eventId, 'result'), expect: INVALID },
  { name: 'completeStepEvent(id, [result])', category: 'wrong type', run: (f, fx) => call(f, 'completeStepEvent', fx.inFlight.eventId, [stepResult(fx.inFlight.stepUuid)]), expect: INVALID },
  { name: 'checkpointYieldStepEvent(123n, data)', category: 'wrong type', run: (f, fx) => call(f, 'checkpointYieldStepEvent', 123n, { stepUuid: fx.inFlight.stepUuid, cursor: 1, itemsProcessed: 1 }), expect: INVALID },
  { name: 'logInfo(42)', category: 'wrong type', run: (f) => call(f, 'logInfo', 42), expect: INVALID },
  { name: 'logError({message})', category: 'wrong type', run: (f) => call(f, 'logError', { message: 'x' }), expect: INVALID },
  { name: 'logWarn(msg, "fields")', category: 'wrong type', run: (f) => call(f, 'logWarn', 'm', 'fields'), expect: INVALID },
  { name: 'logDebug(msg, [1, 2])', category: 'wrong type', run: (f) => call(f, 'logDebug', 'm', [1, 2]), expect: INVALID },
  { name: 'clientCreateTask(JSON text)', category: 'wrong type', run: (f) => call(f, 'clientCreateTask', JSON.stringify(orderRequest())), expect: INVALID },
  { name: 'clientCreateTask([request])', category: 'wrong type', run: (f) => call(f, 'clientCreateTask', [orderRequest()]), expect: INVALID },
  { name: 'request.name = 42', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ name: 42 })), expect: INVALID },
  { name: 'request.namespace = ["ecommerce"]', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ namespace: ['ecommerce'] })), expect: INVALID },
  { name: 'request.tags = [1, 2]', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ tags: [1, 2] })), expect: INVALID },
  { name: 'request.tags = "a,b"', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ tags: 'a,b' })), expect: INVALID },
  { name: 'request.priority = "5"', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ priority: '5' })), expect: INVALID },
  { name: 'request.priority = 1.5', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ priority: 1.5 })), expect: INVALID },
  { name: 'request.priority = 2 ** 31', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ priority: 2 ** 31 })), expect: INVALID },
  { name: 'request.correlationId = 42', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ correlationId: 42 })), expect: INVALID },
  { name: 'request.requestedAt = a Date', category: 'wrong type', run: (f) => f.clientCreateTask(orderRequest({ requestedAt: new Date(0) })), expect: INVALID },
  { name: 'bootstrapWorker("seed=1")', category: 'wrong type', run: (f) => call(f, 'bootstrapWorker', 'seed=1'), expect: INVALID },
  { name: 'bootstrapWorker({seed: "1"})', category: 'wrong type', run: (f) => call(f, 'bootstrapWorker', { seed: '1' }), expect: INVALID },
  { name: 'bootstrapWorker({seed: -1})', category: 'wrong type', run: (f) => call(f, 'bootstrapWorker', { seed: -1 }), expect: INVALID },
  { name: 'bootstrapWorker({namespaces: "ecommerce"})', category: 'wrong type', run: (f) => call(f, 'bootstrapWorker', { namespaces: 'ecommerce' }), expect: INVALID },
  { name: 'result.success = "yes"', category: 'wrong type', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid, { success: 'yes' })), expect: INVALID },
  { name: 'metadata.executionTimeMs = "1"', category: 'wrong type', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, withMetadata(fx.inFlight.stepUuid, { executionTimeMs: '1' })), expect: INVALID },

  // --- null / undefined where a value is required (koffi would pass NULL)
  { name: 'clientGetTask(null)', category: 'null / undefined', run: (f) => call(f, 'clientGetTask', null), expect: INVALID },
  { name: 'clientGetTask()', category: 'null / undefined', run: (f) => call(f, 'clientGetTask'), expect: INVALID },
  { name: 'clientGetStep(null, null)', category: 'null / undefined', run: (f) => call(f, 'clientGetStep', null, null), expect: INVALID },
  { name: 'completeStepEvent(null, result)', category: 'null / undefined', run: (f, fx) => call(f, 'completeStepEvent', null, stepResult(fx.inFlight.stepUuid)), expect: INVALID },
  { name: 'completeStepEvent(id, null)', category: 'null / undefined', run: (f, fx) => call(f, 'completeStepEvent', fx.inFlight.eventId, null), expect: INVALID },
  { name: 'completeStepEvent(id)', category: 'null / undefined', run: (f, fx) => call(f, 'completeStepEvent', fx.inFlight.eventId), expect: INVALID },
  { name: 'clientCreateTask(null)', category: 'null / undefined', run: (f) => call(f, 'clientCreateTask', null), expect: INVALID },
  { name: 'logInfo(null)', category: 'null / undefined', run: (f) => call(f, 'logInfo', null), expect: INVALID },

  // --- strings that are not UUIDs (or not ids this engine knows)
  { name: 'clientGetTask("not-a-uuid")', category: 'not a UUID', run: (f) => f.clientGetTask('not-a-uuid'), expect: INVALID },
  { name: 'clientGetTask("")', category: 'not a UUID', run: (f) => f.clientGetTask(''), expect: INVALID },
  { name: 'clientGetTask(" " + uuid)', category: 'not a UUID', run: (f, fx) => f.clientGetTask(` ${fx.taskUuid}`), expect: INVALID },
  { name: 'clientGetTask(uuid + "\\n")', category: 'not a UUID', run: (f, fx) => f.clientGetTask(`${fx.taskUuid}\n`), expect: INVALID },
  { name: 'clientGetTask(uuid + "\\0junk") (a C string would end at the NUL)', category: 'not a UUID', run: (f, fx) => f.clientGetTask(`${fx.taskUuid}\0junk`), expect: INVALID },
  { name: 'clientGetTask("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")', category: 'not a UUID', run: (f) => f.clientGetTask('zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'), expect: INVALID },
  { name: 'clientGetTask(uuid with a lone surrogate)', category: 'not well-formed text', run: (f, fx) => f.clientGetTask(`${fx.taskUuid.slice(0, -1)}\uD800`), expect: INVALID },
  { name: 'clientGetTask(10 000 characters)', category: 'not a UUID', run: (f) => f.clientGetTask('9'.repeat(10_000)), expect: INVALID },
  { name: 'clientGetTask(unknown uuid)', category: 'not a UUID', run: (f) => f.clientGetTask(MISSING_UUID), expect: { codes: ['NOT_FOUND'] } },
  { name: 'clientCancelTask(unknown uuid)', category: 'not a UUID', run: (f) => f.clientCancelTask(MISSING_UUID), expect: { codes: ['NOT_FOUND'] } },
  { name: 'clientCancelTask("not-a-uuid")', category: 'not a UUID', run: (f) => f.clientCancelTask('not-a-uuid'), expect: INVALID },
  { name: 'clientListTaskSteps("x")', category: 'not a UUID', run: (f) => f.clientListTaskSteps('x'), expect: INVALID },
  { name: 'clientGetStep(task, "nope")', category: 'not a UUID', run: (f, fx) => f.clientGetStep(fx.taskUuid, 'nope'), expect: INVALID },
  { name: 'clientGetStep(unknown task, step)', category: 'not a UUID', run: (f, fx) => f.clientGetStep(MISSING_UUID, fx.stepUuid), expect: { codes: ['NOT_FOUND'] } },
  { name: 'clientGetStep(task, unknown step)', category: 'not a UUID', run: (f, fx) => f.clientGetStep(fx.taskUuid, MISSING_UUID), expect: { codes: ['NOT_FOUND'] } },
  { name: 'clientGetStep(other task, step of this task)', category: 'not a UUID', run: (f, fx) => f.clientGetStep(fx.otherTaskUuid, fx.stepUuid), expect: { codes: ['NOT_FOUND'] } },
  { name: 'clientGetStepAuditHistory("x", "y")', category: 'not a UUID', run: (f) => f.clientGetStepAuditHistory('x', 'y'), expect: INVALID },
  { name: 'completeStepEvent("xyz", result)', category: 'not a UUID', run: (f, fx) => f.completeStepEvent('xyz', stepResult(fx.inFlight.stepUuid)), expect: INVALID },
  { name: 'completeStepEvent("", result)', category: 'not a UUID', run: (f, fx) => f.completeStepEvent('', stepResult(fx.inFlight.stepUuid)), expect: INVALID },
  { name: 'checkpointYieldStepEvent("xyz", data)', category: 'not a UUID', run: (f, fx) => f.checkpointYieldStepEvent('xyz', { stepUuid: fx.inFlight.stepUuid, cursor: 0, itemsProcessed: 0 }), expect: INVALID },
  { name: 'result.stepUuid = "not-a-uuid"', category: 'not a UUID', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, stepResult('not-a-uuid')), expect: INVALID },
  { name: 'request.correlationId = "not-a-uuid"', category: 'not a UUID', run: (f) => f.clientCreateTask(orderRequest({ correlationId: 'not-a-uuid' })), expect: INVALID },
  { name: 'request.parentCorrelationId = "nope"', category: 'not a UUID', run: (f) => f.clientCreateTask(orderRequest({ parentCorrelationId: 'nope' })), expect: INVALID },
  { name: 'request for an unknown template', category: 'not a UUID', run: (f) => f.clientCreateTask(orderRequest({ name: 'no_such_template' })), expect: { codes: ['TEMPLATE_NOT_FOUND'] } },
  { name: 'request for an unknown version', category: 'not a UUID', run: (f) => f.clientCreateTask(orderRequest({ version: '9.9.9' })), expect: { codes: ['TEMPLATE_NOT_FOUND'] } },

  // --- missing and unknown fields
  { name: 'request without name', category: 'missing field', run: (f) => call(f, 'clientCreateTask', without(orderRequest(), 'name')), expect: INVALID },
  { name: 'request without context', category: 'missing field', run: (f) => call(f, 'clientCreateTask', without(orderRequest(), 'context')), expect: INVALID },
  { name: 'request without sourceSystem', category: 'missing field', run: (f) => call(f, 'clientCreateTask', without(orderRequest(), 'sourceSystem')), expect: INVALID },
  { name: 'request {}', category: 'missing field', run: (f) => call(f, 'clientCreateTask', {}), expect: INVALID },
  { name: 'result without metadata', category: 'missing field', run: (f, fx) => call(f, 'completeStepEvent', fx.inFlight.eventId, without(stepResult(fx.inFlight.stepUuid) as unknown as TaskRequest, 'metadata')), expect: INVALID },
  { name: 'result without stepUuid', category: 'missing field', run: (f, fx) => call(f, 'completeStepEvent', fx.inFlight.eventId, without(stepResult(fx.inFlight.stepUuid) as unknown as TaskRequest, 'stepUuid')), expect: INVALID },
  { name: 'metadata without completedAt', category: 'missing field', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid, { metadata: { executionTimeMs: 1 } })), expect: INVALID },
  { name: 'checkpoint without cursor and itemsProcessed', category: 'missing field', run: (f, fx) => call(f, 'checkpointYieldStepEvent', fx.inFlight.eventId, { stepUuid: fx.inFlight.stepUuid }), expect: INVALID },
  { name: 'request with snake_case source_system only', category: 'unknown field', run: (f) => call(f, 'clientCreateTask', { ...without(orderRequest(), 'sourceSystem'), source_system: 'corpus' }), expect: INVALID },
  { name: 'request with unknown fields for an unknown template', category: 'unknown field', run: (f) => f.clientCreateTask(orderRequest({ name: 'nope', bogus: 1, __extra: { a: 1 } })), expect: { codes: ['TEMPLATE_NOT_FOUND'] } },
  { name: 'list params with an unknown field (ignored)', category: 'unknown field', run: list({ bogus: true }), expect: RETURNS },
  { name: 'list params with an unknown field and limit 0', category: 'unknown field', run: list({ limit: 0, bogus: true }), expect: INVALID },
  { name: 'bootstrapWorker with unknown fields while running', category: 'unknown field', run: (f) => call(f, 'bootstrapWorker', { bogus: 1 }), expect: RETURNS },

  // --- pagination (tasker's `limit`/`offset`; the server's page size is 1..=100)
  // tasker's REST mapping casts the offset to u32: -1 is a page far past the end, an empty one.
  { name: 'offset -1 (an empty page far past the end)', category: 'pagination', run: list({ offset: -1 }), expect: RETURNS },
  { name: 'limit -5', category: 'pagination', run: list({ limit: -5 }), expect: INVALID },
  { name: 'limit 0', category: 'pagination', run: list({ limit: 0 }), expect: INVALID },
  { name: 'limit 101', category: 'pagination', run: list({ limit: 101 }), expect: INVALID },
  { name: 'limit 1e9', category: 'pagination', run: list({ limit: 1e9 }), expect: INVALID },
  { name: 'offset 2 ** 32', category: 'pagination', run: list({ offset: 2 ** 32 }), expect: INVALID },
  { name: 'offset MAX_SAFE_INTEGER', category: 'pagination', run: list({ offset: Number.MAX_SAFE_INTEGER }), expect: INVALID },
  { name: 'offset 1.5', category: 'pagination', run: list({ offset: 1.5 }), expect: INVALID },
  { name: 'offset NaN', category: 'pagination', run: list({ offset: Number.NaN }), expect: INVALID },
  { name: 'limit Infinity', category: 'pagination', run: list({ limit: Number.POSITIVE_INFINITY }), expect: INVALID },
  { name: 'offset "2"', category: 'pagination', run: list({ offset: '2' }), expect: INVALID },
  { name: 'offset 2 ** 31 - 1 (past the end: an empty page)', category: 'pagination', run: list({ offset: 2 ** 31 - 1, limit: 100 }), expect: RETURNS },
  // The status filter is a plain string match, as tasker's server's: an unknown one matches nothing.
  { name: 'status "bogus" (matches nothing)', category: 'pagination', run: list({ status: 'bogus' }), expect: RETURNS },
  { name: 'params "page=1"', category: 'pagination', run: list('page=1'), expect: INVALID },
  { name: 'params [1, 10]', category: 'pagination', run: list([1, 10] as unknown as ListTasksParams), expect: INVALID },

  // --- events: unknown ids, misuse, completing twice
  { name: 'completeStepEvent(unknown uuid)', category: 'unknown event', run: (f, fx) => f.completeStepEvent(MISSING_UUID, stepResult(fx.inFlight.stepUuid)), expect: RETURNS },
  { name: 'checkpointYieldStepEvent(unknown uuid)', category: 'unknown event', run: (f, fx) => f.checkpointYieldStepEvent(MISSING_UUID, { stepUuid: fx.inFlight.stepUuid, cursor: 0, itemsProcessed: 0 }), expect: RETURNS },
  { name: 'metadata.executionTimeMs = 2 ** 53', category: 'event misuse', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, withMetadata(fx.inFlight.stepUuid, { executionTimeMs: 2 ** 53 })), expect: INVALID },

  // --- not JSON (the contract's conversion policy)
  { name: 'context with NaN (unknown template)', category: 'not JSON', run: (f) => f.clientCreateTask(orderRequest({ name: 'nope', context: { x: Number.NaN } })), expect: { codes: ['INVALID_REQUEST', 'TEMPLATE_NOT_FOUND'] } },
  { name: 'context with a cycle', category: 'not JSON', run: (f) => { const c: Record<string, unknown> = {}; c.self = c; return f.clientCreateTask(orderRequest({ context: c })); }, expect: INVALID },
  { name: 'context with a BigInt', category: 'not JSON', run: (f) => f.clientCreateTask(orderRequest({ context: { n: 1n } })), expect: INVALID },
  { name: 'context that is a string (must be an object)', category: 'not JSON', run: (f) => f.clientCreateTask(orderRequest({ context: 'ctx' })), expect: INVALID },
  { name: 'result.result with a function', category: 'not JSON', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid, { result: { f: () => 1 } })), expect: INVALID },
  { name: 'log fields with a lone surrogate key', category: 'not well-formed text', run: (f) => f.logInfo('m', { '\uDC00': 1 }), expect: INVALID },
  { name: 'log message with a NUL', category: 'not well-formed text', run: (f) => f.logInfo('before\0after'), expect: INVALID },

  // --- deep nesting (napi-rs converts recursively; serde_json has a recursion limit)
  { name: 'context nested 100 000 arrays deep', category: 'deep nesting', run: (f) => f.clientCreateTask(orderRequest({ context: { d: nested(100_000) } })), expect: INVALID },
  { name: 'context nested 100 000 objects deep', category: 'deep nesting', run: (f) => f.clientCreateTask(orderRequest({ context: nested(100_000, 'object') })), expect: INVALID },
  { name: 'result.result nested 100 000 deep', category: 'deep nesting', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid, { result: nested(100_000) })), expect: INVALID },
  { name: 'metadata.custom nested 100 000 deep', category: 'deep nesting', run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, withMetadata(fx.inFlight.stepUuid, { custom: nested(100_000, 'object') })), expect: INVALID },
  { name: 'log fields nested 100 000 deep', category: 'deep nesting', run: (f) => f.logWarn('deep', { d: nested(100_000) as never }), expect: INVALID },
  { name: 'checkpoint cursor nested 100 000 deep', category: 'deep nesting', run: (f, fx) => f.checkpointYieldStepEvent(fx.inFlight.eventId, { stepUuid: fx.inFlight.stepUuid, cursor: nested(100_000) as never, itemsProcessed: 1 }), expect: INVALID },

  // --- 100 MiB payloads
  { name: 'create with a 100 MiB context and a bad correlation id', category: 'large payload', run: (f) => f.clientCreateTask(orderRequest({ context: { blob: huge() }, correlationId: 'not-a-uuid' })), expect: INVALID },
  // The engine checks the context's size (1 MiB) before it looks up the template.
  { name: 'create with a 100 MiB context for an unknown template', category: 'large payload', run: (f) => f.clientCreateTask(orderRequest({ name: 'nope', context: { blob: huge() } })), expect: INVALID },
  { name: 'complete an unknown event with a 100 MiB result', category: 'large payload', run: (f, fx) => f.completeStepEvent(MISSING_UUID, stepResult(fx.inFlight.stepUuid, { result: huge() })), expect: RETURNS },
  { name: 'clientGetTask(100 MiB id)', category: 'large payload', run: (f) => f.clientGetTask(huge()), expect: INVALID },

  // --- completing the same event twice (last: they finish the in-flight event)
  {
    name: 'complete an event that was already completed',
    category: 'event misuse',
    prepare: (f, fx) => {
      if (!f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid))) throw new Error('prepare: first complete refused');
    },
    run: (f, fx) => f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid)),
    expect: RETURNS,
  },
  {
    name: 'checkpoint-yield an event that was already completed',
    category: 'event misuse',
    run: (f, fx) => f.checkpointYieldStepEvent(fx.inFlight.eventId, { stepUuid: fx.inFlight.stepUuid, cursor: 1, itemsProcessed: 1 }),
    expect: RETURNS,
  },
  {
    name: 'complete an already completed event with a failure',
    category: 'event misuse',
    run: (f, fx) =>
      f.completeStepEvent(fx.inFlight.eventId, stepResult(fx.inFlight.stepUuid, { success: false, status: 'error', error: { message: 'late' } })),
    expect: RETURNS,
  },

];

// ---------------------------------------------------------------------------------------------
// Below the contract: the legacy C ABI, called through direct koffi declarations
// ---------------------------------------------------------------------------------------------

/** A raw argument: a JS string, NULL, or bytes (a Buffer with its own NUL terminator). */
export type RawArgument = string | null | Buffer;

export interface RawInput {
  name: string;
  /** The symbol and its arguments (each a `const char *`). */
  symbol: string;
  args: (fx: Fixture) => RawArgument[];
  /** The last error's code and a pattern of its message; `code: null`: the call succeeded (`returned …`). */
  expect: { code: TaskerErrorCode | null; message: RegExp };
}

/** Bytes that are not UTF-8, NUL-terminated. */
export const NOT_UTF8: Record<string, Buffer> = {
  'a 0xFF byte': Buffer.from([0x61, 0xff, 0x62, 0x00]),
  'an overlong "/" (C0 AF)': Buffer.from([0xc0, 0xaf, 0x00]),
  'a UTF-8-encoded lone surrogate (ED A0 80)': Buffer.from([0xed, 0xa0, 0x80, 0x00]),
  'a truncated sequence (E2 82)': Buffer.from([0x7b, 0xe2, 0x82, 0x00]),
};

/** Symbols with `const char *` parameters; `extra` are trailing optional ones (passed as NULL). */
/** `namesParam`: the UTF-8 error names the parameter (tasker's two-id client calls). */
const STRING_SYMBOLS: { symbol: string; params: string[]; extra?: RawArgument[]; namesParam?: boolean }[] = [
  { symbol: 'client_create_task', params: ['request_json'] },
  { symbol: 'client_get_task', params: ['task_uuid'] },
  { symbol: 'client_cancel_task', params: ['task_uuid'] },
  { symbol: 'client_list_task_steps', params: ['task_uuid'] },
  { symbol: 'client_get_step', params: ['task_uuid', 'step_uuid'], namesParam: true },
  { symbol: 'client_get_step_audit_history', params: ['task_uuid', 'step_uuid'], namesParam: true },
  { symbol: 'complete_step_event', params: ['event_id', 'result_json'] },
  { symbol: 'checkpoint_yield_step_event', params: ['event_id', 'checkpoint_json'] },
  { symbol: 'log_info', params: ['message'], extra: [null] },
];

/** A valid value for each required parameter, so only the one under test is hostile. */
function validRaw(param: string, fx: Fixture): RawArgument {
  switch (param) {
    case 'request_json':
      return JSON.stringify({ name: 'nope', namespace: 'ecommerce', version: '1.0.0', context: {}, initiator: 'i', source_system: 's', reason: 'r' });
    case 'task_uuid':
      return fx.taskUuid;
    case 'step_uuid':
      return fx.stepUuid;
    case 'event_id':
      return MISSING_UUID;
    case 'result_json':
      return JSON.stringify({ step_uuid: fx.stepUuid, success: true, result: null, status: 'completed', metadata: { execution_time_ms: 1, completed_at: '2026-01-01T00:00:00Z' } });
    case 'checkpoint_json':
      return JSON.stringify({ step_uuid: fx.stepUuid, cursor: 0, items_processed: 0 });
    default:
      return 'm';
  }
}

export const RAW_ABI_CORPUS: RawInput[] = [
  ...STRING_SYMBOLS.flatMap(({ symbol, params, extra = [] }) =>
    params.map((param, i) => ({
      name: `${symbol}: NULL ${param}`,
      symbol,
      args: (fx: Fixture) => [...params.map((p, j) => (j === i ? null : validRaw(p, fx))), ...extra],
      // tasker's texts: `<symbol>: null pointer received`, and its logging facade's own.
      expect: {
        code: 'INVALID_REQUEST' as const,
        message: symbol === 'log_info' ? /^Invalid argument: log message is NULL$/ : new RegExp(`^Invalid argument: ${symbol}: null pointer received$`),
      },
    })),
  ),
  ...STRING_SYMBOLS.flatMap(({ symbol, params, extra = [], namesParam = false }) =>
    params.flatMap((param, i) =>
      Object.entries(NOT_UTF8).map(([what, bytes]) => ({
        name: `${symbol}: ${param} with ${what}`,
        symbol,
        args: (fx: Fixture) => [...params.map((p, j) => (j === i ? bytes : validRaw(p, fx))), ...extra],
        expect: { code: 'INVALID_REQUEST' as const, message: new RegExp(`^Invalid argument: ${symbol}: invalid UTF-8${namesParam ? ` in ${param}` : ''}$`) },
      })),
    ),
  ),
  // tasker read the list params leniently: unknown keys and values of the wrong type are defaults.
  {
    name: 'client_list_tasks: unknown field (ignored)',
    symbol: 'client_list_tasks',
    args: () => ['{"bogus":1}'],
    expect: { code: null, message: /^returned success$/ },
  },
  {
    name: 'client_list_tasks: limit as a string (the default 50)',
    symbol: 'client_list_tasks',
    args: () => ['{"limit":"0"}'],
    expect: { code: null, message: /^returned success$/ },
  },
  {
    name: 'client_list_tasks: limit 0',
    symbol: 'client_list_tasks',
    args: () => ['{"limit":0}'],
    expect: { code: 'INVALID_REQUEST', message: /^Validation error: per_page must be between 1 and 100$/ },
  },
  {
    name: 'client_list_tasks: not JSON',
    symbol: 'client_list_tasks',
    args: () => ['limit=1'],
    expect: { code: 'INVALID_REQUEST', message: /^Invalid argument: Invalid params JSON: / },
  },
  // fe86d180 parsed the request without `end()`: text after the first value is ignored.
  {
    name: 'client_create_task: trailing input after the request (ignored)',
    symbol: 'client_create_task',
    args: (fx) => [`${validRaw('request_json', fx) as string} {}`],
    expect: { code: 'TEMPLATE_NOT_FOUND', message: /^Task template not found: ecommerce\/nope@1\.0\.0$/ },
  },
  {
    name: 'client_create_task: JSON nested 100 000 deep',
    symbol: 'client_create_task',
    args: () => [`{"context":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    expect: { code: 'INVALID_REQUEST', message: /^Invalid argument: Invalid task request JSON: recursion limit exceeded/ },
  },
  {
    name: 'client_create_task: JSON null',
    symbol: 'client_create_task',
    args: () => ['null'],
    expect: { code: 'INVALID_REQUEST', message: /^Invalid argument: Invalid task request JSON: invalid type: null/ },
  },
  {
    name: 'client_create_task: empty string',
    symbol: 'client_create_task',
    args: () => [''],
    expect: { code: 'INVALID_REQUEST', message: /^Invalid argument: Invalid task request JSON: EOF while parsing/ },
  },
  {
    name: 'complete_step_event: result JSON with NaN',
    symbol: 'complete_step_event',
    args: (fx) => [MISSING_UUID, (validRaw('result_json', fx) as string).replace('"result":null', '"result":NaN')],
    expect: { code: 'INVALID_REQUEST', message: /^Invalid argument: Invalid result JSON: expected value/ },
  },
  {
    name: 'log_info: fields that are not an object',
    symbol: 'log_info',
    args: () => ['m', '[1,2]'],
    expect: { code: 'INVALID_REQUEST', message: /^Invalid argument: Invalid log fields JSON: not an object$/ },
  },
];
