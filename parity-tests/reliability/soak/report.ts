/**
 * `reports/soak.md`: the soak's results for people (the JSON next to it has every sample).
 */
import type { SoakReport } from './index.js';
import { CHURN_RSS_BOUND_BYTES_PER_WORKER, growthJudged, MIN_CALLS_FOR_GROWTH } from './targets.js';
import type { MemorySample } from './workload.js';

const MB = 1024 * 1024;
const mb = (bytes: number, digits = 2): string => `${(bytes / MB).toFixed(digits)} MB`;
const n = (value: number): string => value.toLocaleString('en');
const mark = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

/** Every k-th sample, always the first and the last. */
function thin(samples: MemorySample[], rows: number): MemorySample[] {
  if (samples.length <= rows) return samples;
  const step = (samples.length - 1) / (rows - 1);
  return Array.from({ length: rows }, (_, i) => samples[Math.round(i * step)] as MemorySample);
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

const ARM_LABEL: Record<string, string> = {
  napi: 'napi (the contract)',
  koffi: 'koffi (the contract)',
  'koffi-js-dispose': 'koffi, control: the pre-fix declaration (dispose in JS)',
  none: 'no bridge (floor: Node\'s own cost of a terminated worker)',
};

type Out = (line?: string) => void;

/** The section of a phase that may not have run: its heading, then `render`, or `notRun`. */
function phaseSection<T>(out: Out, title: string, phase: T | null | undefined, notRun: string, render: (phase: T) => void): void {
  out();
  out(`## ${title}`);
  out();
  if (phase === null || phase === undefined) out(notRun);
  else render(phase);
}

function renderTerminations(t: NonNullable<SoakReport['terminations']>, out: Out): void {
  const first = t.arms.find((a) => !('failure' in a));
  out(
    'Each worker loads one bridge and calls string-returning operations in a tight loop (`getWorkerStatus`, `clientGetTask`, `pollStepEvents`, ' +
      '`clientListTasks` of 10, `getFfiDispatchMetrics`) on a seeded engine; the driver calls `worker.terminate()` after a random ' +
      `0-${first !== undefined && !('failure' in first) ? first.maxDelayMs : 3} ms, ${first !== undefined && !('failure' in first) ? first.concurrency : 2} workers alive at once, one child process per arm. ` +
      '"Mid-call" counts terminations that found the worker inside a bridge call. Judged: napi (no failed worker, RSS per termination ' +
      `under ${kib(t.rssBoundBytesPerTermination)}): **${t.napiOk === null ? 'not run' : mark(t.napiOk)}**. koffi's C strings are reported as the rollback bridge's risk, not judged.`,
  );
  out();
  out('| arm | terminations | mid-call | calls | failed workers | live C strings left | per termination | ≈ bytes per termination | RSS per termination (after warm-up) | RSS warm → end | duration |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const a of t.arms) {
    if ('failure' in a) {
      out(`| ${ARM_LABEL[a.arm] ?? a.arm} | **did not complete**: ${a.failure.replace(/\|/g, '\\|')} | | | | | | | | | |`);
      continue;
    }
    const leaked = a.leakedStrings === null ? 'n/a (no C strings)' : n(a.leakedStrings);
    const per = a.leakedPerTermination === null ? '–' : a.leakedPerTermination.toFixed(3);
    const bytes = a.leakedPerTermination === null ? '–' : `${n(Math.round(a.leakedPerTermination * a.meanAnswerBytes))} B`;
    out(
      `| ${ARM_LABEL[a.arm] ?? a.arm} | ${n(a.terminations)} | ${n(a.midCall)} | ${n(a.calls)} | ${a.failedWorkers} | ${leaked} | ${per} | ${bytes} | ` +
        `${kib(a.rssPerTermination)} | ${mb(a.rssWarm, 1)} → ${mb(a.rssEnd, 1)} | ${(a.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  out();
  out(
    'Bytes per termination = leaked strings per termination × the mean answer of the loop on the wire ' +
      `(${first !== undefined && !('failure' in first) ? n(first.meanAnswerBytes) : '?'} B; a leaked \`clientListTasks\` answer is the largest). ` +
      'RSS per termination is (end − first sample after warm-up) / terminations since: each termination is also a worker created and torn down, ' +
      'so it carries the worker churn\'s noise (tens of KiB either way), far above a few KiB of strings; the live-string counter is the exact figure.',
  );
  out();
  out(
    'Why koffi leaked before the fix: `terminate()` marks the worker\'s environment as stopping at once, and V8 stops the thread only at its next interrupt check, ' +
      'so a call in the Rust code returns its `char *` normally; koffi then freed the string by calling the disposable type\'s JavaScript dispose function, ' +
      'which Node refuses while stopping. The adapter now declares the return `void *` and decodes and frees it with two native calls in its own frame ' +
      '(`src/backends/legacy-library.ts`), which V8 does not interrupt; the control arm keeps the old declaration. Details: docs/reliability.md.',
  );
  for (const a of t.arms) if (!('failure' in a)) for (const e of a.errors.slice(0, 5)) out(`- ${a.arm}: ${e}`);
}

export function renderSoakMarkdown(report: SoakReport): string {
  const lines: string[] = [];
  const out = (line = ''): void => {
    lines.push(line);
  };
  const env = report.environment;
  out('# Soak: memory and leaks per bridge');
  out();
  out(`Generated ${report.generatedAt} by \`tasker-ffi soak\` (\`npm run soak\`). Overall: **${mark(report.pass)}**.`);
  out();
  out(
    `Node ${env.node} on ${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel}, ${n(env.totalMemoryMb)} MB RAM. ` +
      `Children run with \`${env.nodeFlags.join(' ')}\`; the backends ran ${report.parallel ? 'at the same time, each in its own child process' : 'one after the other, each in its own child process'}.`,
  );
  out();
  out('## Targets');
  out();
  out(`- RSS growth after warm-up **under ${mb(report.targets.rssBytesPerMillionCalls, 0)} per million calls** on each bridge: both the end-to-end delta (mean of the last 3 samples minus mean of the first 3) and the least-squares slope over all post-warm-up samples must be under it.`);
  out('- C strings handed out by the legacy library and not freed (`legacy_live_strings()`) **end at 0**.');
  out('- The same live-string check must catch a deliberate leak (below).');
  out();
  out('## Per bridge');
  out();
  out('| backend | verdict | calls | duration | calls/s | RSS delta / M calls | RSS slope / M calls | V8 heapUsed / M calls | external / M calls | live C strings at end (max seen) | engine restarts |');
  out('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const b of report.backends) {
    const r = b.result;
    if (r === null) {
      out(`| ${b.backend} | **FAIL** | – | – | – | – | – | – | – | – | – |`);
      continue;
    }
    const live = r.liveStringsEnd === null ? 'n/a (no C strings)' : `${r.liveStringsEnd} (${r.liveStringsMax ?? 0})`;
    out(
      `| ${b.backend} | **${mark(b.verdict.pass)}** | ${n(r.calls)} | ${(r.durationMs / 1000).toFixed(1)} s | ${n(r.callsPerSecond)} | ` +
        `${mb(r.rss.deltaPerMillion)} | ${mb(r.rss.slopePerMillion)} | ${mb(r.heapUsed.deltaPerMillion, 3)} | ${mb(r.external.deltaPerMillion, 3)} | ${live} | ${n(r.engineRestarts)} |`,
    );
  }
  out();
  for (const b of report.backends) {
    if (b.verdict.reasons.length > 0) out(`- ${b.backend}: ${b.verdict.reasons.join('; ')}`);
    if (b.result !== null && !growthJudged(b.result)) {
      out(`- ${b.backend}: a run of fewer than ${n(MIN_CALLS_FOR_GROWTH)} calls is still warming up; its growth figures are shown but not judged (only the live C strings are).`);
    }
  }
  if (report.backends.some((b) => b.result !== null && (b.result.rss.deltaPerMillion < 0 || b.result.rss.slopePerMillion < 0))) {
    out('- A negative figure means RSS fell after warm-up: the allocator returned memory to the system once (visible as a single step in the table below), with no growth before or after it.');
  }
  const first = report.backends.find((b) => b.result !== null)?.result;
  if (first !== undefined && first !== null) {
    out();
    out(
      `Each run: ${n(first.cycles)} cycles, warm-up = the first ${n(first.warmupCalls)} calls (${Math.round((first.warmupCalls / first.calls) * 100)}%), growth over ${first.rss.samples} samples spanning ${n(first.rss.callSpan)} calls. ` +
        `Call mix per backend: ${Object.entries(first.counts)
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', ')} (\`emptyPoll\` is included in \`poll\`).`,
    );
  }
  out();
  out('### RSS over the run (after gc, engine empty at each sample)');
  out();
  const runs = report.backends.filter((b) => b.result !== null);
  if (runs.length > 0) {
    out(`| calls | ${runs.map((b) => `${b.backend} RSS | ${b.backend} heapTotal | ${b.backend} heapUsed`).join(' | ')} |`);
    out(`|---:|${runs.map(() => '---:|---:|---:').join('|')}|`);
    const thinned = runs.map((b) => thin(b.result?.samples ?? [], 12));
    const rows = Math.max(...thinned.map((s) => s.length));
    for (let i = 0; i < rows; i += 1) {
      const cells = thinned.map((s) => {
        const sample = s[i];
        return sample === undefined ? '– | – | –' : `${mb(sample.rss, 1)} | ${mb(sample.heapTotal, 1)} | ${mb(sample.heapUsed, 1)}`;
      });
      const calls = thinned.map((s) => s[i]?.calls).find((c) => c !== undefined) ?? 0;
      out(`| ${n(calls)} | ${cells.join(' | ')} |`);
    }
    out();
    out('The first row is the start (after loading and bootstrapping); the last is after the final `stopWorker()` (engine dropped). Calls of the rows are those of the first backend; the other backends sample at the same points ±1 cycle.');
  }

  out();
  out('## How the workload keeps engine state bounded');
  out();
  out(
    'One cycle = create a task (alternately the linear `ecommerce/order_processing` and the diamond `analytics/report`, 4 steps each), ' +
      'poll and complete until the task is done, one empty poll, get the task, list a page of 10 tasks: 12 contract calls. ' +
      'The engine keeps every task it creates (it stands in for the orchestration server and its database), so every ' +
      `${first?.tasksPerEngine ?? 100} tasks the workload calls \`stopWorker()\` + \`bootstrapWorker()\`: the core drops the engine and all its state and the next one starts empty. ` +
      'Samples are taken right after such a restart (engine empty), after `global.gc()` twice, so every sample sees the same engine state and the growth between samples is the bridge\'s (and the core\'s allocator\'s), not the data\'s.',
  );
  out();
  out(
    'V8 sizes its young generation adaptively and can double it at any point of a run (a one-off 8-16 MB RSS step observed mid-run at ~140k calls without the flags); ' +
      'the children pin the semi-space size so that step happens at start-up and does not read as growth.',
  );

  phaseSection(out, 'Deliberate leak: the same check catches it', report.leakCheck, 'Not run (koffi not soaked).', (leak) => {
    out(
      `A ${n(leak.calls)}-call koffi run in which every ${leak.leakEvery}th cycle reads its task through a second declaration of \`client_get_task\` ` +
        'with a plain `const char *` return (koffi copies the string and never calls `free_rust_string`, the mistake the adapter\'s disposable type prevents).',
    );
    out();
    out(`| leaked calls | live C strings at end | verdict of the same check | detected |`);
    out('|---:|---:|---|---|');
    out(`| ${n(leak.leakedCalls)} | ${String(leak.liveStringsEnd)} | ${mark(leak.verdict.pass)}: ${leak.verdict.reasons.join('; ') || '–'} | **${leak.detected ? 'yes' : 'NO'}** |`);
    if (leak.failure !== null) out(`\nThe leak run failed: ${leak.failure}`);
  });

  phaseSection(out, 'worker_threads', report.threads, 'Not run.', (t) => {
    out(
      `${t.threads} worker_threads, each loading every backend through the contract and creating ${t.tasksPerWorker} tasks per backend, polling and completing concurrently ` +
        `on one engine per backend (the native state is process-global). ${(t.durationMs / 1000).toFixed(1)} s. Verdict: **${mark(t.ok)}**.`,
    );
    if (t.failure !== null) out(`\nThe scenario did not complete: ${t.failure}`);
    out();
    out('| backend | tasks | steps expected | handed out | unique | twice | never | completed (true / false) | tasks complete | steps complete / events pending | errors | exactly once |');
    out('|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---|');
    for (const r of t.perBackend) {
      out(
        `| ${r.backend} | ${r.tasksCreated} | ${r.stepsExpected} | ${r.handedOut} | ${r.uniqueHandedOut} | ${r.duplicates} | ${r.missing} | ` +
          `${r.completedTrue} / ${r.completedFalse} | ${r.tasksComplete} | ${r.metrics.stepsComplete} / ${r.metrics.pendingCount} | ${r.errors.length} | ${r.exactlyOnce ? 'yes' : '**no**'} |`,
      );
    }
    out();
    out(`Same final counts on every backend: **${t.sameCounts ? 'yes' : 'no'}**. Live C strings after the concurrency phase: ${String(t.liveStringsEnd)}.`);
    const c = t.churn;
    if (c !== null) {
      out();
      out(
        `Churn: ${c.workers} short-lived workers (${c.batch} at a time) each loaded the napi addon and the legacy library, created a task on each, polled and completed, and exited. ` +
          `Failed workers: ${c.failed}. Tasks created / complete: ${Object.keys(c.tasksCreated)
            .map((b) => `${b} ${c.tasksCreated[b]} / ${c.tasksComplete[b]}`)
            .join(', ')}. Live C strings at the end: ${String(c.liveStringsEnd)}.`,
      );
      out();
      out(
        `RSS after each batch (after gc): ${c.rssAfterBatch.map((v) => mb(v, 1)).join(', ')}; ` +
          `growth after the first batch: ${mb(c.rssEnd - c.rssWarm)} in total, ${(c.rssGrowthPerWorker / 1024).toFixed(1)} KiB per worker ` +
          `(bound: under ${CHURN_RSS_BOUND_BYTES_PER_WORKER / 1024} KiB per worker, i.e. no per-load leak of an addon instance or isolate): ` +
          `**${mark(c.rssGrowthPerWorker < CHURN_RSS_BOUND_BYTES_PER_WORKER)}**.` +
          (c.rssGrowthPerWorker < 0 ? ' (Negative: memory held after the concurrency phase was returned during the churn.)' : ''),
      );
      for (const e of c.errors) out(`- ${e}`);
    }
    for (const r of t.perBackend) for (const e of r.errors.slice(0, 5)) out(`- ${r.backend}: ${e}`);
  });
  phaseSection(out, 'worker_threads terminated mid-call', report.terminations, 'Not run.', (t) => renderTerminations(t, out));
  out();
  out('Reproduce: `npm run soak` (default 1,000,000 calls per backend; `npm run soak -- --calls 250k`, `--backend koffi`). Method and the rest of the reliability suite: docs/reliability.md.');
  out();
  return `${lines.join('\n')}\n`;
}
