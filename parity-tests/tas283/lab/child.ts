/**
 * Child-process entry of one TAS-283 experiment: reads an `ExperimentSpec` (JSON) from argv and
 * prints its `ExperimentOutcome` as one JSON line. Run by `runInChild`.
 */
import { runExperiment, type ExperimentSpec } from './experiments.js';

const spec = JSON.parse(process.argv[2] ?? '') as ExperimentSpec;
process.stdout.write(`${JSON.stringify(runExperiment(spec))}\n`);
