/**
 * Child-process entry of the thread scenario (`threads.ts`): a crash of a worker_thread takes the
 * whole process down, so the scenario runs here and its parent reports the crash.
 */
import { childMain } from '../../../scripts/lib/child-process.js';
import { runThreadScenario, type ThreadScenarioOptions } from './threads.js';

childMain((options: ThreadScenarioOptions) => runThreadScenario(options));
