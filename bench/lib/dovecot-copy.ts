/**
 * A second Dovecot for the auth comparison: the stack's own rendered configuration, copied,
 * with only what must differ changed — its own instance name, base_dir and state_dir, IMAP
 * on another loopback port (the other listeners off) and the LDAP URI, service DN password
 * of the directory it asks. Everything else (auth settings, no auth cache, filters, the
 * mail location) is byte for byte the stack's, so only the LDAP server differs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ports } from '@mail/orchestrator';
import { waitForPort } from './net';

export interface CopyOptions {
  /** The stack's rendered config dir (data/config/dovecot). */
  sourceDir: string;
  ports: Ports;
  imapPort: number;
  ldapUrl: string;
  servicePassword: string;
}

/** Rewrites the stack's dovecot.conf for the copy in `dir` (pure). */
export function rewriteDovecotConf(conf: string, o: CopyOptions, dir: string): string {
  const listenerPort = (from: number, to: number) => (text: string): string => text.replace(new RegExp(`^(\\s*port = )${from}$`, 'm'), `$1${to}`);
  let out = conf
    .replace(/^instance_name = .*$/m, `instance_name = bench-${path.basename(dir)}`)
    .replace(/^base_dir = .*$/m, `base_dir = ${dir}/run`)
    .replace(/^state_dir = .*$/m, `state_dir = ${dir}/state`)
    .split(o.sourceDir)
    .join(dir);
  out = listenerPort(o.ports.imap, o.imapPort)(out);
  for (const off of [o.ports.imaps, o.ports.pop3s, o.ports.managesieve]) out = listenerPort(off, 0)(out);
  return out;
}

/** Points an LDAP .conf.ext at another server (pure). */
export function rewriteLdapExt(ext: string, ldapUrl: string, servicePassword: string): string {
  return ext.replace(/^uris = .*$/m, `uris = ${ldapUrl}`).replace(/^dnpass = .*$/m, `dnpass = ${servicePassword}`);
}

export class DovecotCopy {
  private constructor(readonly dir: string, private readonly child: ChildProcess) {}

  static async start(o: CopyOptions): Promise<DovecotCopy> {
    // Short: Dovecot's socket paths under base_dir must stay below 108 bytes.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bdc-'));
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(o.sourceDir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = entry.name;
      const text = fs.readFileSync(path.join(o.sourceDir, file), 'utf8');
      const out = file === 'dovecot.conf' ? rewriteDovecotConf(text, o, dir) : file.endsWith('.conf.ext') ? rewriteLdapExt(text, o.ldapUrl, o.servicePassword) : text;
      fs.writeFileSync(path.join(dir, file), out, { mode: 0o600 });
    }
    const log = fs.openSync(path.join(dir, 'dovecot.log'), 'a');
    const child = spawn('dovecot', ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    try {
      await waitForPort(o.imapPort, 15_000);
    } catch (err) {
      child.kill('SIGTERM');
      throw new Error(`${(err as Error).message}\n${fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000)}`);
    }
    return new DovecotCopy(dir, child);
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
