/**
 * Type-level parity: the contract (`src/contract.ts`) and the two generated wire descriptions
 * agree field for field, as the one mapping (`src/backends/wire.ts`) maps them, so a field added,
 * renamed or made optional on one side only fails `tsc --noEmit` and `vitest --typecheck`:
 *
 * - the ts-rs declarations of the wire JSON (`src/generated/legacy`, snake_case), which both
 *   transports carry and `wire.ts` maps;
 * - the napi CLI's `napi-ffi/index.d.ts`: tasker's object surface of the addon (`Napi…`, camelCase),
 *   which our backends do not call but which tasker's worker type-checks against.
 *
 * Compared after normalising what differs by nature, and only that:
 * - key case: snake_case → camelCase;
 * - free-form JSON: `unknown` (ts-rs), `any` (napi), `JsonValue` / `JsonObject` (contract) and
 *   objects of JSON values (`Record<string, unknown>`) are all "JSON";
 * - absence: `field?: T`, `T | undefined` and `T | null` are all "absentable T";
 * - string-literal unions of the contract (`LogLevel`, result `status`) are strings on the wire;
 * - a map's values: ts-rs writes `{ [key in string]?: V }`, napi and the contract `Record<string, V>`.
 *
 * What the mapping does on purpose beyond that (a default it fills, a wire field it drops, a napi
 * object that flattens a nested one) is written out per pair below with `Filled`, `Drop`,
 * `AsJson`, `Flatten`; each names keys that must exist, so a rename breaks the table too.
 */
import { describe, expectTypeOf, test } from 'vitest';

import type * as Contract from '../../src/contract.js';
import type * as Napi from '../../napi-ffi/index.js';
import type { BootstrapConfig as LBootstrapConfig } from '../../src/generated/legacy/BootstrapConfig.js';
import type { BootstrapResultDto } from '../../src/generated/legacy/BootstrapResultDto.js';
import type { CancelResponse as LCancelResponse } from '../../src/generated/legacy/CancelResponse.js';
import type { CheckpointYieldData as LCheckpointYieldData } from '../../src/generated/legacy/CheckpointYieldData.js';
import type { DependencyResultDto } from '../../src/generated/legacy/DependencyResultDto.js';
import type { DispatchMetricsDto } from '../../src/generated/legacy/DispatchMetricsDto.js';
import type { DomainEventDto } from '../../src/generated/legacy/DomainEventDto.js';
import type { DomainEventMetadataDto } from '../../src/generated/legacy/DomainEventMetadataDto.js';
import type { HandlerDefinitionDto } from '../../src/generated/legacy/HandlerDefinitionDto.js';
import type { HealthResponse as LHealthResponse } from '../../src/generated/legacy/HealthResponse.js';
import type { ListTasksParams as LListTasksParams } from '../../src/generated/legacy/ListTasksParams.js';
import type { PaginationInfo as LPaginationInfo } from '../../src/generated/legacy/PaginationInfo.js';
import type { RetryConfigurationDto } from '../../src/generated/legacy/RetryConfigurationDto.js';
import type { StepAuditResponse as LStepAuditResponse } from '../../src/generated/legacy/StepAuditResponse.js';
import type { StepDefinitionDto } from '../../src/generated/legacy/StepDefinitionDto.js';
import type { StepEventDto } from '../../src/generated/legacy/StepEventDto.js';
import type { StepExecutionError as LStepExecutionError } from '../../src/generated/legacy/StepExecutionError.js';
import type { StepExecutionErrorDto } from '../../src/generated/legacy/StepExecutionErrorDto.js';
import type { StepExecutionMetadata as LStepExecutionMetadata } from '../../src/generated/legacy/StepExecutionMetadata.js';
import type { StepExecutionResult as LStepExecutionResult } from '../../src/generated/legacy/StepExecutionResult.js';
import type { StepReadinessStatus as LStepReadinessStatus } from '../../src/generated/legacy/StepReadinessStatus.js';
import type { StepResponse as LStepResponse } from '../../src/generated/legacy/StepResponse.js';
import type { StopResultDto } from '../../src/generated/legacy/StopResultDto.js';
import type { TaskDto } from '../../src/generated/legacy/TaskDto.js';
import type { TaskListResponse as LTaskListResponse } from '../../src/generated/legacy/TaskListResponse.js';
import type { TaskRequest as LTaskRequest } from '../../src/generated/legacy/TaskRequest.js';
import type { TaskResponse as LTaskResponse } from '../../src/generated/legacy/TaskResponse.js';
import type { TransitionResultDto } from '../../src/generated/legacy/TransitionResultDto.js';
import type { WorkerStatusDto } from '../../src/generated/legacy/WorkerStatusDto.js';
import type { WorkflowStepDto } from '../../src/generated/legacy/WorkflowStepDto.js';

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Free-form JSON, whichever way a declaration spells it. */
interface Json {
  readonly __json: true;
}
/** An object with only a string index signature (a free-form JSON object when its values are JSON). */
type IsJsonObject<T> = T extends object ? (string extends keyof T ? (IsJson<T[string]> extends true ? true : false) : false) : false;
type IsJson<T> = IsAny<T> extends true
  ? true
  : unknown extends T
    ? true
    : [NonNullable<Contract.JsonValue>] extends [NonNullable<T>]
      ? true
      : IsJsonObject<NonNullable<T>>;

/** A field: its normalised value type, and whether it may be absent (optional, undefined or null). */
interface Field<V, Absent extends boolean> {
  readonly value: V;
  readonly absent: Absent;
}

type Absentable<T> = undefined extends T ? true : null extends T ? true : false;

/** The shape of `T` with keys camelCased when `C` is true (the wire's snake_case JSON). */
type Norm<T, C extends boolean> =
  IsJson<T> extends true
    ? Json
    : T extends string
      ? string
      : T extends number
        ? number
        : T extends boolean
          ? boolean
          : T extends readonly (infer Item)[]
            ? Norm<Item, C>[]
            : T extends object
              ? {
                  [K in keyof T as K extends string ? (C extends true ? Camel<K> : K) : never]-?: string extends K
                    ? Value<T[K], C>
                    : Field<Value<T[K], C>, Absentable<T[K]>>;
                }
              : T;

/** A field's value without its absence (JSON is checked first: `NonNullable<unknown>` is `{}`). */
type Value<T, C extends boolean> = IsJson<T> extends true ? Json : Norm<NonNullable<T>, C>;

/** Wire (ts-rs) JSON, normalised. */
type W<T> = Norm<T, true>;
/** napi or contract shapes, normalised. */
type N<T> = Norm<T, false>;

// ---------------------------------------------------------------------------------------------
// What the mapping does on purpose (each key must exist in the shape it names)
// ---------------------------------------------------------------------------------------------

type Flat<T> = { [P in keyof T]: T[P] };
/** Keys the mapping always fills: never absent on the side that gets them filled. */
type Filled<S, K extends keyof S> = Flat<{ [P in keyof S]: P extends K ? (S[P] extends Field<infer V, boolean> ? Field<V, false> : never) : S[P] }>;
/** Keys the mapping does not carry (left to the engine's defaults, or read into another field). */
type Drop<S, K extends keyof S> = Flat<{ [P in keyof S as P extends K ? never : P]: S[P] }>;
/** Keys passed through as free-form JSON, whatever structure one side declares. */
type AsJson<S, K extends keyof S> = Flat<{ [P in keyof S]: P extends K ? (S[P] extends Field<unknown, infer A> ? Field<Json, A> : never) : S[P] }>;
/** Keys compared on their own (nested shapes with their own adjustments): only their absence counts here. */
type Shallow<S, K extends keyof S> = Flat<{ [P in keyof S]: P extends K ? (S[P] extends Field<unknown, infer A> ? Field<'nested', A> : never) : S[P] }>;
/** The nested object `K` spread into its parent as `${K}${Field}` keys, as napi's flat objects do. */
type Flatten<S, K extends keyof S & string> = Flat<
  Drop<S, K> &
    (S[K] extends Field<infer V, infer A>
      ? { [P in keyof V & string as `${K}${Capitalize<P>}`]: V[P] extends Field<infer IV, infer IA> ? Field<IV, A extends true ? true : IA> : never }
      : never)
>;
/** A nested shape of a normalised field. */
type Inner<F> = F extends Field<infer V, boolean> ? V : never;

// ---------------------------------------------------------------------------------------------
// Contract <-> wire JSON (src/generated/legacy), as wire.ts maps them
// ---------------------------------------------------------------------------------------------

describe('inputs: the contract and the wire JSON agree (toWire… in wire.ts)', () => {
  test('BootstrapConfig', () => {
    expectTypeOf<N<Contract.BootstrapConfig>>().toEqualTypeOf<W<LBootstrapConfig>>();
  });
  test('TaskRequest: tags is filled with [] (serde default)', () => {
    expectTypeOf<Filled<N<Contract.TaskRequest>, 'tags'>>().toEqualTypeOf<W<LTaskRequest>>();
  });
  test('ListTasksParams', () => {
    expectTypeOf<N<Contract.ListTasksParams>>().toEqualTypeOf<W<LListTasksParams>>();
  });
  test('StepExecutionMetadata: retryable filled (true); the wire fields we never send stay out', () => {
    type Wire = Drop<W<LStepExecutionMetadata>, 'handlerVersion' | 'workerHostname' | 'startedAt' | 'context'>;
    // `custom` has a serde default on the wire (ts-rs writes it required); `completedAt` is ours to require.
    expectTypeOf<Filled<N<Contract.StepExecutionMetadata>, 'retryable' | 'custom'>>().toEqualTypeOf<Filled<Wire, 'completedAt'>>();
  });
  test('StepExecutionError: retryable filled (false)', () => {
    expectTypeOf<Filled<N<Contract.StepExecutionError>, 'retryable'>>().toEqualTypeOf<W<LStepExecutionError>>();
  });
  test('StepExecutionResult: orchestration metadata passes as free-form JSON', () => {
    type Nested = 'metadata' | 'error' | 'orchestrationMetadata';
    expectTypeOf<Shallow<N<Contract.StepExecutionResult>, Nested>>().toEqualTypeOf<Shallow<W<LStepExecutionResult>, Nested>>();
    expectTypeOf<N<Contract.StepExecutionResult>['orchestrationMetadata']>().toEqualTypeOf<
      AsJson<W<LStepExecutionResult>, 'orchestrationMetadata'>['orchestrationMetadata']
    >();
  });
  test('CheckpointYieldData', () => {
    expectTypeOf<N<Contract.CheckpointYieldData>>().toEqualTypeOf<W<LCheckpointYieldData>>();
  });
});

describe('outputs: the wire JSON and the contract agree (fromWire… in wire.ts)', () => {
  test('BootstrapResult: workerId filled ("")', () => {
    expectTypeOf<N<Contract.BootstrapResult>>().toEqualTypeOf<Filled<W<BootstrapResultDto>, 'workerId'>>();
  });
  test('WorkerStatus from get_worker_status: status filled from worker_core_status, pool and API details dropped', () => {
    type Wire = Drop<W<WorkerStatusDto>, 'databasePoolIdle' | 'databasePoolSize' | 'supportedNamespaces' | 'webApiEnabled' | 'workerCoreStatus'>;
    expectTypeOf<N<Contract.WorkerStatus>>().toEqualTypeOf<Filled<Wire, 'status'>>();
  });
  test('WorkerStatus from stop_worker and transition_to_graceful_shutdown: message dropped; running and environment are constants', () => {
    type FromWire = Drop<N<Contract.WorkerStatus>, 'running' | 'environment'>;
    expectTypeOf<FromWire>().toEqualTypeOf<Drop<W<StopResultDto>, 'message'>>();
    // The transition's worker id is always there on the wire; the contract's may be null.
    expectTypeOf<Filled<FromWire, 'workerId'>>().toEqualTypeOf<Drop<W<TransitionResultDto>, 'message'>>();
  });
  test('StepEvent and everything in it (TaskInfo, WorkflowStep, StepDefinition, DependencyResult)', () => {
    expectTypeOf<N<Contract.TaskInfo>>().toEqualTypeOf<W<TaskDto>>();
    expectTypeOf<N<Contract.WorkflowStep>>().toEqualTypeOf<W<WorkflowStepDto>>();
    expectTypeOf<N<Contract.HandlerDefinition>>().toEqualTypeOf<W<HandlerDefinitionDto>>();
    expectTypeOf<N<Contract.RetryConfiguration>>().toEqualTypeOf<W<RetryConfigurationDto>>();
    expectTypeOf<N<Contract.StepDefinition>>().toEqualTypeOf<W<StepDefinitionDto>>();
    expectTypeOf<N<Contract.DependencyError>>().toEqualTypeOf<W<StepExecutionErrorDto>>();
    expectTypeOf<N<Contract.DependencyResult>>().toEqualTypeOf<W<DependencyResultDto>>();
    expectTypeOf<N<Contract.StepEvent>>().toEqualTypeOf<W<StepEventDto>>();
  });
  test('DomainEvent (camelCase on the wire already): firedBy filled ("")', () => {
    expectTypeOf<N<Contract.DomainEventMetadata>>().toEqualTypeOf<Filled<N<DomainEventMetadataDto>, 'firedBy'>>();
    expectTypeOf<Shallow<N<Contract.DomainEvent>, 'metadata'>>().toEqualTypeOf<Shallow<N<DomainEventDto>, 'metadata'>>();
  });
  test('DispatchMetrics', () => {
    expectTypeOf<N<Contract.DispatchMetrics>>().toEqualTypeOf<W<DispatchMetricsDto>>();
  });
  test('client results are the server JSON: the contract re-exports the ts-rs declarations unchanged', () => {
    expectTypeOf<Contract.TaskResponse>().toEqualTypeOf<LTaskResponse>();
    expectTypeOf<Contract.TaskListResponse>().toEqualTypeOf<LTaskListResponse>();
    expectTypeOf<Contract.PaginationInfo>().toEqualTypeOf<LPaginationInfo>();
    expectTypeOf<Contract.StepReadinessStatus>().toEqualTypeOf<LStepReadinessStatus>();
    expectTypeOf<Contract.StepResponse>().toEqualTypeOf<LStepResponse>();
    expectTypeOf<Contract.StepAuditResponse>().toEqualTypeOf<LStepAuditResponse>();
    expectTypeOf<Contract.CancelResponse>().toEqualTypeOf<LCancelResponse>();
    expectTypeOf<Contract.HealthResponse>().toEqualTypeOf<LHealthResponse>();
    expectTypeOf<ReturnType<Contract.TaskerFfi['clientListTasks']>>().toEqualTypeOf<LTaskListResponse>();
    expectTypeOf<ReturnType<Contract.TaskerFfi['clientListTaskSteps']>>().toEqualTypeOf<LStepResponse[]>();
  });
});

// ---------------------------------------------------------------------------------------------
// Contract <-> napi index.d.ts (tasker's object surface of the addon)
// ---------------------------------------------------------------------------------------------

describe("napi's object types and the contract agree", () => {
  test('BootstrapConfig: napi also takes tasker\'s ignored namespace and configPath', () => {
    expectTypeOf<N<Contract.BootstrapConfig>>().toEqualTypeOf<Drop<N<Napi.BootstrapConfig>, 'namespace' | 'configPath'>>();
  });
  test('BootstrapResult and WorkerStatus: the contract fills what napi leaves out', () => {
    expectTypeOf<N<Contract.BootstrapResult>>().toEqualTypeOf<Filled<N<Napi.BootstrapResult>, 'workerId'>>();
    expectTypeOf<N<Contract.WorkerStatus>>().toEqualTypeOf<Filled<N<Napi.WorkerStatus>, 'status'>>();
  });
  test('TaskRequest: tasker\'s napi request has no options and no requestedAt', () => {
    expectTypeOf<Drop<N<Contract.TaskRequest>, 'options' | 'requestedAt'>>().toEqualTypeOf<N<Napi.NapiTaskRequest>>();
  });
  test('ListTasksParams, CheckpointYieldData, DispatchMetrics', () => {
    expectTypeOf<N<Contract.ListTasksParams>>().toEqualTypeOf<N<Napi.NapiListTasksParams>>();
    expectTypeOf<N<Contract.CheckpointYieldData>>().toEqualTypeOf<N<Napi.NapiCheckpointYieldData>>();
    expectTypeOf<N<Contract.DispatchMetrics>>().toEqualTypeOf<N<Napi.NapiDispatchMetrics>>();
  });
  test('StepExecutionResult: napi types the backtrace as any', () => {
    expectTypeOf<N<Contract.StepExecutionMetadata>>().toEqualTypeOf<N<Napi.NapiStepExecutionMetadata>>();
    expectTypeOf<AsJson<N<Contract.StepExecutionError>, 'backtrace'>>().toEqualTypeOf<N<Napi.NapiStepExecutionError>>();
    expectTypeOf<Shallow<N<Contract.StepExecutionResult>, 'error'>>().toEqualTypeOf<Shallow<N<Napi.NapiStepExecutionResult>, 'error'>>();
  });
  test('TaskInfo and WorkflowStep', () => {
    expectTypeOf<N<Contract.TaskInfo>>().toEqualTypeOf<N<Napi.NapiTaskInfo>>();
    expectTypeOf<N<Contract.WorkflowStep>>().toEqualTypeOf<N<Napi.NapiWorkflowStep>>();
  });
  test('StepDefinition: napi flattens handler and retry into handler… and retry… fields', () => {
    type Flattened = Flatten<Flatten<N<Contract.StepDefinition>, 'handler'>, 'retry'>;
    // `any` cannot say "never null"; the addon always sends the initialization object.
    expectTypeOf<Flattened>().toEqualTypeOf<Filled<N<Napi.NapiStepDefinition>, 'handlerInitialization'>>();
  });
  test('DependencyResult: napi flattens error into error… fields, without statusCode and backtrace', () => {
    type Flattened = Drop<Flatten<N<Contract.DependencyResult>, 'error'>, 'errorStatusCode' | 'errorBacktrace'>;
    // The contract's `error.message` becomes napi's `errorMessage`; `error.errorType` its `errorErrorType`.
    type Renamed = Flat<Drop<Flattened, 'errorErrorType'> & { errorType: Flattened['errorErrorType'] }>;
    expectTypeOf<Renamed>().toEqualTypeOf<N<Napi.NapiDependencyResult>>();
  });
  test('StepEvent: the same fields, nested ones compared above', () => {
    type Nested = 'stepDefinition' | 'dependencyResults';
    expectTypeOf<Shallow<N<Contract.StepEvent>, Nested>>().toEqualTypeOf<Shallow<N<Napi.NapiStepEvent>, Nested>>();
  });
  test('DomainEvent', () => {
    expectTypeOf<N<Contract.DomainEventMetadata>>().toEqualTypeOf<Filled<N<Napi.NapiDomainEventMetadata>, 'firedBy'>>();
    expectTypeOf<Shallow<N<Contract.DomainEvent>, 'metadata'>>().toEqualTypeOf<Shallow<N<Napi.NapiDomainEvent>, 'metadata'>>();
  });
});

// ---------------------------------------------------------------------------------------------
// The comparison can fail
// ---------------------------------------------------------------------------------------------

describe('the normalised comparison tells mismatched shapes apart', () => {
  test('a different DTO, a missing field, a field made optional, a camelCase miss', () => {
    // @ts-expect-error TaskInfo is not the workflow step
    expectTypeOf<N<Contract.TaskInfo>>().toEqualTypeOf<W<WorkflowStepDto>>();
    // @ts-expect-error one wire field the contract lacks
    expectTypeOf<Drop<N<Contract.TaskInfo>, 'identityHash'>>().toEqualTypeOf<W<TaskDto>>();
    // @ts-expect-error the contract requires what the wire may leave out, unless the mapping fills it
    expectTypeOf<N<Contract.BootstrapResult>>().toEqualTypeOf<W<BootstrapResultDto>>();
    // @ts-expect-error without the [] default, the contract's optional tags differ from the wire's
    expectTypeOf<N<Contract.TaskRequest>>().toEqualTypeOf<W<LTaskRequest>>();
    // @ts-expect-error snake_case keys are not the contract's without camelCasing
    expectTypeOf<N<Contract.DispatchMetrics>>().toEqualTypeOf<N<DispatchMetricsDto>>();
    // @ts-expect-error napi's flat StepDefinition is not the nested one
    expectTypeOf<N<Contract.StepDefinition>>().toEqualTypeOf<N<Napi.NapiStepDefinition>>();
  });
  test('a free-form field is not a structured one', () => {
    // @ts-expect-error the wire declares orchestration metadata's structure; the contract passes JSON
    expectTypeOf<N<Contract.StepExecutionResult>['orchestrationMetadata']>().toEqualTypeOf<W<LStepExecutionResult>['orchestrationMetadata']>();
    expectTypeOf<Inner<N<Contract.StepDefinition>['handler']>['initialization']>().toEqualTypeOf<Field<Json, false>>();
  });
});

describe('the contract has the 28 operations', () => {
  test('OPERATIONS is exactly the operations of TaskerFfi', () => {
    expectTypeOf<Contract.OperationName>().toEqualTypeOf<Exclude<keyof Contract.TaskerFfi, 'backend'>>();
  });
});
