// Creates an ecommerce/order_processing task and runs it to completion: node examples/quickstart.mjs [napi|koffi]
import { TaskerClient, WorkerServer, defineStepHandler } from 'tasker-ffi-parity';
const steps = ['validate_cart', 'process_payment', 'update_inventory', 'send_confirmation'];
const server = new WorkerServer({ backend: process.argv[2], handlers: steps.map((s) => defineStepHandler(`ecommerce.${s}`, () => ({ ok: s }))) });
await server.start({ poll: false });
const client = new TaskerClient(server.ffi), { task_uuid } = client.createTask({ name: 'order_processing', namespace: 'ecommerce', context: { order_id: 1 } });
await server.runUntilIdle(); console.log(server.backend, client.getTask(task_uuid).status); await server.stop();
