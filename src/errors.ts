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

/**
 * Longest error message the contract hands out. The core echoes what it was sent (`Task template
 * not found: <name>`), so a 5 MB name would make a 5 MB message; longer messages are cut here.
 */
export const MAX_ERROR_MESSAGE = 2000;

/** `message`, cut to `max` characters (never through a surrogate pair) with the count of what was left out. */
export function boundedMessage(message: string, max = MAX_ERROR_MESSAGE): string {
  if (message.length <= max) return message;
  let cut = message.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}… (${message.length - cut.length} more characters)`;
}

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
