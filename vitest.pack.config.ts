import { defineConfig } from 'vitest/config';

// The package test (`npm run test:pack`): packs, installs into empty directories, runs consumers
// under Node, Bun and Deno. Slow (a release build if missing, npm install) and it needs the npm
// registry or its cache, so it is not part of `npm test`; CI runs it as its own step.
export default defineConfig({
  test: {
    include: ['parity-tests/package/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 900_000,
    reporters: ['default', 'junit'],
    outputFile: { junit: 'reports/junit-pack.xml' },
  },
});
