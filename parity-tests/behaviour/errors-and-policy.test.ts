/**
 * The error mapping of each bridge (one place per bridge) and the conversion policy (one place for
 * both): a policy installed once changes what both backends accept, identically.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { fromLegacyFailure, fromNapiClientFailure, fromNapiThrown } from '../../src/backends/error-mapping.js';
import { contractJsonPolicy } from '../../src/json-policy.js';
import {
  getJsonPolicy,
  loadBackend,
  minimalJsonPolicy,
  setJsonPolicy,
  TaskerError,
  type JsonPolicy,
} from '../../src/index.js';
import { expectTaskerError, NOT_RUNNING, orderRequest, resetWorker, TEST_BACKENDS } from './support.js';

describe('error mapping', () => {
  it('a legacy error envelope keeps code, message and recoverable', () => {
    const error = fromLegacyFailure({ success: false, error: 'Not found: Task x', recoverable: false, code: 'NOT_FOUND' });
    expect(error).toBeInstanceOf(TaskerError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Not found: Task x', recoverable: false });
  });

  it('a legacy envelope with an unknown code is INTERNAL', () => {
    expect(fromLegacyFailure({ success: false, error: 'odd', code: 'WHAT' })).toMatchObject({ code: 'INTERNAL', message: 'odd' });
  });

  it('a napi client envelope maps errorCode, error and recoverable', () => {
    expect(fromNapiClientFailure({ success: false, error: 'Invalid argument: x', recoverable: false, errorCode: 'INVALID_REQUEST' })).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'Invalid argument: x',
      recoverable: false,
    });
  });

  it('a thrown napi error with a known .code keeps code and message; recoverable follows the core', () => {
    const thrown = Object.assign(new Error(NOT_RUNNING), { code: 'WORKER_NOT_RUNNING' });
    expect(fromNapiThrown(thrown)).toMatchObject({ code: 'WORKER_NOT_RUNNING', message: NOT_RUNNING, recoverable: true });
    const invalid = Object.assign(new Error('Invalid argument: y'), { code: 'INVALID_REQUEST' });
    expect(fromNapiThrown(invalid)).toMatchObject({ code: 'INVALID_REQUEST', recoverable: false });
  });

  it('anything else thrown by napi is INTERNAL', () => {
    const conversion = Object.assign(new TypeError('Failed to convert JavaScript value'), { code: 'StringExpected' });
    expect(fromNapiThrown(conversion)).toMatchObject({ code: 'INTERNAL', message: 'Internal error: napi: Failed to convert JavaScript value' });
    expect(fromNapiThrown('a string')).toMatchObject({ code: 'INTERNAL', message: 'Internal error: napi: a string' });
  });
});

describe('the conversion policy is one place for both backends', () => {
  const strictNul: JsonPolicy = {
    name: 'no-nul-test',
    normalize: (value, argument) => minimalJsonPolicy.normalize(value, argument),
    normalizeString(value, argument) {
      if (value.includes('\0')) throw new TaskerError('INVALID_REQUEST', `Invalid argument: ${argument} contains a NUL character`);
      return value;
    },
  };

  afterEach(() => {
    setJsonPolicy(contractJsonPolicy);
  });

  it('the contract policy is installed by default', () => {
    expect(getJsonPolicy().name).toBe('contract');
  });

  it.each(TEST_BACKENDS)('%s: an installed policy applies to plain strings and free-form JSON', (backend) => {
    const ffi = loadBackend({ backend });
    resetWorker(ffi);
    setJsonPolicy(strictNul);
    expectTaskerError(() => ffi.logInfo('a\0b'), 'INVALID_REQUEST', 'Invalid argument: message contains a NUL character');
    expectTaskerError(() => ffi.clientGetTask('x\0'), 'INVALID_REQUEST', 'Invalid argument: taskUuid contains a NUL character');
    expectTaskerError(
      () => ffi.clientCreateTask(orderRequest({ reason: 'r\0' })),
      'INVALID_REQUEST',
      'Invalid argument: request.reason contains a NUL character',
    );
    setJsonPolicy(minimalJsonPolicy);
    expect(ffi.logInfo('a\0b')).toBeUndefined();
  });
});
