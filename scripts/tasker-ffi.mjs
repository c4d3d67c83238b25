#!/usr/bin/env node
// `tasker-ffi`: the harness CLI, run from the checkout (`npx tasker-ffi`, `npm run parity`, …).
// The harness is TypeScript run through tsx; it is not part of the published package.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
