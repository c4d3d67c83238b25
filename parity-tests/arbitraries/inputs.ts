/**
 * Inputs of the 28 operations, valid and invalid: structured arguments whose fields may be
 * missing, `undefined`, `null`, of the wrong type, out of range, or hostile; ids that refer to
 * real entities of a scenario (resolved when the scenario has run) or to nothing; and the
 * scenarios themselves (the engine state an operation is called in).
 */
import fc from 'fast-check';

import type { JsonObject, TaskRequest } from '../../src/contract.js';
import { STEP_TYPE_TEMPLATES } from '../fixtures.js';
import { anyContext, anyValue, finiteNumber, jsonObject, UNSAFE_INTEGERS } from './values.js';
import { anyString, acceptableString, stringWithLoneSurrogate, stringWithNul, unicodeString } from './strings.js';

// ---------------------------------------------------------------------------------------------
// Optional fields: missing key, undefined, null, or a value
// ---------------------------------------------------------------------------------------------

/** Marks a key to leave out of an object built by `objectOf`. */
export const MISSING: unique symbol = Symbol('missing key');
export type Maybe<T> = T | null | undefined | typeof MISSING;

/** A field that may be a missing key, `undefined`, `null`, or `value`. */
export function maybe<T>(value: fc.Arbitrary<T>, weights: { missing?: number; undefined?: number; null?: number; value?: number } = {}): fc.Arbitrary<Maybe<T>> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(MISSING), weight: weights.missing ?? 3 },
    { arbitrary: fc.constant(undefined), weight: weights.undefined ?? 1 },
    { arbitrary: fc.constant(null), weight: weights.null ?? 1 },
    { arbitrary: value, weight: weights.value ?? 5 },
  );
}

/** The object of `fields`, without the `MISSING` ones (an explicit `undefined` stays a key). */
export function objectOf(fields: Record<string, unknown>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== MISSING) object[key] = value;
  return object;
}

/** Values of the wrong JS type for any field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(true, 0, 1, -1, '', 'x', [], {}, Number.NaN),
  fc.bigInt({ min: -5n, max: 5n }),
  fc.constant(null).map(() => new Date(0)),
);

// ---------------------------------------------------------------------------------------------
// Integer fields (u32, i32, i64 on the Rust side)
// ---------------------------------------------------------------------------------------------

export type IntegerKind = 'u16' | 'u32' | 'i32' | 'i64';
const RANGES: Record<IntegerKind, [number, number]> = {
  u16: [0, 0xffff],
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Any number (or number-like value) sent to an integer field: in range, at the edges, or not. */
export function integerInput(kind: IntegerKind): fc.Arbitrary<unknown> {
  const [min, max] = RANGES[kind];
  return fc.oneof(
    { arbitrary: fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) }), weight: 6 },
    { arbitrary: fc.constantFrom(min, max, min - 1, max + 1, 0, -0, 1), weight: 3 },
    { arbitrary: fc.constantFrom(-1, 1.5, -0.5, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53 + 2, ...UNSAFE_INTEGERS), weight: 2 },
    { arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), weight: 1 },
    { arbitrary: finiteNumber, weight: 1 },
    { arbitrary: fc.oneof(fc.constantFrom('1', '0x10', true), fc.bigInt({ min: 0n, max: 2n ** 64n })), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

export type IdVariant = 'exact' | 'upper' | 'braced' | 'urn' | 'simple';
export type EntityKind = 'task' | 'step' | 'event';

/** Where an id argument comes from: a real entity of the scenario, a UUID of nothing, or a literal. */
export type IdRef =
  | { readonly ref: EntityKind; readonly index: number; readonly variant: IdVariant }
  | { readonly uuid: string }
  | { readonly literal: unknown };

/** Writes `uuid` in one of the forms `Uuid::parse_str` accepts. */
export function idVariant(uuid: string, variant: IdVariant): string {
  switch (variant) {
    case 'exact':
      return uuid;
    case 'upper':
      return uuid.toUpperCase();
    case 'braced':
      return `{${uuid}}`;
    case 'urn':
      return `urn:uuid:${uuid}`;
    case 'simple':
      return uuid.replace(/-/g, '');
  }
}

/** A string that is not a UUID at all, or barely not one. */
export const notAUuid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'nope', '00000000-0000-0000-0000-00000000000', '00000000-0000-0000-0000-0000000000000', 'g0000000-0000-4000-8000-000000000000'),
  fc.uuid({ version: 4 }).map((u) => ` ${u}`),
  fc.uuid({ version: 4 }).map((u) => `${u}\n`),
  anyString,
);

/** An id argument referring to an entity of `kind` (or not). */
export function idRef(kind: EntityKind): fc.Arbitrary<IdRef> {
  return fc.oneof(
    { arbitrary: fc.record({ ref: fc.constant(kind), index: fc.nat(6), variant: fc.constantFrom<IdVariant>('exact', 'exact', 'exact', 'upper', 'braced', 'urn', 'simple') }), weight: 8 },
    { arbitrary: fc.record({ ref: fc.constantFrom<EntityKind>('task', 'step', 'event'), index: fc.nat(6), variant: fc.constant<IdVariant>('exact') }), weight: 1 },
    { arbitrary: fc.uuid({ version: [1, 4, 7] }).map((uuid) => ({ uuid })), weight: 2 },
    { arbitrary: notAUuid.map((literal) => ({ literal })), weight: 2 },
    { arbitrary: wrongType.map((literal) => ({ literal })), weight: 1 },
    { arbitrary: stringWithNul.map((s) => ({ literal: s })), weight: 1 },
  );
}

/** Resolves an `IdRef` against the ids a scenario produced (an index wraps; no entity: a fresh UUID). */
export function resolveId(ref: IdRef, ids: Record<EntityKind, readonly string[]>): unknown {
  if ('literal' in ref) return ref.literal;
  if ('uuid' in ref) return ref.uuid;
  const list = ids[ref.ref];
  if (list.length === 0) return '00000000-0000-4000-8000-000000000000';
  return idVariant(list[ref.index % list.length] as string, ref.variant);
}

// ---------------------------------------------------------------------------------------------
// Task requests
// ---------------------------------------------------------------------------------------------

/** The shipped templates: `[namespace, name, version]`. */
export const SHIPPED_TEMPLATES = [
  ['ecommerce', 'order_processing', '1.0.0'],
  ['analytics', 'report', '1.0.0'],
  ['batch', 'import', '1.0.0'],
] as const;

/** The step-type fixtures (namespace `fixtures`): batches, a decision, a checkpointed worker, events, a deep DAG. */
export const FIXTURE_TEMPLATES = [
  ['fixtures', 'fanout', '1.0.0'],
  ['fixtures', 'routing', '1.0.0'],
  ['fixtures', 'checkpointed', '1.0.0'],
  ['fixtures', 'events', '1.0.0'],
  ['fixtures', 'deep', '1.0.0'],
] as const;

/** The folder of the fixture templates, relative to the package root (a scenario bootstraps with it). */
export const FIXTURE_TEMPLATE_FOLDER = STEP_TYPE_TEMPLATES;

/** Every template a scenario may create a task of: `[2]` is `batch/import` (its worker may checkpoint). */
export const TEMPLATES = [...SHIPPED_TEMPLATES, ...FIXTURE_TEMPLATES] as const;
export type TemplateRef = (typeof TEMPLATES)[number];

/** Batchable template steps and the batch-worker template their outcome names. */
export const BATCHABLE_STEPS: Readonly<Record<string, string>> = { prepare_import: 'import_rows', plan: 'count_slice', size_up: 'chew' };
/** Batch-worker template steps: the only steps allowed to checkpoint-yield. */
export const BATCH_WORKER_STEPS: readonly string[] = Object.values(BATCHABLE_STEPS);
/** Decision template steps and the branches their outcome may name. */
export const DECISION_STEPS: Readonly<Record<string, readonly string[]>> = { choose: ['fast_lane', 'slow_lane'] };

/**
 * The result a handler of template step `step` returns on success: what the engine acts on (a
 * batchable's `batch_processing_outcome`, a decision's `decision_point_outcome`, the events
 * template's schema-checked `member_id`), plus a marker of the attempt.
 */
export function successOutput(step: string, attempt: number, choice: { batches: number; branches: readonly string[] }): JsonObject {
  const base: JsonObject = { step, attempt };
  const worker = BATCHABLE_STEPS[step];
  if (worker !== undefined) {
    if (choice.batches === 0) return { ...base, batch_processing_outcome: { type: 'no_batches' } };
    const cursorConfigs = Array.from({ length: choice.batches }, (_, i) => ({
      batch_id: String(i + 1).padStart(3, '0'),
      start_cursor: i * 100,
      end_cursor: (i + 1) * 100,
      batch_size: 100,
    }));
    return {
      ...base,
      batch_processing_outcome: { type: 'create_batches', worker_template_name: worker, worker_count: choice.batches, cursor_configs: cursorConfigs, total_items: choice.batches * 100 },
    };
  }
  if (DECISION_STEPS[step] !== undefined) {
    const names = choice.branches.filter((name) => DECISION_STEPS[step]?.includes(name));
    return { ...base, decision_point_outcome: names.length === 0 ? { type: 'no_branches' } : { type: 'create_steps', step_names: names } };
  }
  if (step === 'sign_up') return { ...base, member_id: `member-${attempt}` };
  return base;
}

/** RFC 3339 / ISO 8601 text, valid or not, and non-strings. */
export const requestedAtInput: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.date({ noInvalidDate: true, min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)) }).map((d) => d.toISOString()), weight: 4 },
  { arbitrary: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T02:00:00+02:00', '2026-01-01T00:00:00', '2026-01-01T00:00:00.123456', '2026-01-01T00:00:00.5-05:30', '2026-06-30T23:59:60Z'), weight: 3 },
  { arbitrary: fc.constantFrom('', 'yesterday', '2026-01-01', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00Zjunk', ' 2026-01-01T00:00:00Z', '2026-01-01 00:00:00', '+275760-09-13T00:00:00.000Z'), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1_700_000_000_000, true).map((v) => v as unknown), weight: 1 },
  { arbitrary: fc.constant(null).map(() => new Date(0)), weight: 1 },
  { arbitrary: anyString, weight: 1 },
);

/** A correlation id: a UUID in any accepted form, or not a UUID. */
export const correlationIdInput: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.tuple(fc.uuid({ version: 4 }), fc.constantFrom<IdVariant>('exact', 'upper', 'braced', 'urn', 'simple')).map(([u, v]) => idVariant(u, v)), weight: 4 },
  { arbitrary: notAUuid, weight: 1 },
  { arbitrary: wrongType, weight: 1 },
);

/** Idempotency keys from a small alphabet, so two requests of one property often collide. */
export const idempotencyKeyInput: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom('key-1', 'key-2', 'clé-3', '🔑'), weight: 4 },
  { arbitrary: fc.constant(''), weight: 1 },
  { arbitrary: anyString, weight: 1 },
  { arbitrary: wrongType, weight: 1 },
);

/** A string field: usually fine, sometimes hostile (lone surrogate, NUL, long), sometimes not a string. */
export const stringFieldInput: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: acceptableString(16), weight: 6 },
  { arbitrary: anyString, weight: 2 },
  { arbitrary: stringWithLoneSurrogate, weight: 1 },
  { arbitrary: wrongType, weight: 1 },
);

/** `[namespace, name, version]`: a shipped template, a near miss, or garbage. */
export const templateInput: fc.Arbitrary<readonly [unknown, unknown, unknown]> = fc.oneof(
  { arbitrary: fc.constantFrom(...TEMPLATES), weight: 10 },
  {
    arbitrary: fc.tuple(fc.constantFrom(...TEMPLATES), fc.nat(2), fc.oneof(fc.constantFrom('', ' ', '2.0.0', 'ECOMMERCE', 'order_processing '), stringFieldInput)).map(
      ([template, slot, value]) => template.map((part, index) => (index === slot ? value : part)) as unknown as readonly [unknown, unknown, unknown],
    ),
    weight: 3,
  },
);

/** A task request as a caller might build it (keys in contract camelCase; every field may be off). */
export function taskRequestInput(context: fc.Arbitrary<unknown> = anyContext()): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      template: templateInput,
      context,
      initiator: fc.oneof({ arbitrary: acceptableString(12), weight: 8 }, { arbitrary: stringFieldInput, weight: 1 }),
      sourceSystem: fc.oneof({ arbitrary: acceptableString(12), weight: 8 }, { arbitrary: stringFieldInput, weight: 1 }),
      reason: fc.oneof({ arbitrary: acceptableString(12), weight: 8 }, { arbitrary: stringFieldInput, weight: 1 }),
      tags: maybe(fc.oneof({ arbitrary: fc.array(acceptableString(8), { maxLength: 3 }), weight: 5 }, { arbitrary: fc.array(stringFieldInput, { maxLength: 2 }), weight: 1 }, { arbitrary: wrongType, weight: 1 })),
      priority: maybe(integerInput('i32')),
      correlationId: maybe(correlationIdInput),
      parentCorrelationId: maybe(correlationIdInput, { missing: 6 }),
      idempotencyKey: maybe(idempotencyKeyInput, { missing: 5 }),
      options: maybe(anyValue({ maxDepth: 2 }), { missing: 6 }),
      requestedAt: maybe(requestedAtInput),
      requiredMissing: fc.oneof({ arbitrary: fc.constant<string | null>(null), weight: 12 }, { arbitrary: fc.constantFrom('name', 'namespace', 'version', 'context', 'initiator', 'sourceSystem', 'reason'), weight: 1 }),
      extra: fc.oneof({ arbitrary: fc.constant<Record<string, unknown>>({}), weight: 8 }, { arbitrary: fc.constantFrom<Record<string, unknown>>({ source_system: 'snake' }, { unknownField: 1 }, { requested_at: '2026-01-01T00:00:00Z' }), weight: 1 }),
    })
    .map(({ template, requiredMissing, extra, ...fields }) => {
      const [namespace, name, version] = template;
      const request = objectOf({ name, namespace, version, ...fields, ...extra });
      if (requiredMissing !== null) delete request[requiredMissing];
      return request;
    });
}

/** A valid request for one of the shipped templates (for scenarios and model-based tests). */
export function validTaskRequest(template: TemplateRef, context: JsonObject = { order_id: 1 }): TaskRequest {
  const [namespace, name, version] = template;
  return { name, namespace, version, context, initiator: 'parity', sourceSystem: 'fast-check', reason: 'parity suite' };
}

// ---------------------------------------------------------------------------------------------
// Worker inputs
// ---------------------------------------------------------------------------------------------

/** How a handler ended: the consistent cases the engine acts on, and inconsistent ones. */
export type OutcomeKind = 'success' | 'retryable' | 'retry-vetoed' | 'permanent' | 'inconsistent' | 'bad-status';

/** A step execution result; `stepUuid` is an `IdRef` resolved against the event being completed. */
export interface StepResultInput {
  readonly outcome: OutcomeKind;
  readonly stepRef: IdRef | 'own';
  readonly fields: Record<string, unknown>;
}

export const stepResultInput: fc.Arbitrary<StepResultInput> = fc
  .record({
    outcome: fc.constantFrom<OutcomeKind>('success', 'success', 'success', 'retryable', 'retryable', 'retry-vetoed', 'permanent', 'inconsistent', 'bad-status'),
    stepRef: fc.oneof({ arbitrary: fc.constant<'own'>('own'), weight: 8 }, { arbitrary: idRef('step'), weight: 2 }),
    result: fc.oneof({ arbitrary: anyValue({ maxDepth: 3 }), weight: 6 }, { arbitrary: fc.constant(undefined), weight: 1 }),
    executionTimeMs: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 60_000 }), weight: 6 }, { arbitrary: integerInput('i64'), weight: 2 }),
    workerId: maybe(stringFieldInput),
    completedAt: fc.oneof({ arbitrary: fc.constant('2026-01-01T00:00:05.000Z'), weight: 6 }, { arbitrary: stringFieldInput, weight: 1 }),
    metadataRetryable: maybe(fc.oneof({ arbitrary: fc.boolean(), weight: 5 }, { arbitrary: wrongType, weight: 1 })),
    errorType: maybe(stringFieldInput),
    errorCode: maybe(stringFieldInput),
    custom: maybe(anyValue({ maxDepth: 2 }), { missing: 5 }),
    error: maybe(
      fc.record({
        message: fc.oneof({ arbitrary: acceptableString(20), weight: 6 }, { arbitrary: stringFieldInput, weight: 1 }),
        errorType: maybe(stringFieldInput),
        retryable: maybe(fc.boolean()),
        statusCode: maybe(fc.oneof(fc.constantFrom(400, 404, 500, 503), integerInput('u16'))),
        backtrace: maybe(fc.oneof(fc.array(acceptableString(10), { maxLength: 3 }), wrongType)),
        context: maybe(anyValue({ maxDepth: 2 })),
      }).map(objectOf),
      { missing: 2 },
    ),
    // tasker's `orchestration_metadata`: a `Retry-After` header sets the retry delay (backoff_request_seconds).
    orchestrationMetadata: maybe(
      fc.oneof(anyValue({ maxDepth: 2 }), fc.constantFrom('1', '30', '100000', 'soon', '-1').map((after) => ({ headers: { 'Retry-After': after } }))),
      { missing: 6 },
    ),
    status: fc.oneof(fc.constantFrom('completed', 'failed', 'error', 'COMPLETED', 'done', ''), wrongType),
  })
  .map(({ outcome, stepRef, status, metadataRetryable, error, ...f }) => {
    const [success, chosenStatus]: [unknown, unknown] =
      outcome === 'success'
        ? [true, 'completed']
        : outcome === 'retryable' || outcome === 'retry-vetoed'
          ? [false, 'failed']
          : outcome === 'permanent'
            ? [false, 'error']
            : outcome === 'inconsistent'
              ? [true, 'failed']
              : [false, status];
    const metadata = objectOf({
      executionTimeMs: f.executionTimeMs,
      workerId: f.workerId,
      completedAt: f.completedAt,
      retryable: outcome === 'retry-vetoed' ? false : metadataRetryable,
      errorType: f.errorType,
      errorCode: f.errorCode,
      custom: f.custom,
    });
    return {
      outcome,
      stepRef,
      fields: objectOf({ success, result: f.result, status: chosenStatus, metadata, error, orchestrationMetadata: f.orchestrationMetadata }),
    };
  });

/** Checkpoint data; `stepUuid` resolved like a step result's. */
export interface CheckpointInput {
  readonly stepRef: IdRef | 'own';
  readonly fields: Record<string, unknown>;
}

export const checkpointInput: fc.Arbitrary<CheckpointInput> = fc
  .record({
    stepRef: fc.oneof({ arbitrary: fc.constant<'own'>('own'), weight: 8 }, { arbitrary: idRef('step'), weight: 2 }),
    cursor: fc.oneof({ arbitrary: anyValue({ maxDepth: 3 }), weight: 8 }, { arbitrary: fc.constant(undefined), weight: 1 }),
    itemsProcessed: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 6 }, { arbitrary: integerInput('u32'), weight: 2 }),
    accumulatedResults: maybe(anyValue({ maxDepth: 2 })),
  })
  .map(({ stepRef, ...fields }) => ({ stepRef, fields: objectOf(fields) }));

// ---------------------------------------------------------------------------------------------
// Bootstrap config, list params, log calls
// ---------------------------------------------------------------------------------------------

/** Template folders (relative to the package root, the suites' cwd): valid, lenient, malformed, cyclic, duplicate, missing. */
export const TEMPLATE_FOLDERS = [
  FIXTURE_TEMPLATE_FOLDER,
  'crates/tasker-core/tests/fixtures/templates/lenient',
  'crates/tasker-core/tests/fixtures/templates/bad_decision',
  'crates/tasker-core/tests/fixtures/templates/malformed',
  'crates/tasker-core/tests/fixtures/templates/cyclic',
  'crates/tasker-core/tests/fixtures/templates/duplicate',
  'crates/tasker-core/tests/fixtures/templates/does-not-exist',
] as const;

/**
 * A bootstrap config. Its `seed` is usually valid: an unseeded engine runs on real time with
 * random ids, which the parity property then compares only up to those ids.
 */
export const bootstrapConfigInput: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc
      .record({
        seed: maybe(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 0xffff_ffff }), weight: 8 }, { arbitrary: integerInput('u32'), weight: 2 }), { missing: 1, undefined: 0, null: 0, value: 12 }),
        clockStart: maybe(fc.oneof(requestedAtInput, fc.constant('2026-01-01T00:00:00Z'))),
        clockTickMs: maybe(integerInput('u32')),
        templatePath: maybe(fc.oneof({ arbitrary: fc.constantFrom(...TEMPLATE_FOLDERS), weight: 4 }, { arbitrary: stringFieldInput, weight: 1 }), { missing: 8 }),
        namespaces: maybe(fc.oneof(fc.constant([] as string[]), fc.subarray(['ecommerce', 'analytics', 'batch', 'fixtures', 'nope'], { minLength: 1 }), fc.array(stringFieldInput, { maxLength: 2 }), wrongType), { missing: 8 }),
        // Only levels that keep the test output quiet ("off", "error"), and invalid ones.
        logLevel: maybe(fc.oneof(fc.constantFrom('off', 'none', '', 'error', 'ERROR', 'loud', 'warning!'), stringFieldInput), { missing: 8 }),
        stepTimeoutMs: maybe(integerInput('u32'), { missing: 8 }),
        starvationThresholdMs: maybe(integerInput('u32'), { missing: 8 }),
        extra: fc.oneof({ arbitrary: fc.constant<Record<string, unknown>>({}), weight: 10 }, { arbitrary: fc.constantFrom<Record<string, unknown>>({ clock_tick_ms: 5 }, { unknown: true }), weight: 1 }),
      })
      .map(({ extra, ...fields }) => ({ ...objectOf(fields), ...extra })),
    weight: 12,
  },
  { arbitrary: fc.constantFrom<unknown>(undefined, null, {}, 'config', 7, []), weight: 1 },
);

/** tasker's task states (and a few near misses are added where they are drawn). */
export const TASK_STATUSES = ['pending', 'initializing', 'enqueuing_steps', 'steps_in_process', 'evaluating_results', 'complete', 'blocked_by_failures', 'cancelled'] as const;

export const listTasksParamsInput: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc
      .record({
        limit: maybe(fc.oneof(fc.integer({ min: 0, max: 101 }), integerInput('i32'))),
        offset: maybe(fc.oneof(fc.integer({ min: 0, max: 120 }), integerInput('i32'))),
        namespace: maybe(fc.oneof(fc.constantFrom('ecommerce', 'analytics', 'batch', 'nope'), stringFieldInput)),
        status: maybe(fc.oneof(fc.constantFrom(...TASK_STATUSES, 'PENDING', 'in_progress', 'done'), stringFieldInput)),
        extra: fc.oneof({ arbitrary: fc.constant<Record<string, unknown>>({}), weight: 10 }, { arbitrary: fc.constantFrom<Record<string, unknown>>({ per_page: 1 }, { page: 2 }, { sort: 'asc' }), weight: 1 }),
      })
      .map(({ extra, ...fields }) => ({ ...objectOf(fields), ...extra })),
    weight: 12,
  },
  { arbitrary: fc.constantFrom<unknown>(undefined, null, {}, 'params', 3, [1]), weight: 1 },
);

export const LOG_OPERATIONS = ['logError', 'logWarn', 'logInfo', 'logDebug', 'logTrace'] as const;

/** A log call's arguments: any message (or a non-string), and optional fields of any shape. */
export const logInput = fc.record({
  message: fc.oneof({ arbitrary: anyString, weight: 8 }, { arbitrary: wrongType, weight: 1 }),
  fields: fc.oneof(
    { arbitrary: fc.constant<unknown>(MISSING), weight: 3 },
    { arbitrary: fc.constantFrom<unknown>(undefined, null), weight: 1 },
    { arbitrary: jsonObject({ maxDepth: 3 }), weight: 4 },
    { arbitrary: anyContext({ maxDepth: 2 }), weight: 3 },
    { arbitrary: wrongType, weight: 1 },
  ),
});

// ---------------------------------------------------------------------------------------------
// Scenarios: the engine state an operation is called in
// ---------------------------------------------------------------------------------------------

/** What a scenario does before the operation under test: bootstrap, create, poll, complete, … */
export interface Scenario {
  /** Engine seed (both backends get the same). */
  readonly seed: number;
  readonly clockTickMs: number;
  readonly worker: 'stopped' | 'running' | 'shutting_down';
  /** Tasks to create, in order, with their contexts. */
  readonly tasks: readonly { readonly template: TemplateRef; readonly context: JsonObject }[];
  /** Then, this many rounds of "poll one step, and (maybe) finish it". */
  readonly rounds: readonly ('leave' | 'success' | 'retryable' | 'permanent' | 'checkpoint' | 'cancel-task')[];
  /** Batches a successful batchable step asks for (0: `no_batches`). */
  readonly batches: number;
  /** Branches a successful decision step creates. */
  readonly branches: readonly string[];
}

export function scenarioInput(options: { worker?: Scenario['worker'][]; maxTasks?: number; context?: fc.Arbitrary<JsonObject> } = {}): fc.Arbitrary<Scenario> {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0xffff_ffff }),
    clockTickMs: fc.constantFrom(1000, 1000, 250, 5000, 61_000, 0),
    worker: fc.constantFrom(...(options.worker ?? ['running', 'running', 'running', 'running', 'stopped', 'shutting_down'])),
    tasks: fc.array(
      fc.record({ template: fc.constantFrom(...TEMPLATES), context: options.context ?? jsonObject({ maxDepth: 2, maxKeys: 3 }) }),
      { maxLength: options.maxTasks ?? 3 },
    ),
    rounds: fc.array(fc.constantFrom('leave', 'success', 'success', 'success', 'retryable', 'permanent', 'checkpoint', 'cancel-task'), { maxLength: 8 }),
    batches: fc.integer({ min: 0, max: 3 }),
    branches: fc.subarray(['fast_lane', 'slow_lane']),
  });
}

/** Every string kind a plain string argument may be: for the id and message properties. */
export const stringArgumentInput: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: anyString, weight: 6 },
  { arbitrary: unicodeString({ maxLength: 40 }), weight: 2 },
  { arbitrary: wrongType, weight: 1 },
);
