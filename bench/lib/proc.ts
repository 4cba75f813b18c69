/**
 * Process memory from /proc: VmRSS of a pid and of all its descendants (Dovecot's and
 * Haraka's children are where the memory goes). Parsers are pure and unit-tested.
 */
import fs from 'node:fs';

/** VmRSS in kB from the text of /proc/<pid>/status; null when absent (a zombie, a kernel thread). */
export function parseVmRssKb(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : null;
}

/** Name and parent pid from /proc/<pid>/stat; the name may hold spaces and parentheses. */
export function parseStat(stat: string): { name: string; ppid: number } | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = stat.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? { name: stat.slice(open + 1, close), ppid } : null;
}

export interface ProcessMemory {
  pid: number;
  name: string;
  rssKb: number;
}

function read(pid: number, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null; // gone meanwhile
  }
}

/** The pid and every descendant, with their RSS (processes that vanished are skipped). */
export function processTree(root: number): ProcessMemory[] {
  const parents = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = parseStat(read(Number(entry), 'stat') ?? '');
    if (!stat) continue;
    names.set(Number(entry), stat.name);
    parents.set(stat.ppid, [...(parents.get(stat.ppid) ?? []), Number(entry)]);
  }
  const out: ProcessMemory[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    const rssKb = parseVmRssKb(read(pid, 'status') ?? '');
    if (rssKb !== null) out.push({ pid, name: names.get(pid) ?? '?', rssKb });
    queue.push(...(parents.get(pid) ?? []));
  }
  return out;
}
