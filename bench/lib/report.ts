/**
 * Result formatting and recording for every benchmark: a fixed-width table on stdout and a
 * JSON file bench/results/<name>.json carrying the machine (cores, memory, Debian, Node)
 * and the load average at the time, because figures from a shared machine mean little
 * without it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Cell = string | number | null | undefined;

/**
 * Numbers get `digits` decimals (one value, or one per column); null/undefined print as "-".
 * Columns are right-aligned.
 */
export function formatTable(headers: readonly string[], rows: readonly Cell[][], digits: number | readonly number[] = 1): string {
  const places = (i: number): number => (typeof digits === 'number' ? digits : (digits[i] ?? 1));
  const text = rows.map((row) => headers.map((_, i) => formatCell(row[i], places(i))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...text.map(line)].join('\n');
}

function formatCell(cell: Cell, digits: number): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : cell.toFixed(digits);
  return cell;
}

/** a / b rounded to 2 decimals; null when either side is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export interface Machine {
  cpus: number;
  memoryGiB: number;
  debian: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the result was written. */
  loadAverage: number[];
}

export function machine(): Machine {
  let debian = 'unknown';
  try {
    debian = fs.readFileSync('/etc/debian_version', 'utf8').trim();
  } catch {
    // not Debian: leave "unknown"
  }
  return {
    cpus: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    debian,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The checkout's root (the workspace package.json), from the sources or the build. */
export function repoRoot(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    } catch {
      // no package.json here: go up
    }
  }
  throw new Error(`no workspace root above ${from}`);
}

export const RESULTS_DIR = path.join(repoRoot(), 'bench', 'results');

/** Writes bench/results/<name>.json and returns its path. */
export function writeResult(name: string, data: Record<string, unknown>): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const body = { name, date: new Date().toISOString(), machine: machine(), ...data };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/** Prints a titled table plus the load average (the machine may be shared). */
export function printTable(title: string, headers: readonly string[], rows: readonly Cell[][], digits: number | readonly number[] = 1): void {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\n${title}  (load average ${load})\n${formatTable(headers, rows, digits)}`);
}
