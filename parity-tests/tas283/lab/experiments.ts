/**
 * TAS-283 experiments. Each one sends the old client's `createTask` through a real bridge and
 * records what the failing code said. They run in a child process (`child.ts`): some of them hand
 * Rust a pointer past the end of a JS buffer, and a crash there must be a result, not a dead run.
 *
 * Nothing here types an error text in: every `error` is what the bridge returned.
 */
import { TaskerClient, type CreateTaskOptions } from '../../../src/client.js';
import type { TaskerFfi, TaskRequest } from '../../../src/contract.js';
import { KoffiBackend } from '../../../src/backends/koffi.js';
import { openLegacyLibrary } from '../../../src/backends/legacy-library.js';
import { NapiBackend } from '../../../src/backends/napi.js';
import { toWireTaskRequest } from '../../../src/backends/wire.js';
import { ArgumentChecks } from '../../../src/validate.js';
import { tas283Paths } from './paths.js';

/** Which build of a bridge: the historical `requested_at: NaiveDateTime` one, or today's. */
export type Build = 'historical' | 'fixed';
/** The JSON parse used by the historical legacy build (`TASKER_TAS283_PARSE`): the original and the two attempted fixes. */
export const PARSE_STRATEGIES = ['from_str', 'deserializer_from_str', 'trim_nul'] as const;
export type ParseStrategy = (typeof PARSE_STRATEGIES)[number];

export const MECHANISMS = {
  'timestamp-with-zone':
    "the old client's createTask through the raw C ABI: requested_at = new Date().toISOString() (ends in 'Z'), the request JSON as a JS string, the envelope's error surfaced as the old client did",
  'naive-timestamp': 'control: the same flow with a requested_at without a zone designator',
  'no-timestamp': 'control: the same request without requested_at (what the passing integration test sent)',
  'contract-client': "today's TaskerClient (koffi backend) on the same build: it stamps toISOString() too; its error is the contract's (the core's message)",
  'buffer-without-nul':
    'request JSON as a Node Buffer (koffi passes its bytes, no NUL terminator) from a pool dirtied by earlier buffers',
  'reused-longer-buffer': 'request JSON written over a longer earlier request in a reused buffer, without a NUL',
  'embedded-nul': 'a NUL inside the JS string handed to koffi (koffi copies it, the C string ends at the NUL)',
  'napi-client': 'the napi TaskerClient createTask (sends no requested_at; Rust stamps it)',
  'napi-timestamp-with-zone': 'the napi bridge given the old client\'s requestedAt = new Date().toISOString()',
} as const;
export type Mechanism = keyof typeof MECHANISMS;

export interface ExperimentSpec {
  mechanism: Mechanism;
  build: Build;
  /** Only for the legacy bridge's historical build. */
  strategy?: ParseStrategy;
  /** Extra bytes of context (ASCII padding), to move the column. */
  contextPadding?: number;
  /** Which try of a mechanism that may give a different result each time (bytes past a buffer). */
  attempt?: { index: number; of: number };
}

export interface ExperimentOutcome {
  spec: ExperimentSpec;
  bridge: 'koffi' | 'napi';
  /** `created`, `error` (the bridge reported an error), or `crash` (set by the parent). */
  outcome: 'created' | 'error' | 'crash';
  /** The error as the old client surfaced it: `${name}: ${message}`. */
  error?: string;
  /** The column the failing code reported, parsed from its message. */
  column?: number;
  /** UTF-8 length of the request JSON, and the 1-based byte column of the closing quote of `requested_at`'s value. */
  requestBytes?: number;
  requestedAtEndColumn?: number;
  /** The request JSON exactly as sent (for the report; truncated when long). */
  requestJson?: string;
}

/** The kind of request the spike and the ticket used: an e-commerce order with a nested context. */
export function oldClientRequest(contextPadding = 0): CreateTaskOptions {
  return {
    name: 'order_processing',
    namespace: 'ecommerce',
    version: '1.0.0',
    context: {
      order_id: 'test-order-123',
      customer_email: 'customer@example.com',
      items: [
        { sku: 'WIDGET-1', quantity: 2, price: 29.99 },
        { sku: 'GADGET-7', quantity: 1, price: 149.5 },
      ],
      shipping: { method: 'express', address: { city: 'Lisbon', country: 'PT' } },
      notes: 'n'.repeat(contextPadding),
    },
    initiator: 'tas283-repro',
    sourceSystem: 'worker-typescript',
    reason: 'Reproduce TAS-283 through the old createTask flow',
  };
}

/** The column serde_json appends to an error (`… at line 1 column N`), if any. */
export function reportedColumn(message: string): number | undefined {
  const match = /at line (\d+) column (\d+)$/.exec(message);
  return match ? Number(match[2]) : undefined;
}

/** 1-based byte column of the closing quote of the `requested_at` string in a one-line JSON text. */
export function requestedAtEndColumn(json: string): number | undefined {
  const key = '"requested_at":"';
  const start = json.indexOf(key);
  if (start < 0) return undefined;
  const end = json.indexOf('"', start + key.length);
  return Buffer.byteLength(json.slice(0, end + 1), 'utf8');
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The historical builds differ only in the core's `requested_at` type; they need a seeded worker. */
function bootstrapped(ffi: TaskerFfi): TaskerFfi {
  ffi.bootstrapWorker({ seed: 283 });
  return ffi;
}

/** The napi bridge of the build (the contract's napi backend over that addon). */
function spikeNapi(build: Build): NapiBackend {
  return new NapiBackend(build === 'historical' ? { libraryPath: tas283Paths().napi } : {});
}

function koffiBackend(build: Build): KoffiBackend {
  return new KoffiBackend({ libraryPath: build === 'historical' ? tas283Paths().legacy : undefined });
}

/** The JSON text the backends send for `request` (the same checks, conversion and JSON.stringify). */
export function sentTaskRequestJson(request: TaskRequest): string {
  return JSON.stringify(toWireTaskRequest(new ArgumentChecks().taskRequest(request)));
}

/** What the old client sends for these options (its defaults, as `TaskerClient.createTask`). */
function legacyJson(options: CreateTaskOptions, requestedAt: string | undefined): string {
  const { name, namespace = 'default', version = '1.0.0', context = {}, initiator = '', sourceSystem = '', reason = '' } = options;
  return sentTaskRequestJson({ name, namespace, version, context, initiator, sourceSystem, reason, tags: [], ...(requestedAt === undefined ? {} : { requestedAt }) });
}

/** The old client's flow, below the contract: its JSON, `client_create_task`, the envelope. */
function viaRawAbi(spec: ExperimentSpec, requestedAt: string | undefined): ExperimentOutcome {
  const create = rawCreateTask(spec.build);
  const json = legacyJson(oldClientRequest(spec.contextPadding), requestedAt);
  return envelopeOutcome(spec, json, create(json));
}

function viaContractClient(spec: ExperimentSpec, requestedAt: string | undefined): ExperimentOutcome {
  const ffi = bootstrapped(koffiBackend(spec.build));
  const client = new TaskerClient(ffi);
  const options = { ...oldClientRequest(spec.contextPadding), requestedAt };
  // The old client stamped `new Date().toISOString()` itself when no requestedAt was given; its
  // length is fixed (24), so the JSON recorded here has the same bytes as the one sent but for the digits.
  const sent = legacyJson(options, requestedAt ?? new Date().toISOString());
  return attempt(spec, 'koffi', sent, () => client.createTask(options));
}

function attempt(spec: ExperimentSpec, bridge: 'koffi' | 'napi', json: string | undefined, call: () => unknown): ExperimentOutcome {
  const base: ExperimentOutcome = { spec, bridge, outcome: 'created' };
  if (json !== undefined) {
    base.requestBytes = Buffer.byteLength(json, 'utf8');
    base.requestedAtEndColumn = requestedAtEndColumn(json);
    base.requestJson = json.length > 600 ? `${json.slice(0, 600)}…` : json;
  }
  try {
    call();
    return base;
  } catch (error) {
    const text = describe(error);
    return { ...base, outcome: 'error', error: text, column: reportedColumn(text) };
  }
}

/**
 * Raw calls for the buffer mechanisms: the adapter never passes Buffers (it validates strings), so
 * these declare `client_create_task` on their own, as a caller that reused buffers would have.
 */
function rawCreateTask(build: Build): (request: Buffer | string) => string {
  const lib = openLegacyLibrary(build === 'historical' ? tas283Paths().legacy : new KoffiBackend().libraryPath);
  const bootstrap = lib.func<(config: string) => string>('RustString bootstrap_worker(const char *config_json)');
  bootstrap(JSON.stringify({ seed: 283 }));
  const create = lib.func<(request: Buffer | string) => string>('RustString client_create_task(const char *request_json)');
  return (request) => create(request);
}

function envelopeOutcome(spec: ExperimentSpec, json: string, envelope: string): ExperimentOutcome {
  return attempt(spec, 'koffi', json, () => {
    const parsed = JSON.parse(envelope) as { success: boolean; error?: string };
    // As the old client surfaced it: a TaskerClientError with the envelope's error verbatim (the
    // bridge's own failures carry `client_create_task failed: …` in the envelope).
    if (!parsed.success) throw Object.assign(new Error(String(parsed.error)), { name: 'TaskerClientError' });
  });
}

export function runExperiment(spec: ExperimentSpec): ExperimentOutcome {
  if (spec.strategy !== undefined) process.env.TASKER_TAS283_PARSE = spec.strategy;
  switch (spec.mechanism) {
    case 'timestamp-with-zone':
      return viaRawAbi(spec, new Date().toISOString());
    case 'naive-timestamp':
      return viaRawAbi(spec, new Date().toISOString().replace(/Z$/, ''));
    case 'no-timestamp':
      return viaRawAbi(spec, undefined);
    case 'contract-client':
      return viaContractClient(spec, undefined);
    case 'buffer-without-nul': {
      const create = rawCreateTask(spec.build);
      const json = legacyJson(oldClientRequest(spec.contextPadding), undefined);
      // Earlier buffers leave their bytes in Node's 8 KiB pool, right where the next one ends.
      for (let i = 0; i < 256; i += 1) Buffer.from(`{"earlier":"request ${i}"} `.repeat(2));
      const request = Buffer.from(json);
      return envelopeOutcome(spec, json, create(request));
    }
    case 'reused-longer-buffer': {
      const create = rawCreateTask(spec.build);
      const longer = legacyJson(oldClientRequest((spec.contextPadding ?? 0) + 64), undefined);
      const json = legacyJson(oldClientRequest(spec.contextPadding), undefined);
      const buffer = Buffer.alloc(Buffer.byteLength(longer) + 1); // zeroed: the longer request was NUL-terminated
      buffer.write(longer);
      buffer.write(json); // the shorter request over it, without a terminator
      return envelopeOutcome(spec, json, create(buffer));
    }
    case 'embedded-nul': {
      const create = rawCreateTask(spec.build);
      const json = legacyJson(oldClientRequest(spec.contextPadding), undefined);
      return envelopeOutcome(spec, json, create(`${json}\0{"trailing":"bytes after a NUL"}`));
    }
    case 'napi-client': {
      const ffi = bootstrapped(spikeNapi(spec.build));
      const client = new TaskerClient(ffi);
      return attempt(spec, 'napi', undefined, () => client.createTask(oldClientRequest(spec.contextPadding)));
    }
    case 'napi-timestamp-with-zone': {
      const ffi = bootstrapped(spikeNapi(spec.build));
      const client = new TaskerClient(ffi);
      const options = { ...oldClientRequest(spec.contextPadding), requestedAt: new Date().toISOString() };
      return attempt(spec, 'napi', undefined, () => client.createTask(options));
    }
  }
}
