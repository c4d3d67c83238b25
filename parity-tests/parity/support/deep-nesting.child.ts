/**
 * Child process of payloads.test.ts: sends a value nested `depth` levels deep (argv[2]) through the
 * contract on both backends, then (argv[3] === 'raw') straight into each bridge, and prints one
 * JSON line per step, flushed as it goes: if a bridge takes the process down, the parent still
 * knows how far it got.
 *
 * Run: node --import tsx parity-tests/parity/support/deep-nesting.child.ts 100000 raw
 */
import { writeSync } from 'node:fs';

import type { TaskRequest } from '../../../src/contract.js';
import { loadBackend } from '../../../src/select.js';
import { rawKoffi, rawNapi } from './raw.js';
import { attempt, describeOutcome } from './lockstep.js';

const depth = Number(process.argv[2] ?? '100000');
const withRaw = process.argv[3] === 'raw';

function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

function report(step: string, outcome: string): void {
  writeSync(1, `${JSON.stringify({ step, outcome })}\n`);
}

const request = {
  name: 'order_processing',
  namespace: 'ecommerce',
  version: '1.0.0',
  context: { deep: deep(depth) },
  initiator: 'parity',
  sourceSystem: 'deep-nesting',
  reason: 'depth limit',
};

for (const backend of ['napi', 'koffi'] as const) {
  const ffi = loadBackend({ backend });
  ffi.stopWorker();
  ffi.bootstrapWorker({ seed: 1 });
  report(`contract ${backend}`, describeOutcome(attempt(() => ffi.clientCreateTask(request as TaskRequest)), 300));
  report(`contract ${backend} log fields`, describeOutcome(attempt(() => ffi.logInfo('deep', { deep: deep(depth) } as never)), 300));
  ffi.stopWorker();
}
if (withRaw) {
  for (const bridge of [rawKoffi(), rawNapi()]) {
    bridge.stop();
    bridge.bootstrap({ seed: 1 });
    report(`raw ${bridge.name}`, 'started');
    report(`raw ${bridge.name}`, describeOutcome(bridge.createTask(request), 300));
    bridge.stop();
  }
}
report('done', 'ok');
