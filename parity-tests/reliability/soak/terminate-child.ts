/**
 * Child-process entry of one arm of the terminations scenario (`terminate.ts`): a bridge that
 * crashes when a thread is terminated takes the whole process down, so each arm runs here and its
 * parent reports the crash.
 */
import { childMain } from '../../../scripts/lib/child-process.js';
import { runTerminateArm, type TerminateArmOptions } from './terminate.js';

childMain((options: TerminateArmOptions) => runTerminateArm(options));
