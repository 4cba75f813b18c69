/**
 * Dovecot's configuration: settings + paths → dovecot.conf and the two LDAP files,
 * checked by the real `doveconf -n` before they replace the live ones (STYLE 6).
 * Dovecot asks the LDAP bridge for every login and every user (ldap-bridge/README.md),
 * so nothing here changes when mailboxes do; only settings trigger a render.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { MailUser } from '../config/mail-user';
import type { DataPaths } from '../config/paths';
import { ConfigError, type Settings } from '../config/settings';
import { dovecotSpamContext } from './dovecot-spam';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';
import { authPolicyNonce, authPolicyUrl, tlsPolicy } from './security';

export interface DovecotInput {
  settings: Settings;
  paths: DataPaths;
  mailUser: MailUser;
  /** The LDAP bridge's service password (`secrets/ldap-service.secret`). */
  ldapServicePassword: string;
  /** The LDAP bridge's port on 127.0.0.1. */
  ldapPort: number;
  /** Dovecot's sendmail_path for Sieve mail (sieve/sendmail-config.ts); absent: Dovecot's default. */
  sieveSendmail?: string;
}

export const DOVECOT_CONF = 'dovecot.conf';
export const LDAP_PASSDB_FILE = 'dovecot-ldap-passdb.conf.ext';
export const LDAP_USERDB_FILE = 'dovecot-ldap-userdb.conf.ext';

// Dovecot creates sockets up to ~24 characters deep below base_dir (e.g.
// "token-login/tokenlogin"); a unix socket path holds at most 107 bytes on Linux.
const LONGEST_SOCKET_SUFFIX = 24;
const MAX_UNIX_SOCKET_PATH = 107;

/** The live dovecot.conf; the supervisor runs `dovecot -F -c <this>`. */
export function dovecotConfigFile(paths: DataPaths): string {
  return path.join(paths.dovecotConfigDir, DOVECOT_CONF);
}

/** Dovecot's private runtime directory (sockets, pids). */
export function dovecotBaseDir(paths: DataPaths): string {
  return path.join(paths.run, 'dovecot');
}

/** The LMTP unix socket Haraka delivers to (mode 0600, owned by root). */
export function dovecotLmtpSocket(paths: DataPaths): string {
  return path.join(dovecotBaseDir(paths), 'lmtp');
}

export function dovecotStateDir(paths: DataPaths): string {
  return path.join(paths.run, 'dovecot-state');
}

/**
 * Unique per data directory, so two stacks on one machine (tests, staging) are told
 * apart in `ps` and by `doveadm -i`.
 */
export function dovecotInstanceName(paths: DataPaths): string {
  return `mailserver-${crypto.createHash('sha256').update(paths.root).digest('hex').slice(0, 10)}`;
}

/** Renders every Dovecot file; pure, so golden tests pin the output. */
export function renderDovecotFiles(input: DovecotInput): RenderedFile[] {
  const context = templateContext(input);
  const dir = templateDir('dovecot');
  const render = (file: string): string => renderTemplate(path.join(dir, `${file}.hbs`), context);
  return [
    // The LDAP files carry the service password.
    { name: LDAP_PASSDB_FILE, content: render(LDAP_PASSDB_FILE), mode: 0o600 },
    { name: LDAP_USERDB_FILE, content: render(LDAP_USERDB_FILE), mode: 0o600 },
    { name: DOVECOT_CONF, content: render(DOVECOT_CONF), mode: 0o644 },
  ];
}

/**
 * Renders, lets `doveconf -n` judge a scratch copy, then swaps the files in. Any
 * failure throws and leaves the live config as it was. Dovecot reads the new files
 * on its next start or `doveadm reload`.
 */
export function installDovecotConfig(input: DovecotInput): void {
  const files = renderDovecotFiles(input);
  installValidated(input.paths.dovecotConfigDir, files, (scratch) => checkWithDoveconf(path.join(scratch, DOVECOT_CONF)));
}

/** Runs the real parser; FACTS: exit 89 with file:line for unknown settings. */
export function checkWithDoveconf(configFile: string): void {
  const result = spawnSync('doveconf', ['-c', configFile, '-n'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`doveconf could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const why = result.stderr.trim() || `signal ${String(result.signal)}`;
    throw new Error(`doveconf rejected the rendered Dovecot config (exit ${String(result.status)}): ${why}`);
  }
}

function templateContext(input: DovecotInput): object {
  const { settings, paths, mailUser } = input;
  checkInput(input);
  const base = settings.ldap.baseDn;
  return {
    instanceName: dovecotInstanceName(paths),
    baseDir: dovecotBaseDir(paths),
    stateDir: dovecotStateDir(paths),
    bindAddress: settings.bindAddress,
    hostname: settings.hostname,
    postmaster: `postmaster@${settings.hostname}`,
    sieveSendmail: input.sieveSendmail,
    ports: {
      imap: settings.ports.imap,
      imaps: settings.ports.imaps,
      pop3s: settings.ports.pop3s,
      managesieve: settings.ports.managesieve,
    },
    tlsCert: paths.tlsCert,
    tlsKey: paths.tlsKey,
    tls: tlsPolicy(settings),
    authPolicy: { url: authPolicyUrl(settings), nonce: authPolicyNonce(input.ldapServicePassword) },
    mailUser: { uid: mailUser.uid, gid: mailUser.gid },
    vmailDir: paths.vmail,
    passdbArgs: path.join(paths.dovecotConfigDir, LDAP_PASSDB_FILE),
    userdbArgs: path.join(paths.dovecotConfigDir, LDAP_USERDB_FILE),
    // Plugins per protocol: the hook where later issues (FTS, spam training) add theirs.
    plugins: { mail: [], imap: ['imap_sieve'], lmtp: ['sieve'] },
    spam: dovecotSpamContext(paths),
    ldap: {
      uri: `ldap://127.0.0.1:${input.ldapPort}`,
      serviceDn: `cn=mailserver,ou=system,${base}`,
      servicePassword: quoteValue(input.ldapServicePassword),
      recvmailBase: `ou=recvmail,${base}`,
      mailboxesBase: `ou=mailboxes,${base}`,
    },
  };
}

// Characters that are safe inside every place a path lands: plain config values,
// the comma-separated user_attrs list, and %-expanded strings (mail_home).
const SAFE_PATH = /^\/[A-Za-z0-9._/@+:~-]*$/;
const HOSTNAME = /^[A-Za-z0-9.-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Refuses input that would break out of a config line or change its meaning. */
function checkInput({ settings, paths, mailUser, ldapServicePassword, ldapPort, sieveSendmail }: DovecotInput): void {
  const problems: string[] = [];
  if (!HOSTNAME.test(settings.hostname)) problems.push(`hostname '${settings.hostname}' is not a host name`);
  if (net.isIP(settings.bindAddress) === 0 && settings.bindAddress !== '*') {
    problems.push(`bindAddress '${settings.bindAddress}' is not an IP address or '*'`);
  }
  // The base DN lands unquoted in the LDAP files, where '%' would be expanded.
  if (CONTROL.test(settings.ldap.baseDn) || /[%"]/.test(settings.ldap.baseDn) || settings.ldap.baseDn === '') {
    problems.push(`ldap.baseDn '${settings.ldap.baseDn}' is empty or holds '%', '"' or control characters`);
  }
  const { root, run, vmail, tlsCert, tlsKey, dovecotConfigDir } = paths;
  for (const [name, value] of Object.entries({ root, run, vmail, tlsCert, tlsKey, dovecotConfigDir })) {
    if (!SAFE_PATH.test(value)) problems.push(`paths.${name} '${value}' must be absolute and use only [A-Za-z0-9._/@+:~-]`);
  }
  // Dovecot splits sendmail_path at spaces: each word must be a safe path.
  for (const word of sieveSendmail?.split(' ') ?? []) {
    if (!SAFE_PATH.test(word)) problems.push(`sendmail_path word '${word}' must be absolute and use only [A-Za-z0-9._/@+:~-]`);
  }
  const deepest = dovecotBaseDir(paths).length + 1 + LONGEST_SOCKET_SUFFIX;
  if (deepest > MAX_UNIX_SOCKET_PATH) {
    const limit = `${deepest} > ${MAX_UNIX_SOCKET_PATH} bytes`;
    problems.push(`data directory '${paths.root}' is too deep for Dovecot's unix sockets (${limit})`);
  }
  for (const [name, id] of Object.entries({ uid: mailUser.uid, gid: mailUser.gid })) {
    if (!Number.isInteger(id) || id <= 0) problems.push(`mail user ${name} ${id} must be a positive integer (never root)`);
  }
  if (!Number.isInteger(ldapPort) || ldapPort < 1 || ldapPort > 65535) problems.push(`ldapPort ${ldapPort} is not a port`);
  if (ldapServicePassword === '' || CONTROL.test(ldapServicePassword)) {
    problems.push('the LDAP service password is empty or holds control characters');
  }
  if (problems.length > 0) throw new ConfigError(`cannot render the Dovecot config: ${problems.join('; ')}`);
}

/** A double-quoted value for Dovecot's config parser, which unescapes \\ and \". */
function quoteValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
