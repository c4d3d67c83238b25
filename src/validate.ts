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
import { contractJsonPolicy, describeJsType, describeThrown, isTaskerErrorValue, type JsonPolicy, type StringKind } from './json-policy.js';

export { describeJsType };

export function invalidArgument(detail: string): TaskerError {
  return new TaskerError('INVALID_REQUEST', `Invalid argument: ${detail}`);
}

function wrongType(name: string, expected: string, value: unknown): TaskerError {
  return invalidArgument(`${name} must be ${expected}, got ${describeJsType(value)}`);
}

/** A getter or proxy of the caller's argument threw while it was read: the contract's error, not the raw one. */
function unreadable(name: string, error: unknown): TaskerError {
  if (isTaskerErrorValue(error)) return error;
  return invalidArgument(`${name} could not be read: ${describeThrown(error)}`);
}

/** `Array.isArray`, which throws for a revoked Proxy. */
function isArray(value: unknown, name: string): boolean {
  try {
    return Array.isArray(value);
  } catch (error) {
    throw unreadable(name, error);
  }
}

const isAbsent = (value: unknown): value is null | undefined => value === undefined || value === null;

/** The integer wire types of the DTOs and their ranges. */
export const INTEGER_RANGES = {
  u16: [0, 0xffff],
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
  /** i64 fields are carried as JS numbers: only the safe-integer part of the range. */
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;
export type IntegerKind = keyof typeof INTEGER_RANGES;

/** Copies the defined entries only, so absent optional fields are left out of the result. */
function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(fields)) if (item !== undefined) out[key] = item;
  return out as T;
}

/**
 * The checks of one backend, under its JSON policy (the contract's, unless the parity harness
 * swaps it for its divergence hunt).
 */
export class ArgumentChecks {
  constructor(readonly policy: JsonPolicy = contractJsonPolicy) {}

  // -------------------------------------------------------------------------------------------
  // Scalars
  // -------------------------------------------------------------------------------------------

  /** A string field of a structured argument (it crosses the legacy bridge inside JSON text). */
  string(value: unknown, name: string, kind: StringKind = 'field'): string {
    if (typeof value !== 'string') throw wrongType(name, 'a string', value);
    return this.policy.normalizeString(value, name, kind);
  }

  /**
   * A string passed as an argument of its own (an id, a log message): it crosses the legacy bridge
   * as a NUL-terminated C string, so the policy also rules on what a C string cannot carry.
   */
  argument(value: unknown, name: string): string {
    return this.string(value, name, 'argument');
  }

  optionalString(value: unknown, name: string): string | undefined {
    return isAbsent(value) ? undefined : this.string(value, name);
  }

  boolean(value: unknown, name: string): boolean {
    if (typeof value !== 'boolean') throw wrongType(name, 'a boolean', value);
    return value;
  }

  optionalBoolean(value: unknown, name: string): boolean | undefined {
    return isAbsent(value) ? undefined : this.boolean(value, name);
  }

  integer(value: unknown, name: string, kind: IntegerKind): number {
    if (typeof value !== 'number') throw wrongType(name, `an integer (${kind})`, value);
    const [min, max] = INTEGER_RANGES[kind];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw invalidArgument(`${name} must be an integer in ${min}..=${max} (${kind}), got ${String(value)}`);
    }
    // -0 is an integer; send it as 0 on both bridges.
    return value === 0 ? 0 : value;
  }

  optionalInteger(value: unknown, name: string, kind: IntegerKind): number | undefined {
    return isAbsent(value) ? undefined : this.integer(value, name, kind);
  }

  stringArray(value: unknown, name: string): string[] {
    if (!isArray(value, name)) throw wrongType(name, 'an array of strings', value);
    const array = value as unknown[];
    const out: string[] = [];
    let index = 0;
    try {
      // Indexed, so a hole is an item (`undefined`, not a string) rather than skipped. Each item is read once.
      for (; index < array.length; index += 1) {
        const item = array[index];
        out.push(this.string(item, `${name}[${index}]`));
      }
    } catch (error) {
      throw unreadable(`${name}[${index}]`, error);
    }
    return out;
  }

  optionalStringArray(value: unknown, name: string): string[] | undefined {
    return isAbsent(value) ? undefined : this.stringArray(value, name);
  }

  /** A plain object (not null, not an array): the shape of every structured argument. */
  object(value: unknown, name: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || isArray(value, name)) throw wrongType(name, 'an object', value);
    return value as Record<string, unknown>;
  }

  /**
   * A plain snapshot of the fields `keys` of the structured argument `name`, each read exactly
   * once; a getter or proxy that throws is `INVALID_REQUEST` (`<name>.<key> could not be read: …`).
   */
  private fields<K extends string>(value: unknown, name: string, keys: readonly K[]): Record<K, unknown> {
    const record = this.object(value, name);
    const snapshot = {} as Record<K, unknown>;
    for (const key of keys) {
      try {
        snapshot[key] = record[key];
      } catch (error) {
        throw unreadable(`${name}.${key}`, error);
      }
    }
    return snapshot;
  }

  /** A required free-form JSON value (`null` allowed), through the JSON policy. */
  json(value: unknown, name: string): JsonValue {
    return this.policy.normalize(value, name);
  }

  /** An optional free-form JSON value: absent (`undefined` or `null`) is left out. */
  optionalJson(value: unknown, name: string): JsonValue | undefined {
    return isAbsent(value) ? undefined : this.policy.normalize(value, name);
  }

  /** An optional free-form JSON object (tasker keeps nothing else in these fields). */
  optionalJsonObject(value: unknown, name: string): JsonObject | undefined {
    if (isAbsent(value)) return undefined;
    return this.json(this.object(value, name), name) as JsonObject;
  }

  /** Ids (event, task, step UUIDs) are string arguments; whether they are UUIDs is for the core to say. */
  id(value: unknown, name: string): string {
    return this.argument(value, name);
  }

  // -------------------------------------------------------------------------------------------
  // Structured arguments
  // -------------------------------------------------------------------------------------------

  bootstrapConfig(value: unknown): BootstrapConfig | undefined {
    if (isAbsent(value)) return undefined;
    const c = this.fields(value, 'config', ['seed', 'clockStart', 'clockTickMs', 'templatePath', 'namespaces', 'logLevel', 'stepTimeoutMs', 'starvationThresholdMs']);
    return defined<BootstrapConfig>({
      seed: this.optionalInteger(c.seed, 'config.seed', 'u32'),
      clockStart: this.optionalString(c.clockStart, 'config.clockStart'),
      clockTickMs: this.optionalInteger(c.clockTickMs, 'config.clockTickMs', 'u32'),
      templatePath: this.optionalString(c.templatePath, 'config.templatePath'),
      namespaces: this.optionalStringArray(c.namespaces, 'config.namespaces'),
      logLevel: this.optionalString(c.logLevel, 'config.logLevel') as LogLevel | undefined,
      stepTimeoutMs: this.optionalInteger(c.stepTimeoutMs, 'config.stepTimeoutMs', 'u32'),
      starvationThresholdMs: this.optionalInteger(c.starvationThresholdMs, 'config.starvationThresholdMs', 'u32'),
    });
  }

  taskRequest(value: unknown): TaskRequest {
    const r = this.fields(value, 'request', ['name', 'namespace', 'version', 'context', 'initiator', 'sourceSystem', 'reason', 'tags', 'priority', 'correlationId', 'parentCorrelationId', 'idempotencyKey', 'options', 'requestedAt']);
    return defined<TaskRequest>({
      name: this.string(r.name, 'request.name'),
      namespace: this.string(r.namespace, 'request.namespace'),
      version: this.string(r.version, 'request.version'),
      context: this.json(r.context, 'request.context'),
      initiator: this.string(r.initiator, 'request.initiator'),
      sourceSystem: this.string(r.sourceSystem, 'request.sourceSystem'),
      reason: this.string(r.reason, 'request.reason'),
      tags: this.optionalStringArray(r.tags, 'request.tags'),
      priority: this.optionalInteger(r.priority, 'request.priority', 'i32'),
      correlationId: this.optionalString(r.correlationId, 'request.correlationId'),
      parentCorrelationId: this.optionalString(r.parentCorrelationId, 'request.parentCorrelationId'),
      idempotencyKey: this.optionalString(r.idempotencyKey, 'request.idempotencyKey'),
      options: this.optionalJson(r.options, 'request.options'),
      requestedAt: this.optionalString(r.requestedAt, 'request.requestedAt'),
    });
  }

  listTasksParams(value: unknown): ListTasksParams | undefined {
    if (isAbsent(value)) return undefined;
    const p = this.fields(value, 'params', ['limit', 'offset', 'namespace', 'status']);
    return defined<ListTasksParams>({
      limit: this.optionalInteger(p.limit, 'params.limit', 'i32'),
      offset: this.optionalInteger(p.offset, 'params.offset', 'i32'),
      namespace: this.optionalString(p.namespace, 'params.namespace'),
      status: this.optionalString(p.status, 'params.status'),
    });
  }

  private stepExecutionMetadata(value: unknown, name: string): StepExecutionMetadata {
    const m = this.fields(value, name, ['executionTimeMs', 'workerId', 'completedAt', 'retryable', 'errorType', 'errorCode', 'custom']);
    return defined<StepExecutionMetadata>({
      executionTimeMs: this.integer(m.executionTimeMs, `${name}.executionTimeMs`, 'i64'),
      workerId: this.optionalString(m.workerId, `${name}.workerId`),
      completedAt: this.string(m.completedAt, `${name}.completedAt`),
      retryable: this.optionalBoolean(m.retryable, `${name}.retryable`),
      errorType: this.optionalString(m.errorType, `${name}.errorType`),
      errorCode: this.optionalString(m.errorCode, `${name}.errorCode`),
      custom: this.optionalJsonObject(m.custom, `${name}.custom`),
    });
  }

  private stepExecutionError(value: unknown, name: string): StepExecutionError | undefined {
    if (isAbsent(value)) return undefined;
    const e = this.fields(value, name, ['message', 'errorType', 'retryable', 'statusCode', 'backtrace', 'context']);
    return defined<StepExecutionError>({
      message: this.string(e.message, `${name}.message`),
      errorType: this.optionalString(e.errorType, `${name}.errorType`),
      retryable: this.optionalBoolean(e.retryable, `${name}.retryable`),
      statusCode: this.optionalInteger(e.statusCode, `${name}.statusCode`, 'u16'),
      backtrace: this.optionalStringArray(e.backtrace, `${name}.backtrace`),
      context: this.optionalJsonObject(e.context, `${name}.context`),
    });
  }

  stepExecutionResult(value: unknown): StepExecutionResult {
    const r = this.fields(value, 'result', ['stepUuid', 'success', 'result', 'status', 'metadata', 'error', 'orchestrationMetadata']);
    return defined<StepExecutionResult>({
      stepUuid: this.string(r.stepUuid, 'result.stepUuid'),
      success: this.boolean(r.success, 'result.success'),
      result: this.json(r.result, 'result.result'),
      status: this.string(r.status, 'result.status') as StepExecutionResult['status'],
      metadata: this.stepExecutionMetadata(r.metadata, 'result.metadata'),
      error: this.stepExecutionError(r.error, 'result.error'),
      orchestrationMetadata: this.optionalJsonObject(r.orchestrationMetadata, 'result.orchestrationMetadata'),
    });
  }

  checkpointYieldData(value: unknown): CheckpointYieldData {
    const d = this.fields(value, 'data', ['stepUuid', 'cursor', 'itemsProcessed', 'accumulatedResults']);
    return defined<CheckpointYieldData>({
      stepUuid: this.string(d.stepUuid, 'data.stepUuid'),
      cursor: this.json(d.cursor, 'data.cursor'),
      itemsProcessed: this.integer(d.itemsProcessed, 'data.itemsProcessed', 'u32'),
      accumulatedResults: this.optionalJsonObject(d.accumulatedResults, 'data.accumulatedResults'),
    });
  }

  /** Log fields are an object of JSON values, or absent (`undefined`/`null`). */
  logFields(value: unknown): JsonObject | undefined {
    return this.optionalJsonObject(value, 'log fields');
  }
}
