/**
 * Where a bridge's failure becomes the contract's `TaskerError` — one mapping for both: the
 * last error both transports report (`legacy_last_error()` / `lastErrorJson()`), JSON
 * `{code, message, recoverable}` with the core's stable code and message. A caller cannot tell
 * which bridge failed.
 */
import { boundedMessage, isTaskerErrorCode, TaskerError } from '../errors.js';
import type { LastErrorDto } from '../generated/legacy/LastErrorDto.js';

export function fromLastError(text: string): TaskerError {
  let error: Partial<LastErrorDto>;
  try {
    error = JSON.parse(text) as Partial<LastErrorDto>;
  } catch (cause) {
    return new TaskerError('INTERNAL', `Internal error: the bridge reported a malformed error: ${text.slice(0, 200)}`, {
      recoverable: true,
      cause,
    });
  }
  const code = isTaskerErrorCode(error.code) ? error.code : 'INTERNAL';
  // Bounded: the core's messages echo its input, which may be megabytes.
  const message = typeof error.message === 'string' ? boundedMessage(error.message) : 'Internal error: the bridge reported an error without a message';
  return new TaskerError(code, message, { recoverable: typeof error.recoverable === 'boolean' ? error.recoverable : code === 'INTERNAL' });
}
