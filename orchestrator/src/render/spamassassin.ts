/**
 * SpamAssassin's private site config: Debian's *.pre files (copied, minus one compat
 * switch) + local.cf, acl.cf and custom.cf from `spamassassin-templates/`, judged by
 * the real `spamassassin --lint` on a scratch copy before they replace the live ones
 * (STYLE 6). spamd, the linter and sa-learn all run with `--siteconfigpath <this dir>`.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MailUser } from '../config/mail-user';
import type { DataPaths } from '../config/paths';
import { ConfigError, type Settings } from '../config/settings';
import { aclEntryToSenderGlob, type SpamSettings } from '../spam/spam-settings';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';

export interface SpamAssassinInput {
  settings: Settings;
  paths: DataPaths;
  spam: SpamSettings;
  /** No DNS-based tests at all (tests without a loopback resolver: MAIL_SPAM_DNS=off). */
  dnsOff: boolean;
  /** Where Debian keeps the *.pre files (a parameter so golden tests do not depend on the machine). */
  preDir?: string;
}

/** The contract's default score bump for a client without (matching) reverse DNS. */
export const RDNS_SCORE = 1.5;
const DEBIAN_PRE_DIR = '/etc/spamassassin';
// SpamAssassin 4 renamed USER_IN_BLACKLIST; without this line its rules keep the old
// name as a meta rule next to the new one (60_welcomelist.cf), which the spec names.
const COMPAT_LINE = /^\s*enable_compat\s+welcomelist_blocklist\b.*$/m;

export function spamConfigDir(paths: DataPaths): string {
  return path.join(paths.root, 'config', 'spamassassin');
}

/** spamd's and sa-learn's own state: the bayes database, HOME, the learn queue. */
export function spamStateDir(paths: DataPaths): string {
  return path.join(paths.root, 'spamassassin');
}

export function bayesDir(paths: DataPaths): string {
  return path.join(spamStateDir(paths), 'bayes');
}

/** Messages waiting to be learned: learn/spam and learn/ham (written by Dovecot's pipe script). */
export function learnQueueDir(paths: DataPaths): string {
  return path.join(spamStateDir(paths), 'learn');
}

function readPreFiles(preDir: string): RenderedFile[] {
  const names = fs.readdirSync(preDir).filter((f) => f.endsWith('.pre')).sort();
  return names.map((name) => {
    const text = fs.readFileSync(path.join(preDir, name), 'utf8');
    const content = name === 'init.pre' ? text.replace(COMPAT_LINE, '# $& (left out: keeps USER_IN_BLACKLIST visible)') : text;
    return { name, content, mode: 0o644 };
  });
}

const DNS_SERVER = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/;

/** The rule a config generation adds (local.cf.hbs): fires only on its own token. */
export function generationRule(generation: string): { rule: string; token: string } {
  return { rule: `MAILSERVER_CONFIG_${generation.toUpperCase()}`, token: `MAILSERVER-CONFIG-${generation}` };
}

/**
 * A short name for these settings: local.cf carries a rule that fires on it, so a
 * reload can be confirmed by asking spamd (spam/spamd.ts reloadSpamd).
 */
export function configGeneration(input: Pick<SpamAssassinInput, 'settings' | 'spam' | 'dnsOff'>): string {
  const what = JSON.stringify({ spam: input.spam, dns: input.settings.dnsServers, off: input.dnsOff });
  return crypto.createHash('sha256').update(what).digest('hex').slice(0, 12);
}

/** SpamAssassin wants `ip` or `ip:port` (`[v6]:port`); our settings already use that shape. */
function templateContext(input: SpamAssassinInput): object {
  const { settings, paths, spam, dnsOff } = input;
  const bad = settings.dnsServers.filter((s) => !DNS_SERVER.test(s));
  if (bad.length > 0) throw new ConfigError(`cannot render the SpamAssassin config: bad DNS server ${bad.join(', ')}`);
  if (!/^\/[A-Za-z0-9._/@+:~-]*$/.test(paths.root)) throw new ConfigError(`cannot render the SpamAssassin config: unsafe data path ${paths.root}`);
  return {
    requiredScore: spam.thresholds.spam.toFixed(1),
    bayesPath: path.join(bayesDir(paths), 'bayes'),
    rdnsScore: RDNS_SCORE.toFixed(1),
    dns: { off: dnsOff, servers: settings.dnsServers },
    block: spam.acl.block.map(aclEntryToSenderGlob),
    allow: spam.acl.allow.map(aclEntryToSenderGlob),
    rules: spam.rules,
    generation: generationRule(configGeneration(input)),
  };
}

/** Every file of the site config; pure apart from reading Debian's *.pre files. */
export function renderSpamAssassinFiles(input: SpamAssassinInput): RenderedFile[] {
  const context = templateContext(input);
  const dir = templateDir('spamassassin');
  const render = (name: string): RenderedFile => ({ name, content: renderTemplate(path.join(dir, `${name}.hbs`), context), mode: 0o644 });
  return [...readPreFiles(input.preDir ?? DEBIAN_PRE_DIR), render('local.cf'), render('acl.cf'), render('custom.cf')];
}

/**
 * `spamassassin --lint` on `configDir`, as the mail user (so it cannot leave root-owned
 * bayes files behind). Throws with the linter's own lines when it finds a problem.
 */
export function lintSpamAssassin(configDir: string, mailUser: MailUser): void {
  const result = spawnSync('spamassassin', ['--siteconfigpath', configDir, '--lint'], {
    encoding: 'utf8',
    timeout: 120_000,
    uid: mailUser.uid,
    gid: mailUser.gid,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: configDir },
  });
  if (result.error) throw new Error(`spamassassin --lint could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const lines = result.stderr
      .split('\n')
      .filter((l) => /lint:|config:|rules:|warn:|error/i.test(l))
      .map((l) => l.replace(/^.*?\] (warn|error|info): /, '').trim());
    const why = (lines.length > 0 ? lines : [result.stderr.trim() || `exit ${String(result.status)}`]).slice(0, 10).join('; ');
    throw new SpamConfigRejected(`spamassassin --lint rejected the rules: ${why}`);
  }
}

export class SpamConfigRejected extends Error {}

/** Renders, lints a scratch copy, then swaps the files in (the live config survives a bad render). */
export function installSpamAssassinConfig(input: SpamAssassinInput, mailUser: MailUser): void {
  const files = renderSpamAssassinFiles(input);
  const dir = spamConfigDir(input.paths);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  installValidated(dir, files, (scratch) => {
    // The scratch dir is created 0700 by root; the linter runs as the mail user.
    fs.chmodSync(scratch, 0o755);
    lintSpamAssassin(scratch, mailUser);
  });
}

/** The bayes and learn-queue directories, owned by the mail user (spamd and sa-learn run as it). */
export function prepareSpamStateDirs(paths: DataPaths, mailUser: MailUser): void {
  for (const dir of [spamStateDir(paths), bayesDir(paths), learnQueueDir(paths), ...['spam', 'ham'].map((k) => path.join(learnQueueDir(paths), k))]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    fs.chownSync(dir, mailUser.uid, mailUser.gid);
  }
}
