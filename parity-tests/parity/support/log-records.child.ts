/**
 * Child process of logging.test.ts: the engine writes log records to this process's stdout (fd 1,
 * from Rust), so the parent runs this with stdout piped and reads them. argv: the backend, then
 * the run: `config` (threshold from the bootstrap `logLevel`), `env` (from `TASKER_LOG_LEVEL`, set
 * by the parent) or `before` (no bootstrap: records are dropped). Every record carries a marker
 * naming its level, so the parent can tell which ones were written.
 *
 * Run: node --import tsx parity-tests/parity/support/log-records.child.ts koffi config
 */
import { writeSync } from 'node:fs';

import { isBackendName, loadBackend } from '../../../src/select.js';
import { FIXTURE_LOG_FIELDS, LOG_MARKER } from './log-records.js';

const [backend, run] = process.argv.slice(2);
if (!isBackendName(backend) || (run !== 'config' && run !== 'env' && run !== 'before')) {
  throw new Error(`usage: log-records.child.ts <napi|koffi> <config|env|before>, got ${String(backend)} ${String(run)}`);
}
const ffi = loadBackend({ backend });
if (run !== 'before') ffi.bootstrapWorker({ seed: 1, ...(run === 'config' ? { logLevel: 'debug' } : {}) });
ffi.logError(`${LOG_MARKER} error`, FIXTURE_LOG_FIELDS);
ffi.logWarn(`${LOG_MARKER} warn`, FIXTURE_LOG_FIELDS);
ffi.logInfo(`${LOG_MARKER} info`, FIXTURE_LOG_FIELDS);
ffi.logDebug(`${LOG_MARKER} debug`);
ffi.logTrace(`${LOG_MARKER} trace`);
if (run !== 'before') ffi.stopWorker();
writeSync(1, `${LOG_MARKER} done\n`);
