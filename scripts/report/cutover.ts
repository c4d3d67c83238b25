/**
 * `reports/CUTOVER.md`: go or no-go for napi as the default backend, from the latest results of
 * the other suites, each read defensively (their schemas belong to their suites):
 *
 * - parity   `reports/parity.json`   (the parity suite)
 * - TAS-283  `reports/tas283.json`   (the reproduction; `.md` alone is not machine-readable)
 * - bench    `reports/bench.json`    (this harness's benchmarks)
 * - soak     `reports/soak.json`     (reliability)
 *
 * A missing or unreadable input makes its criterion "not measured", and then the verdict cannot
 * be GO.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ratioInterval } from '../../bench/analysis.js';
import type { BenchReport } from '../../bench/model.js';
import { readBenchReport } from '../../bench/report.js';
import { packageRoot } from '../../src/backends/locate.js';

/** `smoke`: measured by a quick run, shown but not judged (it can neither pass nor fail the cutover). */
export type CriterionStatus = 'pass' | 'fail' | 'not measured' | 'smoke';

export interface Criterion {
  id: 'parity' | 'tas283' | 'bench' | 'reliability';
  title: string;
  status: CriterionStatus;
  /** The figure that decided it, in one line. */
  figure: string;
  /** Relative link (from reports/) to the report, if one exists. */
  link: string | null;
  generatedAt: string | null;
  /** How the input was produced (`quick run`, `200 runs per property`, …), if it says. */
  runKind: string | null;
  /** The input predates the last commit that changed code: it was not produced by this code. */
  stale: boolean;
  /** The command that produces (or reruns) this input. */
  command: string;
  details: string[];
}

export interface Cutover {
  verdict: 'GO' | 'NO-GO';
  reason: string;
  criteria: Criterion[];
  generatedAt: string;
  /** The code the inputs are judged against: the last commit that changed anything but reports and docs. */
  codeCommit: { sha: string; date: string } | null;
  /** What to do next, one line. */
  next: string;
}

type Json = Record<string, unknown>;

/** A criterion as its input judges it; `assessCutover` adds freshness, run kind and command. */
type Judged = Omit<Criterion, 'runKind' | 'stale' | 'command'>;

function readJson(file: string): { data: Json | null; error: string | null } {
  if (!existsSync(file)) return { data: null, error: 'missing' };
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return { data: null, error: 'not a JSON object' };
    return { data: data as Json, error: null };
  } catch (error) {
    return { data: null, error: `unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const obj = (x: unknown): Json | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

function link(dir: string, ...names: string[]): string | null {
  return names.find((n) => existsSync(path.join(dir, n))) ?? null;
}

const PASS_WORDS = /^(pass|passed|ok|green|success|go|met)$/i;
const FAIL_WORDS = /^(fail|failed|red|failure|no-go|not met|error)$/i;

/**
 * A pass/fail summary from a suite report of unknown schema: an explicit verdict word
 * (`verdict`, `status`, `result`, at the top or in `summary`), a boolean `ok`/`passed`/`success`,
 * or counts (`passed`/`failed`, `failures`), in that order.
 */
export function genericOutcome(data: Json): { status: CriterionStatus; figure: string } {
  const places = [data, obj(data.summary), obj(data.totals), obj(data.result)].filter((x): x is Json => x !== undefined);
  for (const place of places) {
    for (const key of ['verdict', 'status', 'result', 'outcome']) {
      const value = str(place[key]) ?? str(obj(place[key])?.status) ?? str(obj(place[key])?.verdict);
      if (value !== undefined && PASS_WORDS.test(value.trim())) return { status: 'pass', figure: `${key}: ${value}${counts(place)}` };
      if (value !== undefined && FAIL_WORDS.test(value.trim())) return { status: 'fail', figure: `${key}: ${value}${counts(place)}` };
    }
    for (const key of ['pass', 'ok', 'passed', 'success', 'green']) {
      if (typeof place[key] === 'boolean') {
        return { status: place[key] ? 'pass' : 'fail', figure: `${key}: ${String(place[key])}${counts(place)}${perBackend(data)}` };
      }
    }
  }
  for (const place of places) {
    const failed = num(place.failed) ?? num(place.failures) ?? num(place.numFailedTests);
    const passed = num(place.passed) ?? num(place.numPassedTests);
    if (failed !== undefined && (passed !== undefined || failed > 0)) {
      return { status: failed === 0 && (passed ?? 0) > 0 ? 'pass' : failed > 0 ? 'fail' : 'not measured', figure: counts(place).replace(/^, /, '') };
    }
  }
  return { status: 'not measured', figure: 'present, but no verdict or counts found in it' };
}

/** `; napi: pass, koffi: pass` from a `backends: [{backend, verdict: {pass}}]` list, if there is one. */
function perBackend(data: Json): string {
  if (!Array.isArray(data.backends)) return '';
  const parts = (data.backends as unknown[])
    .map(obj)
    .filter((b): b is Json => b !== undefined && typeof b.backend === 'string')
    .map((b) => {
      const verdict = obj(b.verdict);
      const pass = typeof verdict?.pass === 'boolean' ? verdict.pass : typeof b.pass === 'boolean' ? b.pass : undefined;
      return `${String(b.backend)}: ${pass === undefined ? '?' : pass ? 'pass' : 'fail'}`;
    });
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

function counts(place: Json): string {
  const parts: string[] = [];
  for (const key of ['passed', 'failed', 'skipped', 'total', 'properties', 'runs', 'leaks']) {
    const value = num(place[key]);
    if (value !== undefined) parts.push(`${value} ${key}`);
  }
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

function fromGeneric(id: Criterion['id'], title: string, dir: string, base: string): Judged {
  const { data, error } = readJson(path.join(dir, `${base}.json`));
  const report = link(dir, `${base}.md`, `${base}.json`);
  if (data === null) {
    return { id, title, status: 'not measured', figure: `reports/${base}.json ${error}`, link: report, generatedAt: null, details: [] };
  }
  const outcome = genericOutcome(data);
  return { id, title, status: outcome.status, figure: outcome.figure, link: report, generatedAt: str(data.generatedAt) ?? null, details: [] };
}

function tas283(dir: string): Judged {
  const title = 'TAS-283 reproduced through its real mechanism, and the fixed builds pass';
  const { data, error } = readJson(path.join(dir, 'tas283.json'));
  const report = link(dir, 'tas283.md', 'tas283.json');
  if (data === null) {
    const figure = existsSync(path.join(dir, 'tas283.md'))
      ? 'reports/tas283.json missing (tas283.md alone is not machine-readable)'
      : `reports/tas283.json ${error}`;
    return { id: 'tas283', title, status: 'not measured', figure, link: report, generatedAt: null, details: [] };
  }
  const verdict = obj(data.verdict);
  const mechanisms = Array.isArray(verdict?.matchingMechanisms) ? (verdict.matchingMechanisms as unknown[]).map(String) : undefined;
  const fixed = verdict?.fixedBuildPasses;
  if (verdict === undefined || mechanisms === undefined || typeof fixed !== 'boolean') {
    const outcome = genericOutcome(data);
    return { id: 'tas283', title, status: outcome.status, figure: outcome.figure, link: report, generatedAt: str(data.generatedAt) ?? null, details: [] };
  }
  const reproduced = mechanisms.length > 0;
  const details = [str(verdict.rootCause), str(verdict.napiImmunity) === undefined ? undefined : `napi: ${str(verdict.napiImmunity)}`].filter(
    (x): x is string => x !== undefined,
  );
  return {
    id: 'tas283',
    title,
    status: reproduced && fixed ? 'pass' : 'fail',
    figure: `reproduced by ${reproduced ? mechanisms.join(', ') : 'no mechanism'}; fixed build passes: ${fixed ? 'yes' : 'no'}`,
    link: report,
    generatedAt: str(data.generatedAt) ?? null,
    details,
  };
}

/** One line on tasker's landed napi transfer (the object exports) against ours, from the reference row. */
function referenceLine(data: BenchReport): string | null {
  const rows = data.scenarios.map((s) => ratioInterval(s.records, 'tasker-napi', 'napi')).filter((r) => r !== null);
  if (rows.length === 0) return null;
  const points = rows.map((r) => r.point).sort((a, b) => a - b);
  const mid = points[Math.floor(points.length / 2)] as number;
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  return (
    `tasker's landed napi transfer (object exports) / ours: median ${mid.toFixed(2)}x (> 1: ours faster; range ${(points[0] as number).toFixed(2)}–${(points[points.length - 1] as number).toFixed(2)}x) ` +
    `over ${rows.length} scenarios; ours faster in ${count('faster')}, tie in ${count('tie')}, slower in ${count('slower')} (95% intervals)`
  );
}

function bench(dir: string): Judged {
  const title = 'performance targets (docs/benchmarks.md): napi no slower than koffi, and faster where it should be';
  const file = path.join(dir, 'bench.json');
  const report = link(dir, 'bench.md', 'bench.json');
  const data = readBenchReport(file);
  if (data === null) {
    return {
      id: 'bench',
      title,
      status: 'not measured',
      figure: existsSync(file) ? 'reports/bench.json is not a tasker-ffi-bench/1 report' : 'reports/bench.json missing (run npm run bench)',
      link: report,
      generatedAt: null,
      details: [],
    };
  }
  if (data.mode !== 'full') {
    // A quick run is a smoke of the benchmarks: too few rounds to decide a ratio either way.
    const met = data.analysis.targets.filter((t) => t.status === 'met').length;
    return {
      id: 'bench',
      title,
      status: 'smoke',
      figure: `${data.mode} run: not judged (targets are judged on \`npm run bench -- --full\`); as a smoke ${met} of ${data.analysis.targets.length} targets met`,
      link: report,
      generatedAt: data.generatedAt,
      details: [...data.analysis.targets.map((t) => `${t.status} (smoke): ${t.title} — ${t.summary}`), ...[referenceLine(data)].filter((x) => x !== null)],
    };
  }
  const targets = data.analysis.targets;
  const met = targets.filter((t) => t.status === 'met');
  const unmeasured = targets.filter((t) => t.status === 'not measured');
  // A target not met fails the criterion even if another could not be measured.
  const failedTargets = targets.filter((t) => t.status === 'not met');
  const status: CriterionStatus = failedTargets.length > 0 ? 'fail' : targets.length === 0 || unmeasured.length > 0 ? 'not measured' : 'pass';
  const napiWorker = data.worker.find((w) => w.subject === 'napi')?.stepsPerSecond;
  const koffiWorker = data.worker.find((w) => w.subject === 'koffi')?.stepsPerSecond;
  const details = targets.map((t) => `${t.status === 'met' ? 'met' : t.status}: ${t.title} — ${t.summary}`);
  if (napiWorker != null && koffiWorker != null) {
    details.push(`WorkerServer: napi ${Math.round(napiWorker)} steps/s, koffi ${Math.round(koffiWorker)} steps/s (${(napiWorker / koffiWorker).toFixed(2)}x)`);
  }
  const reference = referenceLine(data);
  if (reference !== null) details.push(reference);
  if (data.analysis.errors.length > 0) details.push(`${data.analysis.errors.length} benchmark task(s) errored`);
  return {
    id: 'bench',
    title,
    status,
    figure: `${met.length} of ${targets.length} targets met (${data.mode} run${data.analysis.errors.length > 0 ? `, ${data.analysis.errors.length} errored tasks` : ''})`,
    link: report,
    generatedAt: data.generatedAt,
    details,
  };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * The soak's terminations phase (`soak.json` `terminations`: worker_threads terminated mid-call)
 * as detail lines of the reliability criterion: koffi's live C strings are the rollback bridge's
 * risk, shown and never judged; napi is judged (a failed worker or RSS per termination over the
 * bound fails reliability, as it fails the soak).
 */
export function terminationDetails(soak: Json | null): { details: string[]; napiFailure: string | null } {
  const t = obj(soak?.terminations);
  if (soak === null) return { details: [], napiFailure: null };
  if (t === undefined || !Array.isArray(t.arms)) {
    return { details: ['koffi risk, threads terminated mid-call: not measured (this soak.json has no terminations phase; rerun `npm run soak`)'], napiFailure: null };
  }
  const arms = (t.arms as unknown[]).map(obj).filter((a): a is Json => a !== undefined);
  const arm = (name: string): Json | undefined => arms.find((a) => a.arm === name);
  const bound = num(t.rssBoundBytesPerTermination) ?? 256 * 1024;
  const details: string[] = [];
  const rss = (a: Json): string => (num(a.rssPerTermination) === undefined ? '?' : kib(num(a.rssPerTermination) as number));
  const floor = arm('none');
  const floorText = floor !== undefined && num(floor.rssPerTermination) !== undefined ? `; a worker with no bridge: ${rss(floor)}` : '';
  const koffi = arm('koffi');
  if (koffi !== undefined) {
    if (str(koffi.failure) !== undefined) details.push(`koffi risk, threads terminated mid-call: the run did not complete (${str(koffi.failure)})`);
    else {
      const leaked = num(koffi.leakedStrings);
      const per = num(koffi.leakedPerTermination);
      const bytes = per === undefined || num(koffi.meanAnswerBytes) === undefined ? '' : `, ≈ ${Math.round(per * (num(koffi.meanAnswerBytes) as number))} B`;
      const control = arm('koffi-js-dispose');
      const controlText =
        control !== undefined && num(control.leakedStrings) !== undefined
          ? `; the pre-fix declaration (dispose in JS) leaked ${num(control.leakedStrings)} in ${num(control.terminations)}`
          : '';
      details.push(
        `koffi risk, threads terminated mid-call: ${num(koffi.terminations)} worker.terminate() (${num(koffi.midCall)} mid-call) left ` +
          `${leaked ?? '?'} live C strings (${per ?? '?'} per termination${bytes})${controlText}; RSS ${rss(koffi)} per termination${floorText}`,
      );
    }
  }
  const napi = arm('napi');
  let napiFailure: string | null = null;
  if (napi !== undefined) {
    if (str(napi.failure) !== undefined) napiFailure = `napi terminations did not complete (${str(napi.failure)})`;
    else {
      const failed = num(napi.failedWorkers) ?? 0;
      const perTermination = num(napi.rssPerTermination);
      if (failed > 0) napiFailure = `napi: ${failed} workers failed when terminated`;
      else if (perTermination !== undefined && perTermination >= bound) napiFailure = `napi: RSS ${kib(perTermination)} per termination >= ${kib(bound)}`;
      details.push(
        `napi, threads terminated mid-call: ${num(napi.terminations)} worker.terminate() (${num(napi.midCall)} mid-call), ${failed} failed, no C strings; ` +
          `RSS ${rss(napi)} per termination (bound ${kib(bound)})${floorText}`,
      );
    }
  }
  if (napiFailure !== null) details.push(`FAIL: ${napiFailure}`);
  return { details, napiFailure };
}

function reliability(dir: string): Judged {
  const judged = fromGeneric('reliability', 'reliability: the soak (long-running worker, leaks, crashes) passes on napi', dir, 'soak');
  const { details, napiFailure } = terminationDetails(readJson(path.join(dir, 'soak.json')).data);
  if (napiFailure === null) return { ...judged, details: [...judged.details, ...details] };
  return { ...judged, status: 'fail', figure: `${judged.figure}; ${napiFailure}`, details: [...judged.details, ...details] };
}

const COMMANDS: Record<Criterion['id'], string> = {
  parity: 'npm run parity',
  tas283: 'npm run repro:tas283',
  bench: 'npm run bench -- --full',
  reliability: 'npm run soak',
};

function runKind(id: Criterion['id'], dir: string): string | null {
  const file = { parity: 'parity', tas283: 'tas283', bench: 'bench', reliability: 'soak' }[id];
  const data = readJson(path.join(dir, `${file}.json`)).data;
  if (data === null) return null;
  if (id === 'parity') {
    const runs = num(obj(data.settings)?.baseRuns) ?? num(obj(data.settings)?.runs);
    const shards = Array.isArray(data.shards) ? ` merged from ${data.shards.length} shards` : '';
    return runs === undefined ? null : `${runs} runs per property${shards}`;
  }
  if (id === 'bench') return str(data.mode) === undefined ? null : `${str(data.mode)} run`;
  if (id === 'reliability') {
    const calls = num(data.callsPerBackend);
    const koffiTerminations = (Array.isArray(obj(data.terminations)?.arms) ? (obj(data.terminations)?.arms as unknown[]) : []).map(obj).find((a) => a?.arm === 'koffi');
    const terminations = num(koffiTerminations?.terminations);
    return calls === undefined ? null : `${calls.toLocaleString('en-US')} calls per backend${terminations === undefined ? '' : `, ${terminations.toLocaleString('en-US')} terminations per bridge`}`;
  }
  return null;
}

/** The last commit that changed code (anything but reports/, docs, Markdown and .gitignore), or null outside git. */
function lastCodeCommit(): { sha: string; date: string } | null {
  const git = spawnSync('git', ['log', '-1', '--format=%h %cI', '--', '.', ':(exclude)reports', ':(exclude)docs', ':(exclude)*.md', ':(exclude).gitignore'], {
    cwd: packageRoot(),
    encoding: 'utf8',
  });
  const [sha, date] = git.status === 0 ? git.stdout.trim().split(' ') : [];
  return sha !== undefined && date !== undefined ? { sha, date } : null;
}

export function assessCutover(dir: string): Cutover {
  const codeCommit = lastCodeCommit();
  const judged: Judged[] = [
    fromGeneric('parity', 'parity: both bridges give identical results and errors for any input', dir, 'parity'),
    tas283(dir),
    bench(dir),
    reliability(dir),
  ];
  const criteria: Criterion[] = judged.map((c) => {
    const stale = codeCommit !== null && c.generatedAt !== null && Date.parse(c.generatedAt) < Date.parse(codeCommit.date);
    // A result of older code says nothing about this code.
    const status: CriterionStatus = stale && c.status !== 'not measured' ? 'not measured' : c.status;
    const figure = stale ? `stale (from ${c.generatedAt}, before commit ${codeCommit?.sha}): ${c.figure}` : c.figure;
    return { ...c, status, figure, stale, runKind: runKind(c.id, dir), command: COMMANDS[c.id] };
  });
  const notMeasured = criteria.filter((c) => c.status === 'not measured');
  const failed = criteria.filter((c) => c.status === 'fail');
  const smoke = criteria.filter((c) => c.status === 'smoke');
  let verdict: Cutover['verdict'] = 'GO';
  let reason = smoke.length > 0 ? `every judged criterion passes; ${smoke.map((c) => c.id).join(', ')} not judged (quick run)` : 'every criterion passes';
  let next =
    smoke.length > 0
      ? `Keep napi as the default; judge performance with \`${smoke.map((c) => c.command).join('`, `')}\` then \`npm run report\`.`
      : 'Keep napi as the default; koffi stays one flag away for rollback.';
  if (failed.length > 0 || notMeasured.length > 0) {
    verdict = 'NO-GO';
    const parts: string[] = [];
    if (failed.length > 0) parts.push(`failed: ${failed.map((c) => c.id).join(', ')}`);
    if (notMeasured.length > 0) parts.push(`not measured: ${notMeasured.map((c) => c.id).join(', ')}`);
    reason = parts.join('; ');
    const fix = failed.map((c) => `fix ${c.id} (see ${c.link ?? c.command}) and rerun \`${c.command}\``);
    const run = notMeasured.map((c) => `run \`${c.command}\``);
    next = `Select koffi for production (\`TASKER_FFI_BACKEND=koffi\`) until GO; ${[...fix, ...run].join('; ')}; then \`npm run report\`.`;
  }
  return { verdict, reason, criteria, generatedAt: new Date().toISOString(), codeCommit, next };
}

const MARK: Record<CriterionStatus, string> = { pass: '✅ pass', fail: '❌ fail', 'not measured': '⚪ not measured', smoke: '🔹 smoke' };

export function renderCutover(cutover: Cutover): string {
  const code = cutover.codeCommit === null ? 'the working tree (no git history found)' : `commit ${cutover.codeCommit.sha} (${cutover.codeCommit.date})`;
  const lines = [
    '# Cutover: napi as the default backend',
    '',
    `**Verdict: ${cutover.verdict}** — ${cutover.reason}.`,
    '',
    `**Next:** ${cutover.next}`,
    '',
    `Generated ${cutover.generatedAt} by \`tasker-ffi report\` from the results in reports/, judged against ${code}. ` +
      'GO needs every judged criterion to pass. A missing input, or one older than that commit (stale), is "not measured", ' +
      'and then the verdict cannot be GO; a quick benchmark run is a smoke and is not judged.',
    '',
    '| criterion | status | figure | report | results from | run | to rerun |',
    '|---|---|---|---|---|---|---|',
    ...cutover.criteria.map(
      (c) =>
        `| ${c.title} | ${MARK[c.status]} | ${c.figure.replace(/\|/g, '\\|')} | ${c.link === null ? 'missing' : `[${c.link}](${c.link})`} | ` +
        `${c.generatedAt ?? '–'}${c.stale ? ' (stale)' : ''} | ${c.runKind ?? '–'} | \`${c.command}\` |`,
    ),
    '',
  ];
  for (const c of cutover.criteria) {
    if (c.details.length === 0) continue;
    lines.push(`## ${c.id}`, '', ...c.details.map((d) => `- ${d.replace(/\n/g, ' ')}`), '');
  }
  lines.push(
    'Rollback stays one flag away whatever this says: `TASKER_FFI_BACKEND=koffi` (or `--backend koffi`) selects the legacy bridge.',
    '',
  );
  return lines.join('\n');
}

/** Writes `dir/CUTOVER.md`; returns the assessment. */
export function writeCutover(dir: string): { cutover: Cutover; file: string } {
  const cutover = assessCutover(dir);
  const file = path.join(dir, 'CUTOVER.md');
  writeFileSync(file, renderCutover(cutover));
  return { cutover, file };
}
