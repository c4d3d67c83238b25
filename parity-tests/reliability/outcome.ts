/**
 * What one call did, as the reliability children report it to their parents (which compare the
 * two backends): a digest and preview of what it returned, or the class, code and message of what
 * it threw. Plain data, so it crosses the process boundary as JSON.
 */
import { createHash } from 'node:crypto';

import { TaskerError } from '../../src/errors.js';

export type CallOutcome =
  | { kind: 'threw'; errorClass: string; code: string | null; message: string; messageLength: number; messageSha: string }
  | { kind: 'returned'; sha: string; preview: string };

/** A short sha256 of `text` (outcomes and state snapshots). */
export const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

export interface OutcomeOptions {
  /** Characters of a thrown message kept (its length and digest cover all of it). */
  messageLimit: number;
  /** Whether to keep the `code` of an Error that is not a TaskerError (napi's and Node's errors carry one). */
  foreignCodes: boolean;
}

export function outcomeOf(run: () => unknown, options: OutcomeOptions): CallOutcome {
  try {
    const text = JSON.stringify(run()) ?? 'undefined';
    return { kind: 'returned', sha: sha(text), preview: text.slice(0, 200) };
  } catch (error) {
    const taskerError = error instanceof TaskerError;
    let message = '';
    let errorClass: string = typeof error;
    let code: string | null = null;
    // A hostile thrown value (a proxy, a getter) may throw again while it is described.
    try {
      message = error instanceof Error ? error.message : String(error);
      errorClass = error instanceof Error ? error.constructor.name : typeof error;
      if (options.foreignCodes && error instanceof Error) code = (error as Error & { code?: string }).code ?? null;
    } catch {
      message = 'a thrown value that cannot be described';
    }
    return {
      kind: 'threw',
      errorClass: taskerError ? 'TaskerError' : errorClass,
      code: taskerError ? error.code : code,
      message: message.length > options.messageLimit ? `${message.slice(0, options.messageLimit)}…` : message,
      messageLength: message.length,
      messageSha: sha(message),
    };
  }
}
