/**
 * Runs a module of this package in a child Node process and gets its result over IPC, so that a
 * crash of the child (a segfault in native code, an abort, a stack overflow) is a *reported
 * result* instead of a dead caller. The soak runs each backend in its own child for clean RSS
 * figures; the reliability suites run anything that might crash this way.
 *
 * The parent side is `runInChild`; the child side is `childMain`, which reads the JSON argument,
 * runs the body and sends back `{type: 'result', result}` (or `{type: 'error', …}`). From the
 * TypeScript sources the child gets tsx's loader (`--import tsx`); from dist/ it is plain JS.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { packageRoot } from '../../src/backends/locate.js';

export interface ChildOptions {
  /** Kill the child after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Run the child with `--expose-gc` (default true). */
  exposeGc?: boolean;
  /** Extra Node flags for the child. */
  nodeFlags?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Receives the child's `{type: 'progress'}` messages. */
  onProgress?: (progress: unknown) => void;
  /** Copy the child's stderr to this process's stderr as it comes (default false: keep a tail). */
  forwardStderr?: boolean;
}

export interface ChildOutcome<T> {
  /** The child sent a result and exited 0. */
  ok: boolean;
  result: T | undefined;
  /** The error the child reported (it threw), if any. */
  error: { message: string; stack?: string } | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last progress message the child sent: where it was when it died, if it did. */
  lastProgress: unknown;
  /** The last 4 KiB of the child's stderr. */
  stderrTail: string;
  durationMs: number;
}

type ChildMessage =
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string; stack?: string }
  | { type: 'progress'; progress: unknown };

/** The module file next to `fromUrl` named `name` (`.ts` from the sources, `.js` from dist/). */
export function siblingModule(fromUrl: string, name: string): string {
  const extension = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${extension}`, fromUrl));
}

/** Runs `modulePath` (a `childMain` module) with `argument` in a child process. */
export function runInChild<T>(modulePath: string, argument: unknown, options: ChildOptions = {}): Promise<ChildOutcome<T>> {
  const started = performance.now();
  const loader = modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const execArgv = [...(options.exposeGc === false ? [] : ['--expose-gc']), ...loader, ...(options.nodeFlags ?? [])];
  const child = fork(modulePath, [JSON.stringify(argument ?? null)], {
    cwd: packageRoot(),
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let result: T | undefined;
  let error: ChildOutcome<T>['error'];
  let received = false;
  let lastProgress: unknown;
  let stderrTail = '';
  let timedOut = false;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (options.forwardStderr === true) process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-4096);
  });
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'progress') {
      lastProgress = message.progress;
      options.onProgress?.(message.progress);
    } else if (message.type === 'result') {
      received = true;
      result = message.result as T;
    } else if (message.type === 'error') {
      error = { message: message.message, ...(message.stack === undefined ? {} : { stack: message.stack }) };
    }
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 600_000);
  return new Promise((resolve) => {
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        ok: received && exitCode === 0 && !timedOut,
        result,
        error,
        exitCode,
        signal,
        timedOut,
        lastProgress,
        stderrTail,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}

/** A one-line account of a child that did not deliver: crashed, timed out, threw. */
export function describeFailure(outcome: ChildOutcome<unknown>): string {
  if (outcome.timedOut) return `timed out after ${outcome.durationMs} ms (last progress: ${JSON.stringify(outcome.lastProgress)})`;
  if (outcome.error !== undefined) return `threw: ${outcome.error.message}`;
  if (outcome.signal !== null) {
    return `crashed with ${outcome.signal} (last progress: ${JSON.stringify(outcome.lastProgress)}); stderr: ${outcome.stderrTail.trim().slice(-400)}`;
  }
  return `exited with code ${String(outcome.exitCode)} without a result; stderr: ${outcome.stderrTail.trim().slice(-400)}`;
}

/**
 * The child side: reads the JSON argument, runs `body`, sends the result back and exits.
 * `progress` sends a progress message (the parent keeps the last one: where a crash happened).
 */
export function childMain<A, R>(body: (argument: A, progress: (value: unknown) => void) => R | Promise<R>): void {
  const send = (message: ChildMessage): Promise<void> =>
    new Promise((resolve) => {
      if (process.send === undefined) {
        process.stdout.write(`${JSON.stringify(message)}\n`);
        resolve();
        return;
      }
      process.send(message, undefined, undefined, () => resolve());
    });
  const argument = JSON.parse(process.argv[2] ?? 'null') as A;
  Promise.resolve()
    .then(() => body(argument, (value) => void send({ type: 'progress', progress: value })))
    .then(
      async (result) => {
        await send({ type: 'result', result });
        process.exit(0);
      },
      async (thrown: unknown) => {
        const failure = thrown instanceof Error ? thrown : new Error(String(thrown));
        await send({ type: 'error', message: failure.message, ...(failure.stack === undefined ? {} : { stack: failure.stack }) });
        process.exit(1);
      },
    );
}
