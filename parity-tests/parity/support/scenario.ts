/**
 * Runs a `Scenario` (parity-tests/arbitraries) on both bridges in lockstep, comparing every
 * call, and returns the ids it produced so an operation under test can refer to real entities.
 */
import type { StepEvent, TaskResponse } from '../../../src/contract.js';
import {
  BATCH_WORKER_STEPS,
  FIXTURE_TEMPLATE_FOLDER,
  successOutput,
  validTaskRequest,
  type EntityKind,
  type Scenario,
} from '../../arbitraries/index.js';
import { both, bothValue, reset, type Pair } from './lockstep.js';

export interface Handles {
  /** Ids by kind, for `resolveId`; events: the ones still in flight first, then finished ones. */
  readonly ids: Record<EntityKind, string[]>;
  readonly tasks: TaskResponse[];
  /** Events handed out and not finished. */
  readonly inFlight: StepEvent[];
  /** The step of every event id handed out. */
  readonly stepOfEvent: Map<string, string>;
}

/** Runs `scenario` on both bridges; any difference along the way is a `Divergence`. */
export function runScenario(pair: Pair, scenario: Scenario): Handles {
  // The fixture templates too, so batches, decisions and published events are reachable.
  reset(pair, { seed: scenario.seed, clockTickMs: scenario.clockTickMs, templatePath: FIXTURE_TEMPLATE_FOLDER });
  const tasks: TaskResponse[] = [];
  for (const { template, context } of scenario.tasks) {
    tasks.push(bothValue(pair, `clientCreateTask(${template.join('/')})`, (ffi) => ffi.clientCreateTask(validTaskRequest(template, context))));
  }
  const inFlight: StepEvent[] = [];
  const finished: string[] = [];
  const stepOfEvent = new Map<string, string>();
  for (const round of scenario.rounds) {
    const polled = both(pair, 'pollStepEvents()', (ffi) => ffi.pollStepEvents());
    if (!polled.ok || polled.value === null) continue;
    const event = polled.value as StepEvent;
    stepOfEvent.set(event.eventId, event.stepUuid);
    const finish = (status: 'completed' | 'failed' | 'error'): void => {
      both(pair, `completeStepEvent(${status})`, (ffi) =>
        ffi.completeStepEvent(event.eventId, {
          stepUuid: event.stepUuid,
          success: status === 'completed',
          result: status === 'completed' ? successOutput(event.workflowStep.templateStepName, event.workflowStep.attempts, scenario) : null,
          status,
          // tasker decides a retry by `metadata.retryable` (default true): a permanent failure says false.
          metadata: { executionTimeMs: 12, completedAt: '2026-01-01T00:00:00.000Z', ...(status === 'error' ? { retryable: false } : {}) },
          ...(status === 'completed' ? {} : { error: { message: `${status} in scenario`, errorType: 'ScenarioError' } }),
        }),
      );
      finished.push(event.eventId);
    };
    switch (round) {
      case 'leave':
        inFlight.push(event);
        break;
      case 'success':
        finish('completed');
        break;
      case 'retryable':
        finish('failed');
        break;
      case 'permanent':
        finish('error');
        break;
      case 'checkpoint':
        // Only a batch worker may yield (anything else is refused: that is checked by the properties).
        if (BATCH_WORKER_STEPS.includes(event.workflowStep.templateStepName)) {
          both(pair, 'checkpointYieldStepEvent()', (ffi) =>
            ffi.checkpointYieldStepEvent(event.eventId, { stepUuid: event.stepUuid, cursor: { offset: event.workflowStep.attempts * 100 }, itemsProcessed: 100 }),
          );
          finished.push(event.eventId);
        } else {
          finish('completed');
        }
        break;
      case 'cancel-task':
        both(pair, 'clientCancelTask()', (ffi) => ffi.clientCancelTask(event.taskUuid));
        finished.push(event.eventId);
        break;
    }
  }
  if (scenario.worker === 'shutting_down') both(pair, 'transitionToGracefulShutdown()', (ffi) => ffi.transitionToGracefulShutdown());
  if (scenario.worker === 'stopped') both(pair, 'stopWorker()', (ffi) => ffi.stopWorker());
  return {
    ids: {
      task: tasks.map((t) => t.task_uuid),
      step: tasks.flatMap((t) => t.steps.map((s) => s.workflow_step_uuid)),
      event: [...inFlight.map((e) => e.eventId), ...finished],
    },
    tasks,
    inFlight,
    stepOfEvent,
  };
}
