/** The README's quick-start script runs a task to completion on each backend, from the built package. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { packageRoot } from '../../src/backends/locate.js';
import { TEST_BACKENDS } from '../behaviour/support.js';

describe.each(TEST_BACKENDS)('README quick start on %s', (backend) => {
  test('examples/quickstart.mjs creates a task and runs it to completion', () => {
    const script = path.join(packageRoot(), 'examples', 'quickstart.mjs');
    const output = execFileSync(process.execPath, [script, backend], { encoding: 'utf8', timeout: 60_000 });
    expect(output.trim()).toBe(`${backend} complete`);
  });
});
