/**
 * One workflow run: the linear `ecommerce/order_processing` template, end to end on one backend,
 * through `TaskerClient` and `WorkerServer` with real handlers. Used by `tasker-ffi workflow` and
 * (for now) `tasker-ffi parity`.
 */
import type { JsonValue, TaskerFfi } from '../src/contract.js';
import { TaskerClient } from '../src/client.js';
import { defineStepHandler, WorkerServer, type StepHandler } from '../src/worker.js';

export interface WorkflowRunResult {
  backend: string;
  ok: boolean;
  taskUuid: string;
  status: string;
  completionPercentage: number;
  /** Step names in the order the handlers ran. */
  order: string[];
  /** Final result of each step, by name. */
  results: Record<string, JsonValue>;
  elapsedMs: number;
}

export const LINEAR_ORDER = ['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation'] as const;

/** Handlers of the linear template; each records its name in `order` and builds on its dependency. */
export function orderProcessingHandlers(order: string[]): StepHandler[] {
  return [
    defineStepHandler('ecommerce.validate_cart', (event) => {
      order.push(event.workflowStep.name);
      const context = event.task.context as { items?: { price: number; quantity: number }[] };
      const total = (context.items ?? []).reduce((sum, item) => sum + item.price * item.quantity, 0);
      return { validated: true, total };
    }),
    defineStepHandler('ecommerce.process_payment', (event, ctx) => {
      order.push(event.workflowStep.name);
      const cart = ctx.dependencyResult('validate_cart') as { total: number };
      return { charged: cart.total, payment_id: `pay_${event.stepUuid.slice(0, 8)}` };
    }),
    defineStepHandler('ecommerce.update_inventory', (event, ctx) => {
      order.push(event.workflowStep.name);
      const payment = ctx.dependencyResult('process_payment') as { payment_id: string };
      return { reserved: true, payment_id: payment.payment_id };
    }),
    defineStepHandler('ecommerce.send_confirmation', async (event, ctx) => {
      order.push(event.workflowStep.name);
      await Promise.resolve();
      const inventory = ctx.dependencyResult('update_inventory') as { reserved: boolean };
      return { sent: inventory.reserved, channel: 'email' };
    }),
  ];
}

export async function runOrderWorkflow(ffi: TaskerFfi): Promise<WorkflowRunResult> {
  const started = performance.now();
  const order: string[] = [];
  const server = new WorkerServer({ backend: ffi, handlers: orderProcessingHandlers(order), bootstrap: { seed: 42 } });
  await server.start({ poll: false });
  try {
    const client = new TaskerClient(ffi);
    const created = client.createTask({
      name: 'order_processing',
      namespace: 'ecommerce',
      version: '1.0.0',
      context: { order_id: 1001, items: [{ sku: 'A-1', price: 12.5, quantity: 2 }] },
      reason: 'tasker-ffi workflow',
    });
    await server.runUntilIdle();
    const task = client.getTask(created.task_uuid);
    const results: Record<string, JsonValue> = {};
    for (const step of client.listTaskSteps(created.task_uuid)) results[step.name] = (step.results ?? null) as JsonValue;
    const ok =
      task.status === 'complete' && order.length === LINEAR_ORDER.length && order.every((name, i) => name === LINEAR_ORDER[i]);
    return {
      backend: ffi.backend,
      ok,
      taskUuid: task.task_uuid,
      status: task.status,
      completionPercentage: task.completion_percentage,
      order,
      results,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await server.stop();
  }
}
