/**
 * Test support: a real Dovecot with only an LMTP unix socket, from a minimal config
 * of its own in a temp dir (passwd-file users, maildirs owned by the mail account, no
 * TCP listener). Needs root: Dovecot's master switches users. Not compiled into dist.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface LmtpUser {
  address: string;
  /** A tiny quota makes every save for this user fail with "quota exceeded". */
  quotaBytes?: number;
}

export interface DovecotLmtpOptions {
  /** Quota failures answer 452 4.2.2 instead of 552 5.2.2. */
  quotaTempfail?: boolean;
}

export interface DovecotLmtp {
  dir: string;
  socketPath: string;
  /** The full text of every message in the mailbox's INBOX maildir. */
  messages(address: string): string[];
  log(): string;
  /** Replaces the user list (Dovecot rereads a changed passwd-file). */
  setUsers(users: LmtpUser[]): void;
  stop(): Promise<void>;
}

export const isRoot = process.getuid?.() === 0;

function mailAccount(): { name: string; uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'vmail'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'vmail'], { encoding: 'utf8' }).trim());
  return { name: 'vmail', uid, gid };
}

function config(dir: string, account: string, options: DovecotLmtpOptions): string {
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = lmtp-test-${path.basename(dir)}
log_path = ${dir}/dovecot.log
protocols = lmtp
ssl = no
default_internal_user = ${account}
default_login_user = ${account}
mail_uid = ${account}
mail_gid = ${account}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mail_plugins = quota
quota_full_tempfail = ${options.quotaTempfail ? 'yes' : 'no'}
plugin {
  quota = maildir:User quota
}
passdb {
  driver = passwd-file
  args = ${dir}/users
}
userdb {
  driver = passwd-file
  args = ${dir}/users
  default_fields = home=${dir}/mail/%u
}
service lmtp {
  unix_listener lmtp {
    path = ${dir}/lmtp.sock
    mode = 0600
  }
}
service anvil {
  chroot =
}
`;
}

function usersFile(users: LmtpUser[]): string {
  return users
    .map((u) => `${u.address}:::::::${u.quotaBytes === undefined ? '' : `userdb_quota_rule=*:storage=${u.quotaBytes}B`}\n`)
    .join('');
}

/** Resolves once the socket greets with 220; rejects if Dovecot exits first. */
async function waitForGreeting(socketPath: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}):\n${log()}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = net.connect(socketPath);
      socket.once('data', (d: Buffer) => resolve(d.toString().startsWith('220')));
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
      socket.setTimeout(2000, () => socket.destroy());
    }).catch(() => false);
    if (greeted) return;
    if (Date.now() > deadline) throw new Error(`dovecot LMTP never greeted:\n${log()}`);
    // Readiness poll: the socket appears a few milliseconds after the master starts.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The temp dir with config, users and the mail account's maildir root; returns dovecot.conf. */
function prepare(dir: string, users: LmtpUser[], options: DovecotLmtpOptions): string {
  fs.chmodSync(dir, 0o755); // the mail account must traverse it
  const account = mailAccount();
  for (const sub of ['run', 'state']) fs.mkdirSync(path.join(dir, sub));
  fs.mkdirSync(path.join(dir, 'mail'));
  fs.chownSync(path.join(dir, 'mail'), account.uid, account.gid);
  fs.writeFileSync(path.join(dir, 'users'), usersFile(users));
  const confFile = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(confFile, config(dir, account.name, options));
  return confFile;
}

export async function startDovecotLmtp(users: LmtpUser[], options: DovecotLmtpOptions = {}): Promise<DovecotLmtp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmtp-'));
  const confFile = prepare(dir, users, options);
  const logFile = path.join(dir, 'dovecot.log');
  const log = (): string => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const child = spawn('dovecot', ['-F', '-c', confFile], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const socketPath = path.join(dir, 'lmtp.sock');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForGreeting(socketPath, child, log);
  } catch (err) {
    await stop();
    throw err;
  }
  const messages = (address: string): string[] =>
    ['new', 'cur'].flatMap((sub) => {
      const folder = path.join(dir, 'mail', address, sub);
      if (!fs.existsSync(folder)) return [];
      return fs.readdirSync(folder).map((f) => fs.readFileSync(path.join(folder, f), 'utf8'));
    });
  const setUsers = (next: LmtpUser[]): void => {
    const file = path.join(dir, 'users');
    fs.writeFileSync(`${file}.new`, usersFile(next));
    fs.renameSync(`${file}.new`, file);
  };
  return { dir, socketPath, messages, log, setUsers, stop };
}
