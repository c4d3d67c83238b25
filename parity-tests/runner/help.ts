/**
 * The help text of `tasker-ffi parity` (kept apart from the runner so the CLI loads it cheaply).
 */
import { PLANT_NAMES, PLANTS } from './plants.js';

/** Base runs per property when neither `--runs` nor `FC_NUM_RUNS` says otherwise. */
export const DEFAULT_BASE_RUNS = 200;

export const PARITY_HELP = `Usage: tasker-ffi parity [options]

Runs the parity suite: every one of the 28 operations as a fast-check property (arbitrary valid and
invalid inputs, both bridges in lockstep from the same seeded engine, exact equality of results,
errors and state), the conversion-policy rows on both backends, the divergence hunt, model-based
sequences against a TypeScript model of the engine, large and deep payloads, the planted-divergence
check and the type-level parity test. Writes reports/parity.{md,json} and reports/junit-parity.xml.
Exits 1 on any divergence, 2 on a usage error.

Options:
  --seed <n>            fast-check seed of every property (default: random, printed)
  --path '<key>:<path>' replay one counterexample exactly, as a failure prints it (with its --seed)
  --runs <n>            base runs per property (default ${DEFAULT_BASE_RUNS}, or FC_NUM_RUNS); model-based: a fifth
  --only <keys>         comma-separated property keys or prefixes ending in * (e.g. op.client*,model.*)
  --plant <name>        switch on a deliberately divergent napi wrapper (the run must fail):
${PLANT_NAMES.map((name) => `                          ${name}: ${PLANTS[name]}`).join('\n')}
  --policy minimal      run without the contract's conversion rules (to see the raw divergences)
  --out <dir>           where the reports go (default: reports/)
  --json                print the report JSON instead of the summary

Nightly deep run: npm run parity:deep (--runs 1000; about five times the default time), or
FC_NUM_RUNS=1000 npm run parity.
`;
