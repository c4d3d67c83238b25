/** Writes reports/tas283.{md,json} from a `Tas283Report`. */
import { writeReportFiles, type ReportFiles } from '../../report-files.js';
import { MECHANISMS, type ExperimentOutcome } from './experiments.js';
import { matchesTicket, type Tas283Report } from './repro.js';

const cell = (text: string | undefined | null): string => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function outcomeText(o: ExperimentOutcome): string {
  return o.outcome === 'created' ? 'task created' : `${o.outcome}: \`${cell(o.error)}\``;
}

export function renderTas283Markdown(report: Tas283Report): string {
  const { verdict } = report;
  const lines: string[] = [];
  lines.push('# TAS-283: "trailing input" on koffi createTask — reproduction and root cause', '');
  lines.push(`Generated ${report.generatedAt} by \`npm run repro:tas283\`. Every error text and column below was returned by the bridge that failed.`, '');
  lines.push('## Verdict', '');
  lines.push(`**Root cause.** ${verdict.rootCause}`, '');
  lines.push(`- Mechanisms whose text matches the ticket (\`${cell(report.ticket.pattern)}\`): ${verdict.matchingMechanisms.length ? verdict.matchingMechanisms.map((m) => `\`${m}\``).join(', ') : 'none'}.`);
  const ticketCase = report.ticketColumnCase;
  if (ticketCase) {
    lines.push(`- With ${ticketCase.spec.contextPadding} bytes of padding in the context the request is ${ticketCase.requestBytes} bytes and the failing code reports column ${ticketCase.column ?? '–'} (the ticket saw ${report.ticket.column}): \`${cell(ticketCase.error)}\`.`);
  }
  lines.push(`- Minimal failing input (historical legacy build, raw \`client_create_task\`): \`${cell(report.minimal.json)}\` → \`${cell(report.minimal.error ?? 'accepted')}\`.`);
  lines.push(`- Fixed build: the old client's request is ${verdict.fixedBuildPasses ? 'accepted on both bridges' : 'STILL REJECTED'}.`);
  lines.push(`- napi immunity: ${verdict.napiImmunity}.`, '');
  lines.push('## Failure condition', '');
  lines.push(
    'The historical legacy build rejects a request exactly when it carries `requested_at` whose text is a complete naive timestamp followed by more characters ' +
      "(a zone designator such as `Z` from `toISOString()`, or an offset `+01:00`): chrono's `NaiveDateTime` parser stops there and reports `trailing input` (its `ParseErrorKind::TooLong`). " +
      'serde_json wraps that error with the position where it stopped reading, which is the closing quote of the `requested_at` value, so the column is the UTF-8 byte column of that quote. ' +
      'The old koffi client appended `requested_at` as the last key, so the column is the request length minus one. A request without `requested_at` (the passing integration test) or with a naive timestamp is accepted.',
    '',
  );
  lines.push('## Column against context size (historical build, old client flow)', '');
  lines.push('| context padding (B) | request (B) | reported column | closing quote of requested_at (byte column) |', '|---:|---:|---:|---:|');
  for (const row of report.columnSweep) lines.push(`| ${row.contextPadding} | ${row.requestBytes} | ${row.column ?? '–'} | ${row.requestedAtEndColumn ?? '–'} |`);
  lines.push('', 'The reported column grows one for one with the request and always equals the byte column where `requested_at` ends.', '');
  lines.push('## Candidate mechanisms', '');
  lines.push('Each experiment ran in its own child process (reading past a buffer may crash; a crash would be recorded, not fatal). `historical` is the legacy/napi build with the core feature `tas283-unfixed` (the old `requested_at: NaiveDateTime`); `fixed` is the default build. The parse column is the historical JSON parse (`from_str`) and the two fixes tried at the time.', '');
  // Each row is one variant: mechanism x build x parse x try (for the mechanisms whose result may
  // change from one try to the next).
  lines.push('| mechanism | build | parse | try | result | matches ticket |', '|---|---|---|---|---|---|');
  for (const o of report.experiments) {
    lines.push(
      `| \`${o.spec.mechanism}\` | ${o.spec.build} | ${o.spec.strategy ?? (o.bridge === 'napi' ? 'n/a (napi)' : 'from_str')} | ${o.spec.attempt === undefined ? '–' : `${o.spec.attempt.index} of ${o.spec.attempt.of}`} | ${outcomeText(o)} | ${matchesTicket(o) ? '**yes**' : 'no'} |`,
    );
  }
  lines.push('', '### What each mechanism is', '');
  for (const [name, text] of Object.entries(MECHANISMS)) lines.push(`- \`${name}\`: ${text}.`);
  lines.push('', '## Reading of the evidence', '');
  lines.push(
    '- Bytes past the end of the C string (a Buffer without NUL, a reused longer buffer) do happen with koffi, but they give `trailing characters` or `not valid UTF-8`, never `trailing input`; ' +
      "and `Deserializer::from_str` (which ignores trailing bytes) removes the reused-buffer failure, whereas the ticket says that fix did not help. `trim_end_matches('\\0')` changes nothing: a C string never contains its NUL.",
    "- A NUL inside the JS string is copied by koffi and ends the C string early: the request parses, nothing trails.",
    '- The timestamp mechanism reproduces the ticket\'s words exactly, is unchanged by both attempted fixes, and disappears when `requested_at` is absent (the passing integration test) or naive.',
    '- The napi spike "fixed" it only because its client stopped sending `requested_at`. N-API strings being length-prefixed is irrelevant to this bug.',
    '',
  );
  lines.push('## The fix', '');
  lines.push(
    'The core now takes `requested_at` as text and parses it in one place (`tasker_core::timestamp::parse_requested_at`): RFC 3339 with `Z` or an offset (converted to UTC) or a naive ISO 8601 timestamp. ' +
      'Both bridges hand it the same text, so the old koffi client, the napi client, and any `requestedAt` a caller passes are accepted or rejected identically (the parity and TAS-283 tests check this). ' +
      'The koffi client still sends `new Date().toISOString()`, as it always did.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

export function writeTas283Reports(report: Tas283Report, dir: string): ReportFiles {
  return writeReportFiles(dir, 'tas283', renderTas283Markdown(report), report);
}
