/**
 * Parity of the worker operations: pollStepEvents, pollInProcessEvents, completeStepEvent,
 * checkpointYieldStepEvent, getFfiDispatchMetrics, checkStarvationWarnings, cleanupTimeouts.
 */
import fc from 'fast-check';
import { describe } from 'vitest';

import type { CheckpointYieldData, OperationName, StepEvent, StepExecutionResult, TaskerFfi } from '../../src/contract.js';
import {
  BATCH_WORKER_STEPS,
  checkpointInput,
  idRef,
  jsonObject,
  resolveId,
  scenarioInput,
  stepResultInput,
  TEMPLATES,
  type IdRef,
  type Scenario,
} from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { both, loadVariants, probeState, type Pair } from './support/lockstep.js';
import { parityProperty, runs } from './support/property.js';
import { runScenario, type Handles } from './support/scenario.js';


/** Polls `count` more steps (left in flight) so there is something to complete or checkpoint. */
function pollMore(target: Pair, handles: Handles, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const polled = both(target, 'pollStepEvents() (more)', (ffi) => ffi.pollStepEvents());
    if (!polled.ok || polled.value === null) return;
    const event = polled.value as StepEvent;
    handles.inFlight.push(event);
    handles.ids.event.unshift(event.eventId);
    handles.stepOfEvent.set(event.eventId, event.stepUuid);
  }
}

/** The step id a result reports: its own event's step, or whatever `ref` resolves to. */
function stepFor(ref: IdRef | 'own', eventId: unknown, handles: Handles): unknown {
  if (ref !== 'own') return resolveId(ref, handles.ids);
  return (typeof eventId === 'string' ? handles.stepOfEvent.get(eventId) : undefined) ?? handles.ids.step[0] ?? '00000000-0000-4000-8000-000000000000';
}

/** After any scenario, 1..`maxCalls` calls of `operation` answer the same on both and leave the same state. */
function repeatedCallsAgree(pair: Pair, suffix: string, operation: OperationName, title: string, maxCalls: number, call: (ffi: TaskerFfi) => unknown): void {
  parityProperty(
    { key: `op.${operation}${suffix}`, suite: 'operation', operation, title },
    { scenario: scenarioInput({ maxTasks: 4 }), calls: fc.integer({ min: 1, max: maxCalls }) },
    ({ scenario, calls }) => {
      runScenario(pair, scenario);
      for (let i = 0; i < calls; i += 1) both(pair, `${operation}() #${i + 1}`, call);
      probeState(pair);
    },
  );
}

/** A batch import first, so its `import_rows` step can be put in flight and checkpointed. */
const batchScenario: fc.Arbitrary<Scenario> = fc
  .tuple(scenarioInput({ worker: ['running', 'running', 'running', 'shutting_down', 'stopped'] }), jsonObject({ maxDepth: 2, maxKeys: 3 }))
  .map(([scenario, context]) => ({
    ...scenario,
    clockTickMs: 1000,
    tasks: [{ template: TEMPLATES[2], context }, ...scenario.tasks],
    rounds: ['success', 'leave', ...scenario.rounds],
  }));

for (const { name, suffix, pair } of loadVariants()) {
  describe(`worker operations: koffi and napi agree (${name} vs koffi)`, () => {
    repeatedCallsAgree(pair, suffix, 'pollStepEvents', 'pollStepEvents: koffi and napi hand out the same events', 5, (ffi) => ffi.pollStepEvents());
    repeatedCallsAgree(pair, suffix, 'pollInProcessEvents', 'pollInProcessEvents: koffi and napi emit the same domain events', 8, (ffi) => ffi.pollInProcessEvents());

    parityProperty(
      {
        key: `op.completeStepEvent${suffix}`,
        suite: 'operation',
        operation: 'completeStepEvent',
        title: 'completeStepEvent: koffi and napi agree on any event id and result, and on what follows',
        numRuns: runs(2),
      },
      { scenario: scenarioInput(), more: fc.nat(2), event: idRef('event'), result: stepResultInput },
      ({ scenario, more, event, result }) => {
        const handles = runScenario(pair, scenario);
        if (scenario.worker !== 'stopped') pollMore(pair, handles, more);
        const eventId = resolveId(event, handles.ids);
        const input = { stepUuid: stepFor(result.stepRef, eventId, handles), ...result.fields };
        both(pair, `completeStepEvent(${show(eventId)}, ${show(input)})`, (ffi) => ffi.completeStepEvent(eventId as string, input as unknown as StepExecutionResult));
        // Completing the same event again: spent, so false (or the same error).
        both(pair, `completeStepEvent(${show(eventId)}) again`, (ffi) => ffi.completeStepEvent(eventId as string, input as unknown as StepExecutionResult));
        // What the result unlocked: the next event carries it in its dependency results.
        both(pair, 'pollStepEvents() after completion', (ffi) => ffi.pollStepEvents());
        probeState(pair, { audit: true });
      },
    );

    parityProperty(
      {
        key: `op.checkpointYieldStepEvent${suffix}`,
        suite: 'operation',
        operation: 'checkpointYieldStepEvent',
        title: 'checkpointYieldStepEvent: koffi and napi agree on any event id and checkpoint, and on the resumed step',
        numRuns: runs(2),
      },
      {
        scenario: batchScenario,
        // Mostly the batch worker left in flight (the only step that may yield), else any id.
        event: fc.oneof({ arbitrary: fc.constant<'batch-worker'>('batch-worker'), weight: 3 }, { arbitrary: idRef('event'), weight: 2 }),
        data: checkpointInput,
        again: fc.boolean(),
      },
      ({ scenario, event, data, again }) => {
        const handles = runScenario(pair, scenario);
        const worker = handles.inFlight.find((e) => BATCH_WORKER_STEPS.includes(e.workflowStep.templateStepName));
        const eventId = event === 'batch-worker' ? (worker?.eventId ?? resolveId({ ref: 'event', index: 0, variant: 'exact' }, handles.ids)) : resolveId(event, handles.ids);
        const input = { stepUuid: stepFor(data.stepRef, eventId, handles), ...data.fields };
        both(pair, `checkpointYieldStepEvent(${show(eventId)}, ${show(input)})`, (ffi) =>
          ffi.checkpointYieldStepEvent(eventId as string, input as unknown as CheckpointYieldData),
        );
        // The yielded step comes back with its checkpoint (and the same attempt).
        const resumed = both(pair, 'pollStepEvents() after checkpoint', (ffi) => ffi.pollStepEvents());
        if (again && resumed.ok && resumed.value !== null) {
          const next = resumed.value as StepEvent;
          both(pair, 'checkpointYieldStepEvent() of the resumed step', (ffi) =>
            ffi.checkpointYieldStepEvent(next.eventId, { ...(input as unknown as CheckpointYieldData), stepUuid: next.stepUuid }),
          );
        }
        probeState(pair, { audit: true });
      },
    );

    parityProperty(
      { key: `op.getFfiDispatchMetrics${suffix}`, suite: 'operation', operation: 'getFfiDispatchMetrics', title: 'getFfiDispatchMetrics: koffi and napi agree in any engine state' },
      { scenario: scenarioInput({ maxTasks: 4 }), polls: fc.nat(3) },
      ({ scenario, polls }) => {
        runScenario(pair, scenario);
        for (let i = 0; i < polls; i += 1) both(pair, 'pollStepEvents()', (ffi) => ffi.pollStepEvents());
        both(pair, 'getFfiDispatchMetrics()', (ffi) => ffi.getFfiDispatchMetrics());
        probeState(pair);
      },
    );

    repeatedCallsAgree(pair, suffix, 'checkStarvationWarnings', 'checkStarvationWarnings: koffi and napi agree, and count the same warnings', 4, (ffi) => ffi.checkStarvationWarnings());

    parityProperty(
      { key: `op.cleanupTimeouts${suffix}`, suite: 'operation', operation: 'cleanupTimeouts', title: 'cleanupTimeouts: koffi and napi reclaim the same steps' },
      { scenario: scenarioInput({ maxTasks: 4 }), more: fc.nat(3), cleanups: fc.integer({ min: 1, max: 4 }) },
      ({ scenario, more, cleanups }) => {
        const handles = runScenario(pair, scenario);
        if (scenario.worker !== 'stopped') pollMore(pair, handles, more);
        for (let i = 0; i < cleanups; i += 1) both(pair, `cleanupTimeouts() #${i + 1}`, (ffi) => ffi.cleanupTimeouts());
        // A reclaimed event is withdrawn: its late completion is refused the same way on both.
        for (const event of handles.inFlight) {
          both(pair, `completeStepEvent(${event.eventId}) after cleanup`, (ffi) =>
            ffi.completeStepEvent(event.eventId, { stepUuid: event.stepUuid, success: true, result: 1, status: 'completed', metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:05Z' } }),
          );
        }
        probeState(pair, { audit: true });
      },
    );
  });
}
