#!/usr/bin/env node
// The runtime smoke: runs parity-tests/runtimes/child.ts under Node, Bun and Deno, once per
// runtime x entry x backend, each in its own child process with a timeout, and writes
// reports/runtimes.md, reports/runtimes.json and reports/junit-runtimes.xml.
//
//   npm run runtimes                       (builds what is missing first)
//   node scripts/runtime-smoke.mjs [--runtimes node,bun,deno] [--backends napi,koffi]
//        [--seed N] [--runs N] [--timeout SECONDS] [--require-load node,bun,deno]
//        [--no-controls] [--no-report]
//
// Each cell runs a fixed corpus and seeded fast-check properties (parity-tests/runtimes/smoke.ts)
// and hands back a transcript of every value and error; all transcripts must equal the
// reference one (Node + napi), which proves the bridges AND the runtimes agree.
//
// What fails the command (exit 1) — docs/runtimes.md, "What counts as a failure":
//   - a cell that loaded and gave a wrong answer: a failed check, or a transcript that differs
//     from the reference;
//   - a cell that loaded and then crashed or timed out;
//   - a cell of a runtime named in --require-load (default: node) that did not load or whose
//     runtime is not installed.
// A Bun or Deno cell that cannot load a backend is a reported result (with the exact error and
// why), not a failure. Controls (Deno without one of its flags) must NOT load; they document why
// each flag is there and never fail the command.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = 'parity-tests/runtimes/child.ts';
const MARKER = '@@runtime-smoke ';
const BACKENDS = ['napi', 'koffi'];
const REFERENCE = { runtime: 'node', entry: 'dist', backend: 'napi' };

const { values } = parseArgs({
  options: {
    runtimes: { type: 'string', default: 'node,bun,deno' },
    backends: { type: 'string', default: BACKENDS.join(',') },
    seed: { type: 'string' },
    runs: { type: 'string' },
    timeout: { type: 'string', default: '120' },
    'require-load': { type: 'string', default: 'node' },
    'no-controls': { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: node scripts/runtime-smoke.mjs [--runtimes node,bun,deno] [--backends napi,koffi] [--seed N] [--runs N]\n' +
      '         [--timeout SECONDS] [--require-load node,bun,deno] [--no-controls] [--no-report]\n',
  );
  process.exit(0);
}
const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
const timeoutMs = Number(values.timeout) * 1000;
const requireLoad = new Set(list(values['require-load']));
const smokeArgs = [...(values.seed ? ['--seed', values.seed] : []), ...(values.runs ? ['--runs', values.runs] : [])];

// ---------------------------------------------------------------------------------------------
// Runtimes: the pinned devDependencies (bun, deno) unless TASKER_BUN / TASKER_DENO name others
// ---------------------------------------------------------------------------------------------

const binDir = path.join(root, 'node_modules', '.bin');
const DENO_FLAGS = {
  '--allow-ffi': 'load native code: koffi.node, the napi .node addon and libtasker_legacy (both bridges are native)',
  '--allow-read': 'read the package, node_modules and the binaries',
  '--allow-env': 'read TASKER_FFI_BACKEND, TASKER_LEGACY_LIB, TASKER_NAPI_ADDON (and the napi loader’s NAPI_RS_* variables)',
};
const DENO_BASE = [
  'run',
  ...Object.keys(DENO_FLAGS),
  // Use the project's node_modules as npm installed it (no Deno-managed copy, no deno.lock).
  '--node-modules-dir=manual',
  '--no-lock',
  // The repo's TypeScript imports `./x.js` for `./x.ts` (NodeNext style); Deno maps that only with
  // this flag. A consumer of the published dist/ does not need it.
  '--sloppy-imports',
];

/** How to start each runtime on the child script. `flags` lets a control drop one Deno flag. */
const RUNTIMES = {
  node: {
    bin: process.execPath,
    entries: ['dist'],
    // Node 20 cannot run TypeScript: tsx (a devDependency) loads the child; the package itself
    // is the compiled dist/.
    args: () => ['--import', 'tsx', CHILD],
  },
  bun: {
    bin: process.env.TASKER_BUN || path.join(binDir, 'bun'),
    entries: ['dist', 'src'],
    args: () => [CHILD],
  },
  deno: {
    bin: process.env.TASKER_DENO || path.join(binDir, 'deno'),
    entries: ['dist', 'src'],
    args: (flags = DENO_BASE) => [...flags, CHILD],
  },
};

function runtimeVersion(name) {
  const { bin } = RUNTIMES[name];
  if (name === 'node') return process.version.replace(/^v/, '');
  if (!existsSync(bin)) return null;
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', env: childEnv(), timeout: 30_000 });
  if (result.status !== 0) return null;
  const match = /(\d+\.\d+\.\d+[^\s]*)/.exec(result.stdout);
  return match ? match[1] : result.stdout.trim();
}

function childEnv() {
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
}

// ---------------------------------------------------------------------------------------------
// Why a cell did not load: the exact error is reported as is; this names the cause
// ---------------------------------------------------------------------------------------------

const WHY = [
  [/ffi access to ".*koffi\.node"/, 'Deno denies native code without --allow-ffi. Note that it is koffi.node that is refused even for the napi backend: the package entry imports koffi (src/backends/koffi.ts) at load time, whichever backend is chosen.'],
  [/Requires ffi access/, 'Deno denies native code without --allow-ffi: both bridges are native (koffi.node, the napi .node addon).'],
  [/Requires env access/, 'Deno denies environment reads without --allow-env; backend selection reads TASKER_FFI_BACKEND / TASKER_LEGACY_LIB / TASKER_NAPI_ADDON.'],
  [/Requires read access/, 'Deno denies file reads without --allow-read; the package, node_modules and the binaries must be readable.'],
  [/not found \(.*\)\. Build it with/, 'The backend binary is not built (or not where the package looks): run `npm run build`.'],
  [/Cannot find (module|package) 'koffi'|"koffi" not a dependency|Cannot find package "koffi"/, 'The runtime cannot see node_modules (koffi): run from the project with its package.json (Deno: --node-modules-dir=manual).'],
  [/Maybe change the extension to '\.ts' or run with --sloppy-imports/, 'Deno does not map NodeNext `.js` specifiers to `.ts` sources without --sloppy-imports.'],
  [/undefined symbol|symbol lookup error|napi_[a-z_]+ is not (a function|implemented|supported)/i, 'The runtime’s Node-API implementation lacks a function the addon calls.'],
  [/ERR_DLOPEN_FAILED|dlopen|wrong ELF class|cannot open shared object/i, 'The dynamic loader refused the binary (wrong platform/architecture, or a missing system library).'],
  [/does not export/, 'The binary loaded but is not the addon this package expects (stale build): rebuild with `npm run build`.'],
];

function explain(text) {
  for (const [pattern, why] of WHY) if (pattern.test(text)) return why;
  return 'Not a known cause: see the exact error and the stderr tail.';
}

// ---------------------------------------------------------------------------------------------
// Running one cell
// ---------------------------------------------------------------------------------------------

function runChild(runtime, command, args) {
  return new Promise((resolve) => {
    const started = performance.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, { cwd: root, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => (stderr += `\nspawn failed: ${error.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith(MARKER))
        .map((line) => JSON.parse(line.slice(MARKER.length)));
      resolve({ code, signal, timedOut, events, stderr, elapsedMs: Math.round(performance.now() - started) });
    });
  });
}

const tail = (text, n = 1500) => (text.length > n ? `…${text.slice(-n)}` : text).trim();
const errorText = (chain) => (chain ?? []).map((e) => `${e.name}${e.code ? ` [${e.code}]` : ''}: ${e.message}`).join('\n  caused by ');
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

async function runCell(cell) {
  const rt = RUNTIMES[cell.runtime];
  const args = [...rt.args(cell.flags), '--backend', cell.backend, '--entry', cell.entry, ...smokeArgs];
  const shown = [cell.runtime === 'node' ? 'node' : path.relative(root, rt.bin), ...args].join(' ');
  const base = { ...cell, flags: undefined, command: shown };
  if (!existsSync(rt.bin)) {
    return { ...base, status: 'no-runtime', loads: false, passes: false, error: `${rt.bin} not found`, why: 'The runtime is not installed: run `npm ci` (bun and deno are devDependencies).' };
  }
  const run = await runChild(cell.runtime, rt.bin, args);
  const loaded = run.events.find((e) => e.event === 'loaded');
  const done = run.events.find((e) => e.event === 'done');
  const loadFailed = run.events.find((e) => e.event === 'load-failed');
  const exit = run.timedOut ? `timed out after ${timeoutMs / 1000} s` : run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`;
  const common = { ...base, exit, elapsedMs: run.elapsedMs, stderrTail: tail(run.stderr) || undefined };
  if (!loaded) {
    const error = loadFailed ? errorText(loadFailed.error) : `no load event (${exit})`;
    const why = run.timedOut ? `It did not load within the timeout (${timeoutMs / 1000} s): it hung while loading.` : explain(`${error}\n${run.stderr}`);
    return { ...common, status: 'no-load', loads: false, passes: false, error, why };
  }
  if (!done) {
    const crashed = run.events.find((e) => e.event === 'crashed');
    const error = crashed ? errorText(crashed.error) : `loaded, then ended without a result (${exit})`;
    return { ...common, status: 'crash', loads: true, passes: false, libraryPath: loaded.libraryPath, packageVersion: loaded.version, error, why: run.timedOut ? 'Did not finish within the timeout.' : explain(`${error}\n${run.stderr}`) };
  }
  const transcriptJson = JSON.stringify(done.transcript);
  return {
    ...common,
    status: done.failures.length === 0 ? 'ran' : 'fail',
    loads: true,
    passes: done.failures.length === 0,
    libraryPath: loaded.libraryPath && path.relative(root, loaded.libraryPath),
    packageVersion: loaded.version,
    cases: done.cases,
    properties: done.properties,
    failures: done.failures,
    transcript: done.transcript,
    transcriptEntries: done.transcript.length,
    transcriptSha256: sha256(transcriptJson),
  };
}

/** The first place two canonical values differ, as a path and both sides. */
function firstDifference(a, b, at = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      if (!(key in a) || !(key in b)) return { path: `${at}.${key}`, reference: key in a ? a[key] : '(absent)', actual: key in b ? b[key] : '(absent)' };
      const inner = firstDifference(a[key], b[key], Array.isArray(a) ? `${at}[${key}]` : `${at}.${key}`);
      if (inner) return inner;
    }
  }
  return { path: at || '(value)', reference: a, actual: b };
}

function compareTranscripts(reference, cell) {
  if (!cell.transcript || !reference?.transcript || cell === reference) return;
  if (cell.transcriptSha256 === reference.transcriptSha256) {
    cell.sameAsReference = true;
    return;
  }
  cell.sameAsReference = false;
  const ref = reference.transcript;
  const got = cell.transcript;
  const n = Math.max(ref.length, got.length);
  for (let i = 0; i < n; i += 1) {
    const d = firstDifference(ref[i], got[i]);
    if (d) {
      const clip = (v) => {
        const s = JSON.stringify(v);
        return s !== undefined && s.length > 300 ? `${s.slice(0, 300)}…` : s;
      };
      cell.difference = { index: i, case: (ref[i] ?? got[i]).case, path: d.path, reference: clip(d.reference), actual: clip(d.actual) };
      break;
    }
  }
  cell.status = 'fail';
  cell.passes = false;
  cell.failures = [
    ...(cell.failures ?? []),
    { case: cell.difference?.case ?? '(transcript)', message: `transcript differs from ${label(reference)} at entry #${cell.difference?.index} ${cell.difference?.path}: reference ${cell.difference?.reference}, got ${cell.difference?.actual}` },
  ];
}

const label = (c) => `${c.runtime}/${c.entry}/${c.backend}`;

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

const runtimes = list(values.runtimes);
const backends = list(values.backends);
for (const r of runtimes) if (!RUNTIMES[r]) throw new Error(`unknown runtime ${r}; known: ${Object.keys(RUNTIMES).join(', ')}`);
for (const b of backends) if (!BACKENDS.includes(b)) throw new Error(`unknown backend ${b}; known: ${BACKENDS.join(', ')}`);

/** The dist cells test dist/; say so when it is older than src/ (`npm run build:ts` refreshes it). */
function staleDist() {
  const built = path.join(root, 'dist', 'index.js');
  if (!existsSync(built)) return 'dist/index.js does not exist: run `npm run build`';
  const builtAt = statSync(built).mtimeMs;
  const newer = readdirSync(path.join(root, 'src'), { recursive: true })
    .filter((f) => String(f).endsWith('.ts'))
    .filter((f) => statSync(path.join(root, 'src', String(f))).mtimeMs > builtAt);
  return newer.length === 0 ? null : `dist/ is older than ${newer.length} file(s) of src/ (e.g. src/${newer[0]}): the dist cells test the last build; run \`npm run build:ts\``;
}
const distWarning = staleDist();
if (distWarning) process.stdout.write(`runtime smoke: warning: ${distWarning}\n`);

const versions = Object.fromEntries(runtimes.map((r) => [r, runtimeVersion(r)]));
const cells = runtimes.flatMap((runtime) => RUNTIMES[runtime].entries.flatMap((entry) => backends.map((backend) => ({ runtime, entry, backend }))));
const controls = values['no-controls'] || !runtimes.includes('deno')
  ? []
  : [
      { runtime: 'deno', entry: 'dist', backend: 'napi', without: '--allow-ffi' },
      { runtime: 'deno', entry: 'dist', backend: 'koffi', without: '--allow-env' },
      { runtime: 'deno', entry: 'dist', backend: 'napi', without: '--allow-read' },
    ].filter((c) => backends.includes(c.backend));

process.stdout.write(`runtime smoke: ${cells.length} cells (${runtimes.map((r) => `${r} ${versions[r] ?? 'not installed'}`).join(', ')}), timeout ${timeoutMs / 1000} s each\n`);
const results = [];
for (const cell of cells) {
  const result = await runCell(cell);
  results.push(result);
  const what = result.loads ? `loaded, ${result.cases ?? 0} checks, ${result.failures?.length ?? 0} failed` : 'did not load';
  process.stdout.write(`  ${label(result).padEnd(18)} ${what} (${result.exit ?? result.status}, ${result.elapsedMs ?? 0} ms)${result.error ? `: ${result.error.split('\n')[0]}` : ''}\n`);
}
const controlResults = [];
for (const control of controls) {
  const result = await runCell({ ...control, flags: DENO_BASE.filter((f) => f !== control.without) });
  result.expected = 'no-load';
  result.asExpected = result.status === 'no-load';
  controlResults.push(result);
  process.stdout.write(`  control ${label(result)} without ${control.without}: ${result.status}${result.asExpected ? ' (as expected)' : ' (UNEXPECTED: it loaded)'}\n`);
}

const reference =
  results.find((r) => r.runtime === REFERENCE.runtime && r.entry === REFERENCE.entry && r.backend === REFERENCE.backend && r.transcript) ??
  results.find((r) => r.transcript);
for (const cell of results) compareTranscripts(reference, cell);
for (const cell of results) {
  if (cell.status === 'ran') cell.status = 'pass';
  const required = requireLoad.has(cell.runtime);
  cell.counts = cell.status === 'pass' ? 'passed' : cell.status === 'fail' || cell.status === 'crash' || required ? 'failed' : 'skipped';
}
const passed = results.filter((r) => r.counts === 'passed').length;
const failed = results.filter((r) => r.counts === 'failed').length;
const skipped = results.filter((r) => r.counts === 'skipped').length;

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

const mark = { pass: 'pass', fail: '**FAIL**', crash: '**CRASH**', 'no-load': 'does not load', 'no-runtime': 'runtime not installed' };
const yesNo = (v) => (v ? 'yes' : 'no');
const firstLine = (s) => (s ?? '').split('\n')[0];
const md = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, '<br>');

function markdown() {
  const out = [];
  out.push('# Runtime smoke: Node, Bun and Deno × napi and koffi', '');
  out.push(
    `Generated by \`npm run runtimes\` (scripts/runtime-smoke.mjs) on ${os.platform()}-${os.arch()}, ${new Date().toISOString().slice(0, 10)}. ` +
      `Each cell is one child process that loads one backend and runs parity-tests/runtimes/smoke.ts: a fixed corpus of every contract ` +
      `operation plus seeded fast-check properties (seed ${reference?.properties ? Object.values(reference.properties)[0]?.seed : values.seed ?? 'default'}, ` +
      `${reference?.properties ? Object.values(reference.properties)[0]?.runs : values.runs ?? 'default'} runs each). ` +
      `Every transcript (all values and errors, canonically encoded) must equal the reference cell ${REFERENCE.runtime}/${REFERENCE.entry}/${REFERENCE.backend}.`,
    '',
  );
  if (distWarning) out.push(`> Warning: ${distWarning}.`, '');
  out.push(`**Verdict: ${failed === 0 ? 'PASS' : 'FAIL'}** — ${passed} passed, ${failed} failed, ${skipped} skipped (not loaded, not required).`, '');
  out.push('| runtime | version | entry | backend | loads | passes | checks | transcript | time | result |');
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const transcript = !r.transcript ? '–' : r === reference ? `reference (${r.transcriptEntries} entries)` : r.sameAsReference ? 'identical' : `differs at #${r.difference?.index}`;
    const checks = r.cases === undefined ? '–' : `${r.cases - (r.failures?.filter((f) => !f.message.startsWith('transcript differs')).length ?? 0)}/${r.cases}`;
    out.push(
      `| ${r.runtime} | ${versions[r.runtime] ?? '–'} | ${r.entry} | ${r.backend} | ${yesNo(r.loads)} | ${r.loads ? yesNo(r.passes) : '–'} | ${checks} | ${transcript} | ${r.elapsedMs ?? 0} ms | ${mark[r.status] ?? r.status} |`,
    );
  }
  out.push('');
  out.push('Entries: `dist` imports the built package (dist/index.js, what `npm pack` ships); `src` imports the TypeScript sources (src/index.ts) directly.', '');
  const problems = results.filter((r) => r.status !== 'pass');
  out.push('## Errors', '');
  if (problems.length === 0) out.push('None: every runtime loaded both backends and gave the reference answers.', '');
  for (const r of problems) {
    out.push(`### ${label(r)}: ${mark[r.status] ?? r.status}${r.counts === 'failed' ? ' (fails the run)' : ' (reported, does not fail the run)'}`, '');
    if (r.error) out.push('Exact error:', '', '```', r.error, '```', '', `Why: ${r.why}`, '');
    for (const f of r.failures ?? []) out.push(`- \`${f.case}\`: ${firstLine(f.message)}`);
    if (r.difference) out.push('', `First difference from the reference: entry #${r.difference.index} \`${r.difference.case}\` at \`${r.difference.path}\`: reference \`${r.difference.reference}\`, got \`${r.difference.actual}\`.`);
    if (r.stderrTail) out.push('', '<details><summary>stderr (tail)</summary>', '', '```', r.stderrTail, '```', '', '</details>');
    out.push('', `Command: \`${r.command}\` (${r.exit})`, '');
  }
  if (controlResults.length > 0) {
    out.push('## Controls: why Deno needs each flag', '');
    out.push('Each control is the Deno dist cell with ONE flag removed; it must not load. The exact error is what a Deno user sees without the flag.', '');
    out.push('| without | backend | result | exact error | why |');
    out.push('|---|---|---|---|---|');
    for (const c of controlResults) {
      out.push(`| \`${c.without}\` | ${c.backend} | ${c.asExpected ? 'does not load (as expected)' : `**${c.status} (unexpected)**`} | ${md(firstLine(c.error))} | ${md(c.why ?? '')} |`);
    }
    out.push('');
  }
  out.push('## How each runtime is run', '');
  for (const r of runtimes) {
    const example = results.find((x) => x.runtime === r);
    out.push(`- **${r}** ${versions[r] ?? '(not installed)'}: \`${example?.command ?? '–'}\``);
  }
  out.push('');
  out.push('## What counts as a failure', '');
  out.push(
    `- A cell that loaded and gave a wrong answer (a failed check, or a transcript different from the reference), or that loaded and then crashed or timed out: fails the run, in any runtime.`,
    `- A cell that did not load: fails the run only for the runtimes that must load (\`--require-load\`, now: ${[...requireLoad].join(', ')}). Node must load and pass both backends; a Bun or Deno cell that does not load is reported here with its exact error and why.`,
    '- Controls never fail the run; one that loads is marked unexpected (Deno changed its permission model).',
    '',
  );
  return out.join('\n');
}

function junit() {
  const esc = (s) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const cases = results.map((r) => {
    const name = `${label(r)}: loads and matches the reference`;
    const time = ((r.elapsedMs ?? 0) / 1000).toFixed(3);
    if (r.counts === 'passed') return `    <testcase classname="runtime-smoke.${r.runtime}" name="${esc(name)}" time="${time}"/>`;
    const detail = [r.error, ...(r.failures ?? []).map((f) => `${f.case}: ${f.message}`)].filter(Boolean).join('\n');
    if (r.counts === 'skipped') return `    <testcase classname="runtime-smoke.${r.runtime}" name="${esc(name)}" time="${time}"><skipped message="${esc(firstLine(r.error))}"/></testcase>`;
    return `    <testcase classname="runtime-smoke.${r.runtime}" name="${esc(name)}" time="${time}"><failure message="${esc(firstLine(detail))}">${esc(detail)}</failure></testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="runtime-smoke" tests="${results.length}" failures="${failed}" skipped="${skipped}">`,
    `  <testsuite name="runtime-smoke" tests="${results.length}" failures="${failed}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

if (!values['no-report']) {
  const dir = path.join(root, 'reports');
  mkdirSync(dir, { recursive: true });
  const strip = ({ transcript, ...rest }) => rest;
  const json = {
    generatedAt: new Date().toISOString(),
    platform: `${os.platform()}-${os.arch()}`,
    reference: reference ? label(reference) : null,
    distWarning,
    policy: { requireLoad: [...requireLoad], timeoutSeconds: timeoutMs / 1000 },
    runtimes: Object.fromEntries(runtimes.map((r) => [r, { version: versions[r], bin: r === 'node' ? 'node' : path.relative(root, RUNTIMES[r].bin) }])),
    summary: { passed, failed, skipped, verdict: failed === 0 ? 'pass' : 'fail' },
    cells: results.map(strip),
    controls: controlResults.map(strip),
  };
  writeFileSync(path.join(dir, 'runtimes.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(dir, 'runtimes.md'), `${markdown()}\n`);
  writeFileSync(path.join(dir, 'junit-runtimes.xml'), junit());
  process.stdout.write('runtime smoke: wrote reports/runtimes.md, reports/runtimes.json, reports/junit-runtimes.xml\n');
}

for (const r of results.filter((x) => x.counts === 'failed')) {
  process.stdout.write(`\nFAILED ${label(r)} (${r.status}): ${r.error ?? ''}\n`);
  for (const f of (r.failures ?? []).slice(0, 10)) process.stdout.write(`  - ${f.case}: ${f.message}\n`);
}
process.stdout.write(`runtimes: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed === 0 ? 0 : 1;
