// Entry of a worker_thread started from the TypeScript sources: registers tsx's loader in this
// thread, then imports the TypeScript module named in workerData.entry. (From dist/ the worker
// runs the compiled .js module directly and this file is not used.)
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
