import { defineConfig } from 'vitest/config';

// Native addons hold process-global state (one engine per loaded library), so every test FILE
// runs in its own child process (`forks`, isolated). Within a file the suites run against each
// backend with `describe.each(BACKENDS)`; the two backends are different native libraries and
// never share engine state. Separate files may run in parallel: they share no process.
export default defineConfig({
  test: {
    include: ['parity-tests/**/*.test.ts'],
    pool: 'forks',
    isolate: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
