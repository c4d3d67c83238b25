/**
 * The parity run's vitest reporter: a progress line per test as it finishes (and the failure,
 * with its counterexample and replay command, right away), and the collection of every test's
 * `ParityMeta` for the reports.
 */
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';

import { META_KEY, type HuntRecord, type ParityMeta, type PolicyRowRecord, type PropertyRecord } from './results.js';

/** One test of the run, as the report needs it. */
export interface TestOutcome {
  /** `<file> > <suite> > <test>`. */
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  durationMs: number;
  errors: string[];
  /** The property key (`[key]` at the end of the title), if any. */
  key: string | undefined;
  meta: ParityMeta;
}

export interface CollectedRun {
  tests: TestOutcome[];
  properties: PropertyRecord[];
  policyRows: PolicyRowRecord[];
  hunts: HuntRecord[];
  /** Model-based coverage, per property key. */
  coverage: { key: string; counts: Record<string, number> }[];
  unhandledErrors: string[];
  reason: TestRunEndReason | 'unknown';
}

const KEY = /\[([^\]]+)\](?: \(with seed=-?\d+\))?$/;

export interface ProgressOptions {
  /** Where progress goes (default stdout). */
  write?: (text: string) => void;
  /** ANSI colours (default: stdout is a TTY and NO_COLOR unset). */
  color?: boolean;
}

export class ParityProgressReporter implements Reporter {
  readonly collected: CollectedRun = { tests: [], properties: [], policyRows: [], hunts: [], coverage: [], unhandledErrors: [], reason: 'unknown' };
  private total = 0;
  private done = 0;
  private readonly write: (text: string) => void;
  private readonly color: boolean;
  private readonly root: string;

  constructor(root: string, options: ProgressOptions = {}) {
    this.root = root;
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.color = options.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
  }

  private paint(code: number, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  onTestModuleCollected(module: TestModule): void {
    for (const test of module.children.allTests()) {
      if (test.options.mode !== 'skip' && test.options.mode !== 'todo') this.total += 1;
    }
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const file = test.module.moduleId.startsWith(this.root) ? test.module.moduleId.slice(this.root.length + 1) : test.module.moduleId;
    const meta = ((test.meta() as Record<string, unknown>)[META_KEY] as ParityMeta | undefined) ?? {};
    const key = KEY.exec(test.name)?.[1];
    const outcome: TestOutcome = {
      name: `${file} > ${test.fullName}`,
      file,
      state: result.state,
      durationMs: test.diagnostic()?.duration ?? 0,
      errors: result.state === 'failed' ? result.errors.map((e) => e.message ?? String(e)) : [],
      key,
      meta,
    };
    this.collected.tests.push(outcome);
    if (meta.property !== undefined) this.collected.properties.push(meta.property);
    if (meta.policyRows !== undefined) this.collected.policyRows.push(...meta.policyRows);
    if (meta.hunts !== undefined) this.collected.hunts.push(...meta.hunts);
    if (meta.coverage !== undefined) this.collected.coverage.push({ key: key ?? test.name, counts: meta.coverage });
    if (result.state === 'skipped' || result.state === 'pending') return;

    this.done += 1;
    const counter = `[${String(this.done).padStart(String(this.total).length)}/${this.total}]`;
    const mark = result.state === 'passed' ? this.paint(32, '✓') : this.paint(31, '✗');
    const label = key ?? test.name;
    const runs = meta.property === undefined ? '' : `${meta.property.runs} run${meta.property.runs === 1 ? '' : 's'}`;
    const seconds = `${(outcome.durationMs / 1000).toFixed(1)} s`;
    this.write(`${counter} ${mark} ${label.padEnd(44)} ${runs.padStart(10)} ${seconds.padStart(8)}${meta.property?.variant !== undefined && meta.property.variant !== 'napi' ? `  (${meta.property.variant})` : ''}\n`);
    if (result.state === 'failed') {
      for (const message of outcome.errors) {
        this.write(`${message.split('\n').map((line) => `      ${line}`).join('\n')}\n`);
      }
    }
  }

  /** The summed duration of the tests seen (a merged run has no wall clock of its own). */
  durationMs(): number {
    return this.collected.tests.reduce((sum, t) => sum + t.durationMs, 0);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>, reason: TestRunEndReason): void {
    this.collected.unhandledErrors = unhandledErrors.map((e) => e.message ?? String(e));
    this.collected.reason = reason;
    for (const message of this.collected.unhandledErrors) this.write(`${this.paint(31, 'unhandled error')}: ${message}\n`);
  }
}
