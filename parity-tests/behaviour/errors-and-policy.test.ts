/**
 * The error mapping (one place for both bridges: the last error both transports report) and the
 * conversion policy (one place for both: `WireBackend` runs every argument through it): a policy
 * given to the one algorithm changes what both transports accept, identically.
 */
import { describe, expect, it } from 'vitest';

import { fromLastError } from '../../src/backends/error-mapping.js';
import { KoffiTransport } from '../../src/backends/koffi-transport.js';
import { resolveLegacyLibrary, resolveNapiModule } from '../../src/backends/locate.js';
import { NapiTransport } from '../../src/backends/napi-transport.js';
import { WireBackend } from '../../src/backends/wire-backend.js';
import { contractJsonPolicy, type JsonPolicy } from '../../src/json-policy.js';
import { TaskerError, type BackendName, type TaskerFfi } from '../../src/index.js';
import { orderRequest } from '../fixtures.js';
import { expectTaskerError, NOT_RUNNING, resetWorker, TEST_BACKENDS } from './support.js';

describe('error mapping: the last error of either transport', () => {
  it('keeps code, message and recoverable', () => {
    const error = fromLastError(JSON.stringify({ code: 'NOT_FOUND', message: 'Task x not found', recoverable: false }));
    expect(error).toBeInstanceOf(TaskerError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Task x not found', recoverable: false });
    expect(fromLastError(JSON.stringify({ code: 'WORKER_NOT_RUNNING', message: NOT_RUNNING, recoverable: true }))).toMatchObject({
      code: 'WORKER_NOT_RUNNING',
      recoverable: true,
    });
  });

  it('an unknown code is INTERNAL (recoverable when the bridge does not say)', () => {
    expect(fromLastError(JSON.stringify({ code: 'WHAT', message: 'odd' }))).toMatchObject({ code: 'INTERNAL', message: 'odd', recoverable: true });
  });

  it('a missing message and malformed text are internal errors that say so', () => {
    expect(fromLastError(JSON.stringify({ code: 'NOT_FOUND' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Internal error: the bridge reported an error without a message',
      recoverable: false,
    });
    const malformed = fromLastError('{"code": nope');
    expect(malformed).toMatchObject({ code: 'INTERNAL', recoverable: true });
    expect(malformed.message).toBe('Internal error: the bridge reported a malformed error: {"code": nope');
    expect(malformed.cause).toBeInstanceOf(SyntaxError);
  });

  it.each(TEST_BACKENDS)('%s: a real failure arrives through it with the core code and message', (backend) => {
    const ffi = wireBackend(backend, contractJsonPolicy);
    resetWorker(ffi);
    const error = expectTaskerError(() => ffi.clientGetTask('00000000-0000-4000-8000-000000000000'), 'WORKER_NOT_RUNNING', NOT_RUNNING);
    expect(error.recoverable).toBe(true);
  });
});

/** The one algorithm over `backend`'s transport with `policy` (what `loadBackend` builds, with the contract's). */
function wireBackend(backend: BackendName, policy: JsonPolicy): TaskerFfi {
  const transport = backend === 'koffi' ? new KoffiTransport(resolveLegacyLibrary()) : new NapiTransport(resolveNapiModule());
  return new WireBackend(transport, { policy });
}

describe('the conversion policy is one place for both transports', () => {
  const strictNul: JsonPolicy = {
    name: 'no-nul-test',
    normalize: (value, argument) => contractJsonPolicy.normalize(value, argument),
    normalizeString(value, argument, kind) {
      if (value.includes('\0')) throw new TaskerError('INVALID_REQUEST', `Invalid argument: ${argument} contains a NUL character`);
      return contractJsonPolicy.normalizeString(value, argument, kind);
    },
  };
  /** Lets everything through unchanged: what the bridges do without the contract's rules. */
  const passThrough: JsonPolicy = {
    name: 'pass-through-test',
    normalize: (value) => value as never,
    normalizeString: (value) => value,
  };

  it.each(TEST_BACKENDS)('%s: the installed policy applies to plain strings and request fields', (backend) => {
    const strict = wireBackend(backend, strictNul);
    resetWorker(strict);
    // Refused in TypeScript, before any bridge call: the same message on both transports.
    expectTaskerError(() => strict.clientGetTask('x\0'), 'INVALID_REQUEST', 'Invalid argument: taskUuid contains a NUL character');
    expectTaskerError(() => strict.clientCreateTask(orderRequest(undefined, { reason: 'r\0' })), 'INVALID_REQUEST', 'Invalid argument: request.reason contains a NUL character');
  });

  it.each(TEST_BACKENDS)('%s: the contract refuses a NUL in a log message, a pass-through policy sends it', (backend) => {
    const contract = wireBackend(backend, contractJsonPolicy);
    expectTaskerError(() => contract.logInfo('a\0b'), 'INVALID_REQUEST', /^Invalid argument: message contains a NUL character \(U\+0000\) at index 1/);
    expect(wireBackend(backend, passThrough).logInfo('a\0b')).toBeUndefined();
  });
});
