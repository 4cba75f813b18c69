/**
 * 3. Ceiling: the disk's durable-write rate, the physical limit under every fsync'd
 * delivery. One op = what a maildir delivery does to make a message durable: create a file
 * in tmp/, write 2 KB, fsync it, rename it into new/, fsync the directory. 1 and 16
 * writers, each a worker thread doing blocking calls (Node's async fs would funnel them
 * through libuv's 4 threads). On the filesystem of the stack's data dir (os.tmpdir()).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { printTable, writeResult } from './lib/report';

interface Job {
  dir: string;
  ops: number;
}

function writeMany({ dir, ops }: Job): void {
  const tmp = path.join(dir, 'tmp');
  const target = path.join(dir, 'new');
  fs.mkdirSync(tmp, { recursive: true });
  fs.mkdirSync(target, { recursive: true });
  const body = Buffer.alloc(2048, 'x');
  const dirFd = fs.openSync(target, 'r');
  for (let i = 0; i < ops; i++) {
    const from = path.join(tmp, `m${i}`);
    const fd = fs.openSync(from, 'wx');
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(from, path.join(target, `m${i}`));
    fs.fsyncSync(dirFd);
  }
  fs.closeSync(dirFd);
}

if (!isMainThread) {
  writeMany(workerData as Job);
  parentPort?.postMessage('done');
}

async function measure(root: string, writers: number, opsEach: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, (_, i) => {
      const worker = new Worker(__filename, { workerData: { dir: path.join(root, `w${writers}-${i}`), ops: opsEach } satisfies Job });
      return new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fsync writer exited ${code}`))));
      });
    }),
  );
  return (writers * opsEach) / (Number(process.hrtime.bigint() - started) / 1e9);
}

function filesystem(dir: string): string {
  try {
    return execFileSync('findmnt', ['-n', '-o', 'FSTYPE,SOURCE', '-T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function main(): Promise<void> {
  const total = Number(process.env['BENCH_FSYNC_OPS'] ?? (process.env['BENCH_FULL'] === '1' ? 20_000 : 4_000));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fsync-'));
  const rows: { writers: number; ops: number; opsPerSecond: number }[] = [];
  try {
    for (const writers of [1, 16]) {
      const opsEach = Math.ceil(total / writers);
      rows.push({ writers, ops: opsEach * writers, opsPerSecond: await measure(root, writers, opsEach) });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const fsType = filesystem(os.tmpdir());
  printTable(`fsync ceiling: create + write 2 KB + fsync + rename + dir fsync, ops/s (${os.tmpdir()}: ${fsType})`, ['writers', 'ops', 'ops/s'], rows.map((r) => [r.writers, r.ops, r.opsPerSecond]));
  writeResult('fsync', { directory: os.tmpdir(), filesystem: fsType, rows });
}
