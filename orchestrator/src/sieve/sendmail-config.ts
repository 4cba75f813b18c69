/**
 * Wires Dovecot's Sieve mail to Haraka: the internal login's secret, the config file
 * `sieve-sendmail` reads (owned by the mail user, 0400) and Dovecot's sendmail_path.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MailUser } from '../config/mail-user';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import { writeFileAtomic } from '../render/files';
import type { SieveSendmailConfig } from './sendmail';

/** mail-common's INTERNAL_SUBMITTER (the orchestrator does not depend on the plugins). */
export const INTERNAL_SUBMITTER = 'mailserver-sieve';

export function sieveSendmailConfigFile(paths: DataPaths): string {
  return path.join(paths.run, 'sieve-sendmail.json');
}

/** `<node> <sieve-sendmail.js> <config>`: Dovecot splits sendmail_path at spaces. */
export function sieveSendmailCommand(paths: DataPaths): string {
  return [process.execPath, path.join(__dirname, 'sendmail.js'), sieveSendmailConfigFile(paths)].join(' ');
}

/** Where sieve-sendmail connects: our submission port, on loopback unless bound elsewhere. */
function submissionHost(bindAddress: string): string {
  if (bindAddress === '*' || bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '::1';
  return bindAddress;
}

export function writeSieveSendmailConfig(paths: DataPaths, settings: Settings, mailUser: MailUser, password: string): void {
  const config: SieveSendmailConfig = {
    host: submissionHost(settings.bindAddress),
    port: settings.ports.submission,
    hostname: settings.hostname,
    user: INTERNAL_SUBMITTER,
    password,
  };
  const file = sieveSendmailConfigFile(paths);
  writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`, 0o400);
  fs.chownSync(file, mailUser.uid, mailUser.gid);
}

/**
 * Dovecot runs sieve-sendmail as the mail user: the checkout (node_modules, dist/)
 * must be readable by it. A checkout under a private home (e.g. /root) is not, and
 * Sieve redirect and vacation would fail at delivery time (tempfail, retried): say so
 * at start. Returns the problem, or undefined when the mail user can run it.
 */
export function checkMailUserCanRun(mailUser: MailUser): string | undefined {
  const script = path.join(__dirname, 'sendmail.js');
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(script)})`], {
    uid: mailUser.uid,
    gid: mailUser.gid,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0) {
    const why = (run.error?.message ?? run.stderr.trim().split('\n')[0]) || `exit ${String(run.status)}`;
    return `the mail user (uid ${mailUser.uid}) cannot run ${script}: ${why}; Sieve redirect and vacation will fail until the checkout is readable by it`;
  }
  return undefined;
}
