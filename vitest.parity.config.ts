import { defineConfig } from 'vitest/config';

// The parity suite (`npm run parity`, driven by parity-tests/runner/run.ts): the operation
// properties, the conversion-policy rows, the divergence hunt, payloads, the planted-divergence
// check and the model-based sequences, plus the type-level parity test (`--typecheck`). Each file
// runs in its own forked process, because the native engines are process-global. Properties take
// minutes at deep settings (FC_NUM_RUNS), hence the long timeouts.
export default defineConfig({
  test: {
    include: ['parity-tests/parity/**/*.test.ts', 'parity-tests/model-based/**/*.test.ts'],
    pool: 'forks',
    isolate: true,
    testTimeout: 900_000,
    hookTimeout: 120_000,
    // Log records go to stdout after bootstrap, as tasker's did; keep the report readable.
    env: { TASKER_LOG_LEVEL: 'off' },
    typecheck: {
      enabled: true,
      include: ['parity-tests/types/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
      // Only the type-level assertions count here; the whole project's types are `tsc --noEmit`'s job.
      ignoreSourceErrors: true,
    },
  },
});
