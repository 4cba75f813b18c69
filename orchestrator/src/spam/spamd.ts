/**
 * spamd as a supervised child: started directly as the mail user (never root, so no
 * `-u`: its parent stays unprivileged too), listening on 127.0.0.1 only, with the
 * private site config; ready when it answers PING (the spamc protocol's own probe).
 */
import net from 'node:net';
import path from 'node:path';
import type { MailUser } from '../config/mail-user';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import { generationRule, spamConfigDir, spamStateDir } from '../render/spamassassin';
import type { ProcessSpec } from '../supervisor/supervised-process';
import { waitUntil } from '../supervisor/probes';

/** spamd's children: each holds ~100 MB (FACTS); two keep both cores busy. */
const MAX_CHILDREN = 2;

export function spamdPidFile(paths: DataPaths): string {
  return path.join(spamStateDir(paths), 'spamd.pid');
}

export function spamdArgs(settings: Settings, paths: DataPaths): string[] {
  return [
    `--siteconfigpath=${spamConfigDir(paths)}`,
    // No per-user preferences or user databases: the config is server-wide.
    '--nouser-config',
    `--listen=127.0.0.1:${settings.ports.spamd}`,
    '--allowed-ips=127.0.0.1',
    `--max-children=${MAX_CHILDREN}`,
    '--min-children=1',
    '--min-spare=1',
    '--max-spare=1',
    '--syslog=stderr',
    `--pidfile=${spamdPidFile(paths)}`,
  ];
}

export function spamdSpec(settings: Settings, paths: DataPaths, mailUser: MailUser, env: NodeJS.ProcessEnv, logFile: string): ProcessSpec {
  return {
    name: 'spamd',
    command: 'spamd',
    args: spamdArgs(settings, paths),
    env: { PATH: env['PATH'] ?? '/usr/bin:/bin', HOME: spamStateDir(paths), LANG: 'C.UTF-8' },
    uid: mailUser.uid,
    gid: mailUser.gid,
    logFile,
    ready: () => pingSpamd(settings.ports.spamd),
    // Loading the rules takes a few seconds, more on a busy machine.
    startTimeoutMs: 60_000,
  };
}

/** `PING SPAMC/1.5` → `SPAMD/1.5 0 PONG` (spamd's protocol, spamd/PROTOCOL). */
export function pingSpamd(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING SPAMC/1.5\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\n')) finish(/^SPAMD\/\d\.\d+ 0 PONG/.test(reply));
    });
    socket.on('end', () => finish(/^SPAMD\/\d\.\d+ 0 PONG/.test(reply)));
  });
}

/** Asks spamd for the rules a probe message hits (SYMBOLS, spamd/PROTOCOL). */
export function spamdSymbols(port: number, message: string, timeoutMs = 10_000): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (symbols: string[] | undefined): void => {
      socket.destroy();
      resolve(symbols);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.on('error', () => finish(undefined));
    socket.on('connect', () => {
      const body = Buffer.from(message.replace(/\r?\n/g, '\r\n'));
      socket.end(Buffer.concat([Buffer.from(`SYMBOLS SPAMC/1.5\r\nContent-length: ${body.length}\r\n\r\n`), body]));
    });
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('end', () => {
      const [head, body] = reply.split('\r\n\r\n', 2);
      finish(/^SPAMD\/\d\.\d+ 0 /.test(head ?? '') ? (body ?? '').trim().split(',').filter(Boolean) : undefined);
    });
  });
}

/**
 * After SIGHUP spamd re-executes itself and reloads every rule. "Reloaded" means the
 * running spamd scores the probe token of this config generation (local.cf), so the
 * next message meets the new rules; an old spamd still answering PING does not count.
 */
export async function reloadSpamd(pid: number, port: number, generation: string, timeoutMs = 120_000): Promise<boolean> {
  process.kill(pid, 'SIGHUP');
  return waitForGeneration(port, generation, timeoutMs);
}

export function waitForGeneration(port: number, generation: string, timeoutMs: number): Promise<boolean> {
  const { rule, token } = generationRule(generation);
  const probe = `Subject: config probe\n\n${token}\n`;
  return waitUntil(async () => (await spamdSymbols(port, probe))?.includes(rule) ?? false, timeoutMs, 250);
}
