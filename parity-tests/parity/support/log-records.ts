/** What logging.test.ts and its child (log-records.child.ts) share. */
import type { JsonObject } from '../../../src/contract.js';

/** Marks the records of the child, whatever else the engine writes. */
export const LOG_MARKER = 'parity-log-record';

/** Fields of every record that has some: a string, a number, a nested object (sorted by key in the line). */
export const FIXTURE_LOG_FIELDS: JsonObject = { step: 'validate_cart', attempt: 2, nested: { ok: true } };
