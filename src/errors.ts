/**
 * The one error type of the contract. Both adapters turn every failure into a `TaskerError` whose
 * `code` and `message` are the core's, so a caller cannot tell which bridge raised it.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'TEMPLATE_NOT_FOUND',
  'NOT_FOUND',
  'WORKER_NOT_RUNNING',
  'INVALID_STATE',
  'INTERNAL',
] as const;
export type TaskerErrorCode = (typeof ERROR_CODES)[number];

export class TaskerError extends Error {
  override readonly name: string = 'TaskerError';
  readonly code: TaskerErrorCode;
  /** Whether the same call may succeed later (the legacy envelope's `recoverable`). */
  readonly recoverable: boolean;

  constructor(code: TaskerErrorCode, message: string, options?: { recoverable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.recoverable = options?.recoverable ?? false;
  }
}

/**
 * Raised by `TaskerClient`: the failed call's code, message and `recoverable`, unchanged. The
 * historical `"<symbol> failed: …"` prefix stays in the raw C ABI text (tasker's workers read it);
 * the contract's message is the same on both bridges.
 */
export class TaskerClientError extends TaskerError {
  override readonly name: string = 'TaskerClientError';
}

export function isTaskerErrorCode(value: unknown): value is TaskerErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
