/** The machine and the versions a benchmark ran with, for `reports/bench.json`. */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { MachineInfo } from './model.js';

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    v8: process.versions.v8,
  };
}

/** `name -> version` of every package in Cargo.lock. */
export function cargoLockVersions(root: string): Map<string, string> {
  const file = path.join(root, 'Cargo.lock');
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  const text = readFileSync(file, 'utf8');
  for (const block of text.split('[[package]]')) {
    const name = /^name = "([^"]+)"/m.exec(block)?.[1];
    const version = /^version = "([^"]+)"/m.exec(block)?.[1];
    if (name !== undefined && version !== undefined && !out.has(name)) out.set(name, version);
  }
  return out;
}

/** The versions that matter for these numbers: the crates of both bridges, the JS packages. */
export function versions(root: string, libraries: Record<string, string>): Record<string, string> {
  const cargo = cargoLockVersions(root);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version?: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const all = { ...pkg.devDependencies, ...pkg.dependencies };
  const out: Record<string, string> = { 'tasker-ffi-parity': pkg.version ?? 'unknown' };
  for (const crate of ['tasker-core', 'legacy-ffi', 'napi-ffi', 'napi', 'napi-derive', 'napi-sys', 'serde_json', 'serde']) {
    const version = cargo.get(crate);
    if (version !== undefined) out[`crate:${crate}`] = version;
  }
  for (const name of ['koffi', '@napi-rs/cli', 'tinybench', 'fast-check', 'vega', 'vega-lite', 'typescript', 'tsx']) {
    const version = all[name];
    if (version !== undefined) out[`npm:${name}`] = version;
  }
  for (const [name, file] of Object.entries(libraries)) out[`library:${name}`] = path.relative(root, file) || file;
  return out;
}
