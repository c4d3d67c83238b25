/**
 * Where each bridge's failures become the contract's `TaskerError` — the one mapping per bridge.
 *
 * - legacy (koffi): an error envelope `{success:false, error, recoverable, code}`, either returned
 *   directly or taken from `legacy_last_error()` after an `int` -1 / NULL return;
 * - napi: a thrown JS `Error` whose `.code` is the stable code and `.message` the core's text, or
 *   a `client*` envelope `{success:false, error, recoverable, errorCode}`.
 * Both give the same code, message and `recoverable`, so a caller cannot tell which bridge failed.
 */
import { isTaskerErrorCode, TaskerError, type TaskerErrorCode } from '../errors.js';

/** `recoverable` as the core defines it per code (`CoreError::recoverable`), for errors that do
 *  not carry the flag themselves (napi's thrown errors). */
export function recoverableForCode(code: TaskerErrorCode): boolean {
  return code === 'WORKER_NOT_RUNNING' || code === 'INVALID_STATE' || code === 'INTERNAL';
}

export interface LegacyFailureJson {
  success: false;
  error: string;
  recoverable?: boolean;
  code?: string;
}

export function fromLegacyFailure(failure: LegacyFailureJson): TaskerError {
  const code = isTaskerErrorCode(failure.code) ? failure.code : 'INTERNAL';
  const message = typeof failure.error === 'string' ? failure.error : 'Internal error: malformed error envelope';
  return new TaskerError(code, message, { recoverable: failure.recoverable ?? recoverableForCode(code) });
}

export interface NapiClientFailure {
  success: boolean;
  error?: string | null;
  recoverable?: boolean | null;
  errorCode?: string | null;
}

export function fromNapiClientFailure(result: NapiClientFailure): TaskerError {
  const code = isTaskerErrorCode(result.errorCode) ? result.errorCode : 'INTERNAL';
  return new TaskerError(code, result.error ?? 'Internal error: client call failed without a message', {
    recoverable: result.recoverable ?? recoverableForCode(code),
  });
}

/** A thrown napi error: a known `.code` keeps code and message; anything else is `INTERNAL`. */
export function fromNapiThrown(thrown: unknown): TaskerError {
  if (thrown instanceof TaskerError) return thrown;
  const error = thrown instanceof Error ? thrown : undefined;
  const code: unknown = error === undefined ? undefined : (error as Error & { code?: unknown }).code;
  if (error !== undefined && isTaskerErrorCode(code)) {
    const flag: unknown = (error as Error & { recoverable?: unknown }).recoverable;
    return new TaskerError(code, error.message, {
      recoverable: typeof flag === 'boolean' ? flag : recoverableForCode(code),
      cause: thrown,
    });
  }
  const detail = error?.message ?? String(thrown);
  return new TaskerError('INTERNAL', `Internal error: napi: ${detail}`, { recoverable: true, cause: thrown });
}
