/**
 * Writes `reports/parity.md` (for people) and `reports/parity.json` (for machines) from a parity
 * run: per operation (runs, passed, divergences, time, per napi variant), the other suites
 * (model-based, payloads, policy rows, hunt, planted, types), every divergence with its minimal
 * counterexample and resolution, the conversion-policy table as observed, and how to replay.
 */
import { OPERATIONS, type OperationName } from '../../src/contract.js';
import { writeReportFiles, type ReportFiles } from '../report-files.js';
import { DEFAULT_BASE_RUNS } from './help.js';
import { POLICY_TABLE, policyTableMarkdown } from './policy-table.js';
import { PLANT_NAMES } from './plants.js';
import type { CollectedRun, TestOutcome } from './reporter.js';
import type { FailureRecord, HuntRecord, PropertyRecord } from './results.js';

export interface RunSettings {
  seed: number;
  baseRuns: number;
  runsSource: 'default' | 'FC_NUM_RUNS' | '--runs';
  variants: string[];
  policy: string;
  plant: string | undefined;
  replay: string | undefined;
  only: string | undefined;
  command: string;
}

export interface ParityReport {
  generatedAt: string;
  passed: boolean;
  durationMs: number;
  settings: RunSettings;
  totals: { tests: number; passed: number; failed: number; skipped: number; runs: number; sequences: number };
  operations: {
    operation: OperationName;
    variants: { variant: string; key: string; runs: number; passed: boolean | null; divergences: number; timeMs: number }[];
  }[];
  properties: (PropertyRecord & { timeMs: number })[];
  failures: { test: string; key: string | undefined; failure: FailureRecord | undefined; errors: string[] }[];
  hunts: HuntRecord[];
  coverage: CollectedRun['coverage'];
  policyRows: CollectedRun['policyRows'];
  tests: Pick<TestOutcome, 'name' | 'state' | 'durationMs' | 'key'>[];
  unhandledErrors: string[];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${cell(text).replace(/`/g, 'ˋ')}\``;

export function buildReport(run: CollectedRun, settings: RunSettings, durationMs: number): ParityReport {
  const timeOf = (key: string): number => run.tests.find((t) => t.key === key)?.durationMs ?? 0;
  const properties = run.properties.map((p) => ({ ...p, timeMs: timeOf(p.key) }));
  const operations = OPERATIONS.map((operation) => ({
    operation,
    variants: settings.variants.map((variant) => {
      const mine = properties.filter((p) => p.operation === operation && p.variant === variant);
      return {
        variant,
        key: mine.map((p) => p.key).join(', '),
        runs: mine.reduce((sum, p) => sum + p.runs, 0),
        passed: mine.length === 0 ? null : mine.every((p) => p.passed),
        divergences: mine.filter((p) => p.failure?.kind === 'divergence').length,
        timeMs: mine.reduce((sum, p) => sum + p.timeMs, 0),
      };
    }),
  }));
  const failed = run.tests.filter((t) => t.state === 'failed');
  const passed = failed.length === 0 && run.unhandledErrors.length === 0 && run.reason !== 'interrupted';
  return {
    generatedAt: new Date().toISOString(),
    passed,
    durationMs,
    settings,
    totals: {
      tests: run.tests.length,
      passed: run.tests.filter((t) => t.state === 'passed').length,
      failed: failed.length,
      skipped: run.tests.filter((t) => t.state === 'skipped').length,
      runs: properties.reduce((sum, p) => sum + p.runs, 0),
      sequences: properties.filter((p) => p.suite === 'model').reduce((sum, p) => sum + p.runs, 0),
    },
    operations,
    properties,
    failures: failed.map((t) => ({ test: t.name, key: t.key, failure: t.meta.property?.failure, errors: t.errors })),
    hunts: run.hunts,
    coverage: run.coverage,
    policyRows: run.policyRows,
    tests: run.tests.map(({ name, state, durationMs: ms, key }) => ({ name, state, durationMs: ms, key })),
    unhandledErrors: run.unhandledErrors,
  };
}

function failureSection(report: ParityReport): string[] {
  if (report.failures.length === 0 && report.unhandledErrors.length === 0) {
    return ['No divergence: for every operation and input tried, napi and koffi gave the same result or the same TaskerError.', ''];
  }
  const lines: string[] = [];
  for (const { test, key, failure, errors } of report.failures) {
    lines.push(`### ${key ?? test}`, '');
    if (failure !== undefined) {
      lines.push(`- kind: **${failure.kind}**${failure.call === undefined ? '' : ` in \`${cell(failure.call).slice(0, 300)}\``}`);
      lines.push(`- minimal counterexample (${failure.shrinks} shrinks): ${code(failure.counterexample.slice(0, 1500))}`);
      if (failure.at !== undefined) lines.push(`- first difference: ${code(failure.at.slice(0, 600))}`);
      if (failure.napi !== undefined) lines.push(`- napi: ${code(failure.napi.slice(0, 600))}`);
      if (failure.koffi !== undefined) lines.push(`- koffi: ${code(failure.koffi.slice(0, 600))}`);
      lines.push(`- replay: \`${failure.replay}\``);
    } else {
      lines.push('```', ...errors.map((e) => e.slice(0, 3000)), '```');
    }
    lines.push('');
  }
  for (const message of report.unhandledErrors) lines.push(`- unhandled error: ${code(message.slice(0, 600))}`);
  return lines;
}

/** At most `max` characters of `text` on one line, for a table cell or a bullet. */
const short = (text: string, max = 160): string => {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max)}…`;
};

/** The command that reruns one conversion-policy row on both backends. */
const rowReplay = (id: string): string =>
  `npx vitest run --config vitest.parity.config.ts parity-tests/parity/conversion-policy.test.ts -t '${id}: napi and koffi follow the rule'`;

/**
 * Every divergence the table records, once: a summary table of compact cells, then one section
 * each with the counterexample (this run's hunt finding where it found one), what each bridge did
 * alone, the resolution and a command to paste.
 */
function divergenceSection(report: ParityReport): string[] {
  const found = new Map<string, { variant: string; finding: HuntRecord['findings'][number] }>();
  for (const hunt of report.hunts) {
    for (const finding of hunt.findings) if (!found.has(finding.row)) found.set(finding.row, { variant: hunt.variant, finding });
  }
  const diverged = POLICY_TABLE.filter((r) => r.diverged);
  const status = (id: string): string => {
    const observed = report.policyRows.find((r) => r.id === id);
    return observed === undefined ? 'not run' : observed.ok ? 'holds on both' : '**FAILED**';
  };
  const lines = [
    'Every edge where the two bridges differ on their own and the contract\'s resolution, enforced before either',
    'bridge is called (identical on both; each row is tested on both backends by',
    '`parity-tests/parity/conversion-policy.test.ts`). Counterexamples marked *hunt* were found and shrunk by',
    'fast-check in this run (the hunt switches the contract\'s rules off); the others are the table\'s.',
    '',
    '| # | divergence | resolution | this run |',
    '|---|---|---|---|',
    ...diverged.map((row, i) => `| [${i + 1}](#${i + 1}-${row.id}) | \`${row.id}\`: ${cell(short(row.input, 90))} | ${row.resolution} | ${status(row.id)}${found.has(row.id) ? ' (*hunt* found it)' : ''} |`),
    '',
  ];
  diverged.forEach((row, i) => {
    const hit = found.get(row.id);
    const observed = report.policyRows.find((r) => r.id === row.id);
    // A divergence fixed in Rust (float): the bridges agree now; show what was found, and say so.
    const fixed = hit === undefined && observed?.rawAgree === true;
    const napi = fixed ? row.napi : (hit?.finding.napi ?? observed?.napiRaw ?? row.napi);
    const koffi = fixed ? `${row.koffi} (this run: both bridges agree)` : (hit?.finding.koffi ?? observed?.koffiRaw ?? row.koffi);
    lines.push(
      `### ${i + 1}. ${row.id}`,
      '',
      `- input: ${cell(row.input)}`,
      hit === undefined ? `- example: ${code(row.example)}` : `- counterexample (*hunt*, ${hit.variant}): ${code(short(hit.finding.counterexample, 200))}`,
      ...(hit === undefined ? [] : [`- first difference: ${code(short(hit.finding.at))}`]),
      `- napi alone: ${code(short(napi))}`,
      `- koffi alone: ${code(short(koffi))}`,
      `- resolution: **${row.resolution}**: ${cell(row.rule)} (${cell(row.enforcedBy)})`,
      `- rerun: \`${rowReplay(row.id)}\``,
      '',
    );
  });
  const unknown = [...found.keys()].filter((id) => !POLICY_TABLE.some((r) => r.id === id && r.diverged));
  if (unknown.length > 0) lines.push(`**Found by the hunt but not in the table: ${unknown.join(', ')}** (add a row and a rule).`, '');
  return lines;
}

export function renderMarkdown(report: ParityReport): string {
  const { settings, totals } = report;
  const variants = settings.variants;
  const lines: string[] = [
    '# Parity report: napi vs koffi behind one contract',
    '',
    `**${report.passed ? 'PASS' : 'FAIL'}**: ${totals.passed} of ${totals.tests - totals.skipped} tests passed, ${totals.failed} failed; ${totals.runs} property runs (${totals.sequences} model-based sequences) in ${seconds(report.durationMs)}.`,
    '',
    `- generated: ${report.generatedAt}`,
    `- seed: \`${settings.seed}\`; base runs per property: ${settings.baseRuns} (${settings.runsSource})`,
    `- napi variants checked against koffi: ${variants.map((v) => `\`${v}\``).join(', ')}`,
    `- conversion policy: \`${settings.policy}\`${settings.plant === undefined ? '' : `; **planted divergence: \`${settings.plant}\`**`}`,
    ...(settings.replay === undefined ? [] : [`- replaying: \`${settings.replay}\``]),
    ...(settings.only === undefined ? [] : [`- only: \`${settings.only}\``]),
    `- command: \`${settings.command}\``,
    '',
    '## Divergences in this run',
    '',
    ...failureSection(report),
    '## Operations',
    '',
    'Each operation is a fast-check property: arbitrary inputs (valid and invalid) in arbitrary engine states, sent to',
    'both bridges in lockstep; results, errors (code, message, recoverable) and the observable state afterwards must be',
    'exactly equal.',
    '',
    `| operation | ${variants.map((v) => `${v}: runs | passed | divergences | time`).join(' | ')} |`,
    `|---|${variants.map(() => '---:|---|---:|---:').join('|')}|`,
    ...report.operations.map(
      (op) =>
        `| \`${op.operation}\` | ${op.variants
          .map((v) => `${v.runs} | ${v.passed === null ? 'not run' : v.passed ? 'yes' : '**NO**'} | ${v.divergences} | ${seconds(v.timeMs)}`)
          .join(' | ')} |`,
    ),
    '',
    '## Other suites',
    '',
    '| property | suite | variant | runs | passed | time |',
    '|---|---|---|---:|---|---:|',
    ...report.properties
      .filter((p) => p.suite !== 'operation')
      .map((p) => `| \`${p.key}\` ${cell(p.title)} | ${p.suite} | ${p.variant} | ${p.runs} | ${p.passed ? 'yes' : '**NO**'} | ${seconds(p.timeMs)} |`),
    ...summariseTests(report),
    '',
    ...coverageSection(report),
    '## Divergences found, and their resolution',
    '',
    ...divergenceSection(report),
    '## The hunt: what diverges without the contract\'s rules',
    '',
    ...huntSection(report),
    '## Conversion policy: the rows where the bridges already agree',
    '',
    'The rest of the table (the divergences are above), checked on both backends like every row; the "alone" columns',
    'are what this run saw each bridge do with the row\'s example without the contract. Rationale: docs/conversion-policy.md.',
    '',
    policyTableMarkdown(new Map(report.policyRows.map((r) => [r.id, r])), POLICY_TABLE.filter((r) => !r.diverged)),
    '',
    '## Replay and depth',
    '',
    '- A failure prints its seed and path; `npm run parity -- --seed <seed> --path \'<key>:<path>\'` replays exactly',
    '  that case (the other properties are skipped). `--plant <name>` must be repeated if the failure came from one.',
    `- \`FC_NUM_RUNS=<n>\` (or \`--runs <n>\`) sets the base runs per property (default ${DEFAULT_BASE_RUNS}; model-based sequences: a fifth of it).`,
    '  Nightly deep run: `npm run parity:deep` (`--runs 1000`, about 5× the default time) or `FC_NUM_RUNS=1000 npm run parity`.',
    '- `--only <key>[,<key>|<prefix>*]` runs some properties.',
    `- \`--plant ${PLANT_NAMES.join('|')}\` switches on a deliberately divergent napi wrapper: the run must fail.`,
    '',
  ];
  return lines.join('\n');
}

function summariseTests(report: ParityReport): string[] {
  const groups: [string, RegExp][] = [
    ['conversion-policy rows (both backends)', /conversion-policy\.test\.ts/],
    ['type-level parity (vitest --typecheck)', /\.test-d\.ts/],
    ['planted divergences caught', /planted\.test\.ts/],
    ['deep nesting in a child process', /payloads\.test\.ts.*deep-nesting/],
  ];
  return groups.map(([label, pattern]) => {
    const tests = report.tests.filter((t) => pattern.test(t.name) && t.state !== 'skipped');
    const passedCount = tests.filter((t) => t.state === 'passed').length;
    const time = tests.reduce((sum, t) => sum + t.durationMs, 0);
    return `| ${label} | tests | – | ${tests.length} | ${tests.length === 0 ? 'not run' : passedCount === tests.length ? 'yes' : `**${tests.length - passedCount} failed**`} | ${seconds(time)} |`;
  });
}

function coverageSection(report: ParityReport): string[] {
  if (report.coverage.length === 0) return [];
  const labels = [...new Set(report.coverage.flatMap((c) => Object.keys(c.counts)))];
  return [
    'Model-based sequences: how far they got (each sequence is checked against the model after every command).',
    '',
    `| property | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---:').join('|')}|`,
    ...report.coverage.map((c) => `| \`${c.key}\` | ${labels.map((l) => String(c.counts[l] ?? 0)).join(' | ')} |`),
    '',
  ];
}

function huntSection(report: ParityReport): string[] {
  if (report.hunts.length === 0) return ['(not run)', ''];
  const lines: string[] = [];
  for (const hunt of report.hunts) {
    lines.push(
      `**${hunt.variant} vs koffi**, minimal policy: ${hunt.findings.length} kind(s) of divergence in ${hunt.rounds} round(s); the last round found nothing in ${hunt.cleanRuns} runs.`,
      '',
    );
    if (hunt.findings.length > 0) {
      lines.push('| kind (policy row) | shrunk counterexample | first difference | replay (fast-check) |', '|---|---|---|---|');
      for (const f of hunt.findings) {
        lines.push(`| \`${f.row}\` | ${code(f.counterexample.slice(0, 200))} | ${code(f.at.slice(0, 200))} | seed ${f.seed}, path \`${f.path}\` |`);
      }
      lines.push('');
    }
  }
  return lines;
}

export function writeReports(report: ParityReport, directory: string): ReportFiles {
  return writeReportFiles(directory, 'parity', renderMarkdown(report), report);
}
