import { defineConfig } from 'vitest/config';

// Native addons hold process-global state (one engine per loaded library), so every test FILE
// runs in its own child process (`forks`, isolated). Within a file the suites run against each
// backend with `describe.each(BACKENDS)`; the two backends are different native libraries and
// never share engine state. Separate files may run in parallel: they share no process.
export default defineConfig({
  test: {
    include: ['parity-tests/**/*.test.ts'],
    // The package test packs and installs (npm run test:pack, vitest.pack.config.ts).
    exclude: ['parity-tests/package/**'],
    pool: 'forks',
    isolate: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // The engine writes its log records to stdout after bootstrap (as tasker's did); keep the
    // runner's output readable. Tests that check the records set their own level.
    env: { TASKER_LOG_LEVEL: 'off' },
  },
});
