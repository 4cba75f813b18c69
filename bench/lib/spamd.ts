/** Raw `spamc` throughput: the reference the full-pipeline benchmark puts our rate against. */
import { spawn } from 'node:child_process';

function spamcOnce(port: number, message: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('spamc', ['-d', '127.0.0.1', '-p', String(port), '-c', '-x'], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.once('error', reject);
    // -c: exit 0 ham, 1 spam; -x: any failure exits non-zero instead of passing the message on.
    child.once('close', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`spamc exited ${code}`))));
    child.stdin.end(message);
  });
}

/** Scans `message` `total` times over `concurrency` spamc processes; scans/s. */
export async function spamcRate(port: number, message: Buffer, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next++ < total) await spamcOnce(port, message);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}
