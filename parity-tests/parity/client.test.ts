/**
 * Parity of the eight client operations: for any input (valid or not) in any engine state, napi
 * and koffi give the same result or the same TaskerError, and leave the same observable state.
 */
import fc from 'fast-check';
import { describe } from 'vitest';

import type { ListTasksParams, TaskRequest } from '../../src/contract.js';
import { idRef, listTasksParamsInput, resolveId, scenarioInput, taskRequestInput, type IdRef } from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { both, loadVariants, probeState, type Pair } from './support/lockstep.js';
import { parityProperty, runs } from './support/property.js';
import { runScenario, type Handles } from './support/scenario.js';


/** A step id resolved against the steps of the chosen task when there is one (so pairs usually match). */
function resolveStep(ref: IdRef, task: unknown, handles: Handles): unknown {
  const owner = handles.tasks.find((t) => t.task_uuid === task);
  return resolveId(ref, { ...handles.ids, step: owner === undefined ? handles.ids.step : owner.steps.map((s) => s.workflow_step_uuid) });
}

/** After any scenario, `operation` on any task id (known, unknown, malformed) answers the same on both. */
function taskIdAgrees(pair: Pair, suffix: string, operation: 'clientGetTask' | 'clientListTaskSteps', title: string): void {
  parityProperty({ key: `op.${operation}${suffix}`, suite: 'operation', operation, title }, { scenario: scenarioInput(), task: idRef('task') }, ({ scenario, task }) => {
    const handles = runScenario(pair, scenario);
    const id = resolveId(task, handles.ids);
    both(pair, `${operation}(${show(id)})`, (ffi) => ffi[operation](id as string));
    probeState(pair);
  });
}

/** The same for the operations on a task's step: the step id is drawn from the chosen task's steps. */
function taskAndStepIdsAgree(pair: Pair, suffix: string, operation: 'clientGetStep' | 'clientGetStepAuditHistory', title: string): void {
  parityProperty(
    { key: `op.${operation}${suffix}`, suite: 'operation', operation, title },
    { scenario: scenarioInput(), task: idRef('task'), step: idRef('step') },
    ({ scenario, task, step }) => {
      const handles = runScenario(pair, scenario);
      const taskId = resolveId(task, handles.ids);
      const stepId = resolveStep(step, taskId, handles);
      both(pair, `${operation}(${show(taskId)}, ${show(stepId)})`, (ffi) => ffi[operation](taskId as string, stepId as string));
      probeState(pair);
    },
  );
}

for (const { name, suffix, pair } of loadVariants()) {
  describe(`client operations: koffi and napi agree (${name} vs koffi)`, () => {
    parityProperty(
      { key: `op.clientCreateTask${suffix}`, suite: 'operation', operation: 'clientCreateTask', title: 'clientCreateTask: koffi and napi agree on any request, and on a resend', numRuns: runs(2) },
      {
        scenario: scenarioInput({ worker: ['running', 'running', 'running', 'running', 'stopped', 'shutting_down'] }),
        request: taskRequestInput(),
        resend: fc.oneof(fc.constant<'none' | 'same' | 'other'>('none'), fc.constantFrom<'same' | 'other'>('same', 'other')),
        other: taskRequestInput(),
      },
      ({ scenario, request, resend, other }) => {
        runScenario(pair, scenario);
        both(pair, `clientCreateTask(${show(request)})`, (ffi) => ffi.clientCreateTask(request as unknown as TaskRequest));
        if (resend !== 'none') {
          // A resend keeps the idempotency key; "other" changes everything else.
          const second = resend === 'same' ? request : { ...other, idempotencyKey: request.idempotencyKey };
          both(pair, `clientCreateTask(${show(second)}) (resend)`, (ffi) => ffi.clientCreateTask(second as unknown as TaskRequest));
        }
        probeState(pair);
      },
    );

    taskIdAgrees(pair, suffix, 'clientGetTask', 'clientGetTask: koffi and napi agree on any task id');

    parityProperty(
      { key: `op.clientListTasks${suffix}`, suite: 'operation', operation: 'clientListTasks', title: 'clientListTasks: koffi and napi agree on any params' },
      { scenario: scenarioInput({ maxTasks: 5 }), params: listTasksParamsInput },
      ({ scenario, params }) => {
        runScenario(pair, scenario);
        both(pair, `clientListTasks(${show(params)})`, (ffi) => ffi.clientListTasks(params as ListTasksParams | undefined));
        probeState(pair);
      },
    );

    parityProperty(
      { key: `op.clientCancelTask${suffix}`, suite: 'operation', operation: 'clientCancelTask', title: 'clientCancelTask: koffi and napi agree on any task id, in any task state' },
      { scenario: scenarioInput(), task: idRef('task'), twice: fc.boolean() },
      ({ scenario, task, twice }) => {
        const handles = runScenario(pair, scenario);
        const id = resolveId(task, handles.ids);
        both(pair, `clientCancelTask(${show(id)})`, (ffi) => ffi.clientCancelTask(id as string));
        if (twice) both(pair, `clientCancelTask(${show(id)}) again`, (ffi) => ffi.clientCancelTask(id as string));
        // A late completion of a withdrawn event must be refused the same way.
        for (const event of handles.inFlight) {
          both(pair, `completeStepEvent(${event.eventId}) after cancel`, (ffi) =>
            ffi.completeStepEvent(event.eventId, {
              stepUuid: event.stepUuid,
              success: true,
              result: null,
              status: 'completed',
              metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:00Z' },
            }),
          );
        }
        probeState(pair, { audit: true });
      },
    );

    taskIdAgrees(pair, suffix, 'clientListTaskSteps', 'clientListTaskSteps: koffi and napi agree on any task id');
    taskAndStepIdsAgree(pair, suffix, 'clientGetStep', 'clientGetStep: koffi and napi agree on any task and step id');
    taskAndStepIdsAgree(pair, suffix, 'clientGetStepAuditHistory', 'clientGetStepAuditHistory: koffi and napi agree on any task and step id');

    parityProperty(
      { key: `op.clientHealthCheck${suffix}`, suite: 'operation', operation: 'clientHealthCheck', title: 'clientHealthCheck: koffi and napi agree in any engine state' },
      { scenario: scenarioInput() },
      ({ scenario }) => {
        runScenario(pair, scenario);
        both(pair, 'clientHealthCheck()', (ffi) => ffi.clientHealthCheck());
        probeState(pair);
      },
    );
  });
}
