/**
 * Type-level parity: the three descriptions of every DTO agree where they should, so a field added
 * to one bridge only (a Rust DTO without its `Napi…` mirror, or the other way round, or the
 * contract out of step) fails `tsc --noEmit` and `vitest --typecheck`.
 *
 * - ts-rs declarations of the legacy JSON (`src/generated/legacy`, snake_case),
 * - the napi CLI's `napi-ffi/index.d.ts` (camelCase `Napi…` objects),
 * - the contract (`src/contract.ts`, camelCase, `null` for absent),
 * - and the adapter's hand-written mirror of the addon (`src/backends/napi-addon.ts`).
 *
 * Compared after normalising what differs by nature, and only that:
 * - key case: snake_case → camelCase;
 * - free-form JSON: `unknown` (ts-rs), `any` (napi), `JsonValue` (contract) are all "JSON";
 * - absence: `field?: T` (napi, inputs), `T | null` (legacy, contract outputs) are all "absentable T";
 * - string-literal unions of the contract (`LogLevel`, result `status`) are strings on the wire;
 * - a map's values: ts-rs writes `{ [key in string]?: V }`, napi `Record<string, V>`.
 */
import { describe, expectTypeOf, test } from 'vitest';

import type * as Contract from '../../src/contract.js';
import type * as Mirror from '../../src/backends/napi-addon.js';
import type * as Napi from '../../napi-ffi/index.js';
import type { BootstrapConfig as LBootstrapConfig } from '../../src/generated/legacy/BootstrapConfig.js';
import type { BootstrapResult as LBootstrapResult } from '../../src/generated/legacy/BootstrapResult.js';
import type { CheckpointYieldData as LCheckpointYieldData } from '../../src/generated/legacy/CheckpointYieldData.js';
import type { DependencyResult as LDependencyResult } from '../../src/generated/legacy/DependencyResult.js';
import type { DispatchMetrics as LDispatchMetrics } from '../../src/generated/legacy/DispatchMetrics.js';
import type { DomainEvent as LDomainEvent } from '../../src/generated/legacy/DomainEvent.js';
import type { DomainEventMetadata as LDomainEventMetadata } from '../../src/generated/legacy/DomainEventMetadata.js';
import type { HealthResponse as LHealthResponse } from '../../src/generated/legacy/HealthResponse.js';
import type { ListTasksParams as LListTasksParams } from '../../src/generated/legacy/ListTasksParams.js';
import type { StepAuditRecord as LStepAuditRecord } from '../../src/generated/legacy/StepAuditRecord.js';
import type { StepDefinition as LStepDefinition } from '../../src/generated/legacy/StepDefinition.js';
import type { StepEvent as LStepEvent } from '../../src/generated/legacy/StepEvent.js';
import type { StepExecutionError as LStepExecutionError } from '../../src/generated/legacy/StepExecutionError.js';
import type { StepExecutionMetadata as LStepExecutionMetadata } from '../../src/generated/legacy/StepExecutionMetadata.js';
import type { StepExecutionResult as LStepExecutionResult } from '../../src/generated/legacy/StepExecutionResult.js';
import type { StepReadiness as LStepReadiness } from '../../src/generated/legacy/StepReadiness.js';
import type { TaskInfo as LTaskInfo } from '../../src/generated/legacy/TaskInfo.js';
import type { TaskListResponse as LTaskListResponse } from '../../src/generated/legacy/TaskListResponse.js';
import type { TaskRequest as LTaskRequest } from '../../src/generated/legacy/TaskRequest.js';
import type { TaskResponse as LTaskResponse } from '../../src/generated/legacy/TaskResponse.js';
import type { WorkerStatus as LWorkerStatus } from '../../src/generated/legacy/WorkerStatus.js';
import type { WorkflowStep as LWorkflowStep } from '../../src/generated/legacy/WorkflowStep.js';

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Free-form JSON, whichever way a declaration spells it. */
interface Json {
  readonly __json: true;
}
type IsJson<T> = IsAny<T> extends true
  ? true
  : unknown extends T
    ? true
    : [NonNullable<Contract.JsonValue>] extends [NonNullable<T>]
      ? true
      : false;

/** A field: its normalised value type, and whether it may be absent (optional, undefined or null). */
interface Field<V, Absent extends boolean> {
  readonly value: V;
  readonly absent: Absent;
}

type Absentable<T> = undefined extends T ? true : null extends T ? true : false;

/** The shape of `T` with keys camelCased when `C` is true (the legacy snake_case JSON). */
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

/** Legacy (ts-rs) JSON, normalised. */
type L<T> = Norm<T, true>;
/** napi or contract shapes, normalised. */
type N<T> = Norm<T, false>;

// ---------------------------------------------------------------------------------------------
// The same DTO, three (or four) ways
// ---------------------------------------------------------------------------------------------

describe('inputs: ts-rs (legacy JSON), napi index.d.ts and the contract agree', () => {
  test('BootstrapConfig', () => {
    expectTypeOf<L<LBootstrapConfig>>().toEqualTypeOf<N<Napi.NapiBootstrapConfig>>();
    expectTypeOf<N<Contract.BootstrapConfig>>().toEqualTypeOf<N<Napi.NapiBootstrapConfig>>();
  });
  test('TaskRequest', () => {
    expectTypeOf<L<LTaskRequest>>().toEqualTypeOf<N<Napi.NapiTaskRequest>>();
    expectTypeOf<N<Contract.TaskRequest>>().toEqualTypeOf<N<Napi.NapiTaskRequest>>();
  });
  test('ListTasksParams', () => {
    expectTypeOf<L<LListTasksParams>>().toEqualTypeOf<N<Napi.NapiListTasksParams>>();
    expectTypeOf<N<Contract.ListTasksParams>>().toEqualTypeOf<N<Napi.NapiListTasksParams>>();
  });
  test('StepExecutionResult (with its metadata and error)', () => {
    expectTypeOf<L<LStepExecutionMetadata>>().toEqualTypeOf<N<Napi.NapiStepExecutionMetadata>>();
    expectTypeOf<L<LStepExecutionError>>().toEqualTypeOf<N<Napi.NapiStepExecutionError>>();
    expectTypeOf<L<LStepExecutionResult>>().toEqualTypeOf<N<Napi.NapiStepExecutionResult>>();
    expectTypeOf<N<Contract.StepExecutionMetadata>>().toEqualTypeOf<N<Napi.NapiStepExecutionMetadata>>();
    expectTypeOf<N<Contract.StepExecutionError>>().toEqualTypeOf<N<Napi.NapiStepExecutionError>>();
    expectTypeOf<N<Contract.StepExecutionResult>>().toEqualTypeOf<N<Napi.NapiStepExecutionResult>>();
  });
  test('CheckpointYieldData', () => {
    expectTypeOf<L<LCheckpointYieldData>>().toEqualTypeOf<N<Napi.NapiCheckpointYieldData>>();
    expectTypeOf<N<Contract.CheckpointYieldData>>().toEqualTypeOf<N<Napi.NapiCheckpointYieldData>>();
  });
});

describe('outputs: ts-rs (legacy JSON), napi index.d.ts and the contract agree', () => {
  test('BootstrapResult, WorkerStatus, DispatchMetrics', () => {
    expectTypeOf<L<LBootstrapResult>>().toEqualTypeOf<N<Napi.NapiBootstrapResult>>();
    expectTypeOf<N<Contract.BootstrapResult>>().toEqualTypeOf<N<Napi.NapiBootstrapResult>>();
    expectTypeOf<L<LWorkerStatus>>().toEqualTypeOf<N<Napi.NapiWorkerStatus>>();
    expectTypeOf<N<Contract.WorkerStatus>>().toEqualTypeOf<N<Napi.NapiWorkerStatus>>();
    expectTypeOf<L<LDispatchMetrics>>().toEqualTypeOf<N<Napi.NapiDispatchMetrics>>();
    expectTypeOf<N<Contract.DispatchMetrics>>().toEqualTypeOf<N<Napi.NapiDispatchMetrics>>();
  });
  test('StepEvent and everything in it', () => {
    expectTypeOf<L<LTaskInfo>>().toEqualTypeOf<N<Napi.NapiTaskInfo>>();
    expectTypeOf<N<Contract.TaskInfo>>().toEqualTypeOf<N<Napi.NapiTaskInfo>>();
    expectTypeOf<L<LWorkflowStep>>().toEqualTypeOf<N<Napi.NapiWorkflowStep>>();
    expectTypeOf<N<Contract.WorkflowStep>>().toEqualTypeOf<N<Napi.NapiWorkflowStep>>();
    expectTypeOf<L<LStepDefinition>>().toEqualTypeOf<N<Napi.NapiStepDefinition>>();
    expectTypeOf<N<Contract.StepDefinition>>().toEqualTypeOf<N<Napi.NapiStepDefinition>>();
    expectTypeOf<L<LDependencyResult>>().toEqualTypeOf<N<Napi.NapiDependencyResult>>();
    expectTypeOf<N<Contract.DependencyResult>>().toEqualTypeOf<N<Napi.NapiDependencyResult>>();
    expectTypeOf<L<LStepEvent>>().toEqualTypeOf<N<Napi.NapiStepEvent>>();
    expectTypeOf<N<Contract.StepEvent>>().toEqualTypeOf<N<Napi.NapiStepEvent>>();
  });
  test('DomainEvent', () => {
    expectTypeOf<L<LDomainEventMetadata>>().toEqualTypeOf<N<Napi.NapiDomainEventMetadata>>();
    expectTypeOf<N<Contract.DomainEventMetadata>>().toEqualTypeOf<N<Napi.NapiDomainEventMetadata>>();
    expectTypeOf<L<LDomainEvent>>().toEqualTypeOf<N<Napi.NapiDomainEvent>>();
    expectTypeOf<N<Contract.DomainEvent>>().toEqualTypeOf<N<Napi.NapiDomainEvent>>();
  });
  test('client results are the server JSON: the contract re-exports the ts-rs declarations unchanged', () => {
    expectTypeOf<Contract.TaskResponse>().toEqualTypeOf<LTaskResponse>();
    expectTypeOf<Contract.TaskListResponse>().toEqualTypeOf<LTaskListResponse>();
    expectTypeOf<Contract.StepReadiness>().toEqualTypeOf<LStepReadiness>();
    expectTypeOf<Contract.StepAuditRecord>().toEqualTypeOf<LStepAuditRecord>();
    expectTypeOf<Contract.HealthResponse>().toEqualTypeOf<LHealthResponse>();
  });
});

describe("the adapter's mirror of the addon (napi-addon.ts) matches the napi CLI's index.d.ts", () => {
  test('every object type', () => {
    expectTypeOf<N<Mirror.NapiBootstrapConfig>>().toEqualTypeOf<N<Napi.NapiBootstrapConfig>>();
    expectTypeOf<N<Mirror.NapiBootstrapResult>>().toEqualTypeOf<N<Napi.NapiBootstrapResult>>();
    expectTypeOf<N<Mirror.NapiWorkerStatus>>().toEqualTypeOf<N<Napi.NapiWorkerStatus>>();
    expectTypeOf<N<Mirror.NapiTaskInfo>>().toEqualTypeOf<N<Napi.NapiTaskInfo>>();
    expectTypeOf<N<Mirror.NapiCheckpointYieldData>>().toEqualTypeOf<N<Napi.NapiCheckpointYieldData>>();
    expectTypeOf<N<Mirror.NapiWorkflowStep>>().toEqualTypeOf<N<Napi.NapiWorkflowStep>>();
    expectTypeOf<N<Mirror.NapiStepDefinition>>().toEqualTypeOf<N<Napi.NapiStepDefinition>>();
    expectTypeOf<N<Mirror.NapiDependencyResult>>().toEqualTypeOf<N<Napi.NapiDependencyResult>>();
    expectTypeOf<N<Mirror.NapiStepEvent>>().toEqualTypeOf<N<Napi.NapiStepEvent>>();
    expectTypeOf<N<Mirror.NapiStepExecutionMetadata>>().toEqualTypeOf<N<Napi.NapiStepExecutionMetadata>>();
    expectTypeOf<N<Mirror.NapiStepExecutionError>>().toEqualTypeOf<N<Napi.NapiStepExecutionError>>();
    expectTypeOf<N<Mirror.NapiStepExecutionResult>>().toEqualTypeOf<N<Napi.NapiStepExecutionResult>>();
    expectTypeOf<N<Mirror.NapiDomainEventMetadata>>().toEqualTypeOf<N<Napi.NapiDomainEventMetadata>>();
    expectTypeOf<N<Mirror.NapiDomainEvent>>().toEqualTypeOf<N<Napi.NapiDomainEvent>>();
    expectTypeOf<N<Mirror.NapiDispatchMetrics>>().toEqualTypeOf<N<Napi.NapiDispatchMetrics>>();
    expectTypeOf<N<Mirror.NapiTaskRequest>>().toEqualTypeOf<N<Napi.NapiTaskRequest>>();
    expectTypeOf<N<Mirror.NapiListTasksParams>>().toEqualTypeOf<N<Napi.NapiListTasksParams>>();
    expectTypeOf<N<Mirror.NapiClientResult>>().toEqualTypeOf<N<Napi.NapiClientResult>>();
  });

  test('the addon exports every function the adapter calls, with compatible signatures', () => {
    expectTypeOf<(typeof Mirror.NAPI_EXPORTS)[number]>().toExtend<keyof typeof Napi>();
    expectTypeOf<typeof Napi.clientCreateTask>().parameter(0).toExtend<Mirror.NapiTaskRequest>();
    expectTypeOf<typeof Napi.completeStepEvent>().parameters.toEqualTypeOf<[eventId: string, result: Napi.NapiStepExecutionResult]>();
    expectTypeOf<typeof Napi.pollStepEvents>().returns.toEqualTypeOf<Napi.NapiStepEvent | null>();
  });
});

describe('the contract has the 28 operations', () => {
  test('OPERATIONS is exactly the operations of TaskerFfi', () => {
    expectTypeOf<Contract.OperationName>().toEqualTypeOf<Exclude<keyof Contract.TaskerFfi, 'backend'>>();
  });
});
