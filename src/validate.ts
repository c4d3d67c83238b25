/**
 * Argument checks shared by both adapters, so that the contract has ONE behaviour for bad input.
 *
 * Each bridge would otherwise fail in its own way: koffi treats a number passed for a
 * `const char *` as an address (and crashes), `JSON.stringify` silently drops what it cannot
 * encode, and napi-rs throws its own conversion errors with its own wording. The adapters call
 * these checks before they touch their bridge; a failed check is a `TaskerError` with code
 * `INVALID_REQUEST` and a message in the core's style (`Invalid argument: …`) that names the
 * argument and the JS type received.
 *
 * Only the *shape* is checked here (types, integer ranges the wire types impose); what the values
 * mean (a known status, a valid UUID, a template that exists) is the core's business. Each check
 * returns a normalised contract object: `null` for an optional field means absent, and absent
 * fields are left out. Free-form JSON and every string go through the conversion policy
 * (`json-policy.ts`, table in docs/conversion-policy.md), untouched otherwise.
 */
import type {
  BootstrapConfig,
  CheckpointYieldData,
  JsonObject,
  JsonValue,
  ListTasksParams,
  LogLevel,
  StepExecutionError,
  StepExecutionMetadata,
  StepExecutionResult,
  TaskRequest,
} from './contract.js';
import { TaskerError } from './errors.js';
import { applyJsonPolicy, applyStringPolicy, describeJsType, type StringKind } from './json-policy.js';

export { describeJsType };

export function invalidArgument(detail: string): TaskerError {
  return new TaskerError('INVALID_REQUEST', `Invalid argument: ${detail}`);
}

function wrongType(name: string, expected: string, value: unknown): TaskerError {
  return invalidArgument(`${name} must be ${expected}, got ${describeJsType(value)}`);
}

const isAbsent = (value: unknown): value is null | undefined => value === undefined || value === null;

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** A string field of a structured argument (it crosses the legacy bridge inside JSON text). */
export function checkString(value: unknown, name: string, kind: StringKind = 'field'): string {
  if (typeof value !== 'string') throw wrongType(name, 'a string', value);
  return applyStringPolicy(value, name, kind);
}

/**
 * A string passed as an argument of its own (an id, a log message): it crosses the legacy bridge
 * as a NUL-terminated C string, so the policy also rules on what a C string cannot carry.
 */
export function checkArgument(value: unknown, name: string): string {
  return checkString(value, name, 'argument');
}

export function checkOptionalString(value: unknown, name: string): string | undefined {
  return isAbsent(value) ? undefined : checkString(value, name);
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw wrongType(name, 'a boolean', value);
  return value;
}

export function checkOptionalBoolean(value: unknown, name: string): boolean | undefined {
  return isAbsent(value) ? undefined : checkBoolean(value, name);
}

/** The integer wire types of the DTOs and their ranges. */
export const INTEGER_RANGES = {
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
  /** i64 fields are carried as JS numbers: only the safe-integer part of the range. */
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;
export type IntegerKind = keyof typeof INTEGER_RANGES;

export function checkInteger(value: unknown, name: string, kind: IntegerKind): number {
  if (typeof value !== 'number') throw wrongType(name, `an integer (${kind})`, value);
  const [min, max] = INTEGER_RANGES[kind];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${name} must be an integer in ${min}..=${max} (${kind}), got ${String(value)}`);
  }
  // -0 is an integer; send it as 0 on both bridges.
  return value === 0 ? 0 : value;
}

export function checkOptionalInteger(value: unknown, name: string, kind: IntegerKind): number | undefined {
  return isAbsent(value) ? undefined : checkInteger(value, name, kind);
}

export function checkStringArray(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw wrongType(name, 'an array of strings', value);
  return value.map((item, index) => checkString(item, `${name}[${index}]`));
}

export function checkOptionalStringArray(value: unknown, name: string): string[] | undefined {
  return isAbsent(value) ? undefined : checkStringArray(value, name);
}

/** A plain object (not null, not an array): the shape of every structured argument. */
export function checkObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw wrongType(name, 'an object', value);
  }
  return value as Record<string, unknown>;
}

/** A required free-form JSON value (`null` allowed), through the JSON policy. */
export function checkJson(value: unknown, name: string): JsonValue {
  return applyJsonPolicy(value, name);
}

/** An optional free-form JSON value: `undefined` is absent; `null` is a JSON null and is kept. */
export function checkOptionalJson(value: unknown, name: string): JsonValue | undefined {
  return value === undefined ? undefined : applyJsonPolicy(value, name);
}

/** Ids (event, task, step UUIDs) are string arguments; whether they are UUIDs is for the core to say. */
export const checkId = checkArgument;

/** Copies the defined entries only, so absent optional fields are left out of the result. */
function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(fields)) if (item !== undefined) out[key] = item;
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// Structured arguments
// ---------------------------------------------------------------------------------------------

export function checkBootstrapConfig(value: unknown): BootstrapConfig | undefined {
  if (isAbsent(value)) return undefined;
  const c = checkObject(value, 'config');
  return defined<BootstrapConfig>({
    seed: checkOptionalInteger(c.seed, 'config.seed', 'u32'),
    clockStart: checkOptionalString(c.clockStart, 'config.clockStart'),
    clockTickMs: checkOptionalInteger(c.clockTickMs, 'config.clockTickMs', 'u32'),
    templatePath: checkOptionalString(c.templatePath, 'config.templatePath'),
    namespaces: checkOptionalStringArray(c.namespaces, 'config.namespaces'),
    logLevel: checkOptionalString(c.logLevel, 'config.logLevel') as LogLevel | undefined,
    stepTimeoutMs: checkOptionalInteger(c.stepTimeoutMs, 'config.stepTimeoutMs', 'u32'),
    starvationThresholdMs: checkOptionalInteger(c.starvationThresholdMs, 'config.starvationThresholdMs', 'u32'),
  });
}

export function checkTaskRequest(value: unknown): TaskRequest {
  const r = checkObject(value, 'request');
  return defined<TaskRequest>({
    name: checkString(r.name, 'request.name'),
    namespace: checkString(r.namespace, 'request.namespace'),
    version: checkString(r.version, 'request.version'),
    context: checkJson(r.context, 'request.context'),
    initiator: checkString(r.initiator, 'request.initiator'),
    sourceSystem: checkString(r.sourceSystem, 'request.sourceSystem'),
    reason: checkString(r.reason, 'request.reason'),
    tags: checkOptionalStringArray(r.tags, 'request.tags'),
    priority: checkOptionalInteger(r.priority, 'request.priority', 'i32'),
    correlationId: checkOptionalString(r.correlationId, 'request.correlationId'),
    parentCorrelationId: checkOptionalString(r.parentCorrelationId, 'request.parentCorrelationId'),
    idempotencyKey: checkOptionalString(r.idempotencyKey, 'request.idempotencyKey'),
    options: isAbsent(r.options) ? undefined : checkJson(r.options, 'request.options'),
    requestedAt: checkOptionalString(r.requestedAt, 'request.requestedAt'),
  });
}

export function checkListTasksParams(value: unknown): ListTasksParams | undefined {
  if (isAbsent(value)) return undefined;
  const p = checkObject(value, 'params');
  return defined<ListTasksParams>({
    page: checkOptionalInteger(p.page, 'params.page', 'u32'),
    perPage: checkOptionalInteger(p.perPage, 'params.perPage', 'u32'),
    namespace: checkOptionalString(p.namespace, 'params.namespace'),
    status: checkOptionalString(p.status, 'params.status'),
  });
}

function checkStepExecutionMetadata(value: unknown, name: string): StepExecutionMetadata {
  const m = checkObject(value, name);
  return defined<StepExecutionMetadata>({
    executionTimeMs: checkInteger(m.executionTimeMs, `${name}.executionTimeMs`, 'i64'),
    workerId: checkOptionalString(m.workerId, `${name}.workerId`),
    completedAt: checkString(m.completedAt, `${name}.completedAt`),
    retryable: checkOptionalBoolean(m.retryable, `${name}.retryable`),
    errorType: checkOptionalString(m.errorType, `${name}.errorType`),
    errorCode: checkOptionalString(m.errorCode, `${name}.errorCode`),
    custom: isAbsent(m.custom) ? undefined : checkJson(m.custom, `${name}.custom`),
  });
}

function checkStepExecutionError(value: unknown, name: string): StepExecutionError | undefined {
  if (isAbsent(value)) return undefined;
  const e = checkObject(value, name);
  return defined<StepExecutionError>({
    message: checkString(e.message, `${name}.message`),
    errorType: checkOptionalString(e.errorType, `${name}.errorType`),
    retryable: checkOptionalBoolean(e.retryable, `${name}.retryable`),
    statusCode: checkOptionalInteger(e.statusCode, `${name}.statusCode`, 'u32'),
    backtrace: checkOptionalStringArray(e.backtrace, `${name}.backtrace`),
    context: isAbsent(e.context) ? undefined : checkJson(e.context, `${name}.context`),
  });
}

export function checkStepExecutionResult(value: unknown): StepExecutionResult {
  const r = checkObject(value, 'result');
  return defined<StepExecutionResult>({
    stepUuid: checkString(r.stepUuid, 'result.stepUuid'),
    success: checkBoolean(r.success, 'result.success'),
    result: checkJson(r.result, 'result.result'),
    status: checkString(r.status, 'result.status') as StepExecutionResult['status'],
    metadata: checkStepExecutionMetadata(r.metadata, 'result.metadata'),
    error: checkStepExecutionError(r.error, 'result.error'),
    orchestrationMetadata: isAbsent(r.orchestrationMetadata)
      ? undefined
      : checkJson(r.orchestrationMetadata, 'result.orchestrationMetadata'),
  });
}

export function checkCheckpointYieldData(value: unknown): CheckpointYieldData {
  const d = checkObject(value, 'data');
  return defined<CheckpointYieldData>({
    stepUuid: checkString(d.stepUuid, 'data.stepUuid'),
    cursor: checkJson(d.cursor, 'data.cursor'),
    itemsProcessed: checkInteger(d.itemsProcessed, 'data.itemsProcessed', 'u32'),
    accumulatedResults: isAbsent(d.accumulatedResults)
      ? undefined
      : checkJson(d.accumulatedResults, 'data.accumulatedResults'),
  });
}

/** Log fields are an object of JSON values, or absent (`undefined`/`null`). */
export function checkLogFields(value: unknown): JsonObject | undefined {
  if (isAbsent(value)) return undefined;
  return checkJson(checkObject(value, 'log fields'), 'log fields') as JsonObject;
}
