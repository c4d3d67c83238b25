/**
 * How the harness's commands (parity, soak, TAS-283) write a report: `<name>.md` for people and
 * `<name>.json` with every figure, side by side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ReportFiles {
  markdown: string;
  json: string;
}

/** Writes `markdown` and `report` (indented JSON) to `<directory>/<name>.md` and `.json`, creating the directory. */
export function writeReportFiles(directory: string, name: string, markdown: string, report: unknown): ReportFiles {
  mkdirSync(directory, { recursive: true });
  const files = { markdown: path.join(directory, `${name}.md`), json: path.join(directory, `${name}.json`) };
  writeFileSync(files.markdown, markdown);
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  return files;
}
