/**
 * A private spamd for the raw `spamc` reference of the full-pipeline benchmark: its own
 * site config (Debian's *.pre plugin lists copied, a local.cf with network tests off, as
 * the machine has no internet, and bayes in the temp dir), on a loopback port, only
 * 127.0.0.1 allowed, in the foreground as our child. `spamcRate` scans a message N times.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './net';

export class PrivateSpamd {
  private constructor(readonly dir: string, readonly port: number, private readonly child: ChildProcess) {}

  static async start(port: number, children: number): Promise<PrivateSpamd> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-spamd-'));
    fs.chmodSync(dir, 0o755); // spamd's children run as nobody and read the site config
    const site = path.join(dir, 'site');
    fs.mkdirSync(site);
    const bayes = path.join(dir, 'bayes');
    fs.mkdirSync(bayes);
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    fs.chownSync(bayes, nobody, fs.statSync(bayes).gid);
    for (const f of fs.readdirSync('/etc/spamassassin')) if (f.endsWith('.pre')) fs.copyFileSync(path.join('/etc/spamassassin', f), path.join(site, f));
    fs.writeFileSync(path.join(site, 'local.cf'), `use_bayes 1\nbayes_path ${bayes}/bayes\nskip_rbl_checks 1\ndns_available no\n`);
    const args = ['--siteconfigpath', site, '--listen', `127.0.0.1:${port}`, '--allowed-ips=127.0.0.1', '--max-children', String(children), '--min-children', String(children), '--nouser-config', '--username', 'nobody', '--pidfile', path.join(dir, 'spamd.pid')];
    const log = fs.openSync(path.join(dir, 'spamd.log'), 'a');
    const child = spawn('spamd', args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    await waitForPort(port, 120_000);
    return new PrivateSpamd(dir, port, child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    if (!process.env['KEEP_BENCH_DATA']) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

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
