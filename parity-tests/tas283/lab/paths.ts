/** Where `node scripts/build.mjs --only tas283` puts the historical builds of both bridges. */
import path from 'node:path';

import { packageRoot } from '../../../src/backends/locate.js';

export function tas283Paths(): { legacy: string; napi: string } {
  const dir = path.join(packageRoot(), 'target', 'tas283', 'debug');
  const legacy = process.platform === 'darwin' ? 'libtasker_legacy.dylib' : process.platform === 'win32' ? 'tasker_legacy.dll' : 'libtasker_legacy.so';
  return { legacy: path.join(dir, legacy), napi: path.join(dir, 'tasker_napi_historical.node') };
}
