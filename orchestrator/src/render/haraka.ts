/**
 * Haraka's configuration: settings + paths → the files of `<harakaDir>/config/`, from
 * `haraka-templates/`. Before they replace the live files, Haraka's own ini parser
 * (haraka-config) reads a scratch copy and every value that matters must come back
 * exactly as rendered (STYLE 6). Haraka runs as `haraka -c <harakaDir>`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import { ConfigError, MAX_MESSAGE_SIZE_LIMIT, PROJECT_ROOT, type Settings } from '../config/settings';
import { DEFAULT_DNSBL_ZONES } from '../services/dnsbl';
import { renderDnsListFile } from './dnsbl';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';
import { authPolicyUrl, tlsPolicy } from './security';

export interface HarakaInput {
  settings: Settings;
  paths: DataPaths;
  /** Test only (MAIL_OUTBOUND_LOCAL_MX_OK=1): deliver to an MX on a local address. */
  outboundLocalMxOk?: boolean;
  /** The LDAP bridge's service password (`secrets/ldap-service.secret`). */
  ldapServicePassword: string;
  /** Dovecot's LMTP unix socket. */
  lmtpSocket: string;
  /** `secrets/srs.secret`; absent: SRS off (see haraka-plugins/mail-routing/config). */
  srsSecret?: string;
  /** `secrets/sieve-submit.secret`: Dovecot's Sieve login (sieve/sendmail.ts); absent: off. */
  internalSubmitPassword?: string;
  /** Server-wide DNSBL zones (store `dnsbl`); absent: the default. */
  dnsblZones?: readonly string[];
  /** Test only (MAIL_TEST_XCLIENT=1): load Haraka's xclient plugin (XCLIENT from loopback). */
  xclient?: boolean;
}

/** The files rendered, relative to the config dir; the plugin inis hold the LDAP password. */
const SECRET_FILES = ['mail-routing.ini', 'mail-auth.ini', 'mail-signature.ini', 'mail-relay.ini', 'mail-authchecks.ini'];
const PUBLIC_FILES = [
  'smtp.ini',
  'connection.ini',
  'tls.ini',
  'dhparams.pem',
  'log.ini',
  'outbound.ini',
  'plugins',
  'me',
  'queue_dir',
  'mail-routing.timeout',
  'mail-outbound.ini',
  'dkim.ini',
  'outbound.bounce_message',
  'spf.ini',
];

// LMTP delivery budget (see haraka-plugins/mail-routing/src/lib/delivery.ts). Haraka's
// own timeout for the plugin's hooks must outlast the worst case of the retries.
const LMTP = { timeoutSeconds: 60, attempts: 3, retryDelayMs: 500 };
const ROUTING_HOOK_TIMEOUT_SECONDS = 200;
const LDAP_TIMEOUT_SECONDS = 5;

export function harakaConfigDir(paths: DataPaths): string {
  return path.join(paths.harakaDir, 'config');
}

/** Where Haraka spools large messages while they are received (private: mode 0700). */
export function harakaSpoolDir(paths: DataPaths): string {
  return path.join(paths.harakaDir, 'spool');
}

export function harakaQueueDir(paths: DataPaths): string {
  return path.join(paths.harakaDir, 'queue');
}

/** Where Haraka takes `mailctl queue flush|rm` (haraka-plugins/mail-outbound). */
export function harakaControlSocket(paths: DataPaths): string {
  return path.join(paths.run, 'haraka-control.sock');
}

/** Renders every Haraka file; pure, so golden tests pin the output. */
export function renderHarakaFiles(input: HarakaInput): RenderedFile[] {
  const context = templateContext(input);
  const dir = templateDir('haraka');
  const render = (name: string): string => renderTemplate(path.join(dir, `${name}.hbs`), context);
  return [
    ...SECRET_FILES.map((name) => ({ name, content: render(name), mode: 0o600 })),
    ...PUBLIC_FILES.map((name) => ({ name, content: render(name), mode: 0o644 })),
    renderDnsListFile(input.dnsblZones ?? DEFAULT_DNSBL_ZONES),
  ];
}

/**
 * Renders, has Haraka's parser judge a scratch copy, then swaps the files in; any
 * failure throws and leaves the live config as it was. Haraka watches its config dir
 * and rereads most files; listeners and plugins change on its next start.
 */
export function installHarakaConfig(input: HarakaInput): void {
  const files = renderHarakaFiles(input);
  installValidated(harakaConfigDir(input.paths), files, (scratch) => checkHarakaConfig(scratch, expectedValues(input)));
  fs.mkdirSync(harakaSpoolDir(input.paths), { recursive: true, mode: 0o700 });
  fs.chmodSync(harakaSpoolDir(input.paths), 0o700);
}

function listenAddress(bindAddress: string, port: number): string {
  if (bindAddress === '*') return `[::0]:${port}`;
  return net.isIPv6(bindAddress) ? `[${bindAddress}]:${port}` : `${bindAddress}:${port}`;
}

/** connection.ini's limit: Haraka core reads it once, so it is the ceiling; mail-auth enforces the live value. */
function messageSizeCeiling(settings: Settings): number {
  return Math.max(MAX_MESSAGE_SIZE_LIMIT, settings.maxMessageSize);
}

function templateContext(input: HarakaInput): object {
  checkInput(input);
  const { settings, paths } = input;
  const { smtp, submission, submissions } = settings.ports;
  return {
    hostname: settings.hostname,
    listen: [smtp, submission, submissions].map((port) => listenAddress(settings.bindAddress, port)).join(','),
    ports: { smtp, submission, submissions },
    maxMessageSize: settings.maxMessageSize,
    maxMessageSizeCeiling: messageSizeCeiling(settings),
    spoolDir: harakaSpoolDir(paths),
    queueDir: harakaQueueDir(paths),
    tlsKey: paths.tlsKey,
    tlsCert: paths.tlsCert,
    tls: tlsPolicy(settings),
    authPolicyUrl: authPolicyUrl(settings),
    lmtp: { socket: input.lmtpSocket, ...LMTP },
    routingHookTimeoutSeconds: ROUTING_HOOK_TIMEOUT_SECONDS,
    // paths.run lies under the same root as harakaDir, which checkInput vets.
    outbound: { localMxOk: input.outboundLocalMxOk === true, controlSocket: harakaControlSocket(paths) },
    srs: { secret: input.srsSecret ?? '' },
    internalSubmitPassword: input.internalSubmitPassword ?? '',
    xclient: input.xclient === true,
    spamFilter: settings.spamFilter !== false,
    authchecks: {
      // Our own lookups follow the stack-wide cap when there is one (seconds, at least 1).
      dnsTimeoutSeconds: Math.max(1, Math.ceil((settings.dnsTimeoutMs ?? 5000) / 1000)),
      rdnsReject: settings.rdnsReject === true,
    },
    ldap: {
      // The bridge listens on loopback (ldap-bridge/README.md), as Dovecot's config assumes too.
      url: `ldap://127.0.0.1:${settings.ports.ldap}`,
      baseDn: settings.ldap.baseDn,
      password: input.ldapServicePassword,
      timeoutSeconds: LDAP_TIMEOUT_SECONDS,
    },
  };
}

// Ini values are one line, trimmed, a trailing '\' continues the line, and digits
// become numbers: everything rendered must survive that unchanged.
const SAFE_PATH = /^\/[A-Za-z0-9._/@+:~-]*$/;
const HOSTNAME = /^[A-Za-z0-9.-]+$/;
const SAFE_SECRET = /^[A-Za-z0-9._~+/=-]+$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Refuses input that would break out of an ini line or change its meaning. */
function checkInput({ settings, paths, ldapServicePassword, lmtpSocket, srsSecret, internalSubmitPassword }: HarakaInput): void {
  const problems: string[] = [];
  if (!HOSTNAME.test(settings.hostname)) problems.push(`hostname '${settings.hostname}' is not a host name`);
  if (net.isIP(settings.bindAddress) === 0 && settings.bindAddress !== '*') {
    problems.push(`bindAddress '${settings.bindAddress}' is not an IP address or '*'`);
  }
  const baseDn = settings.ldap.baseDn;
  if (baseDn === '' || CONTROL.test(baseDn) || baseDn.endsWith('\\') || baseDn.trim() !== baseDn) {
    problems.push(`ldap.baseDn '${baseDn}' is empty, has control characters, outer spaces or a trailing '\\'`);
  }
  const { harakaDir, tlsCert, tlsKey } = paths;
  for (const [name, value] of Object.entries({ harakaDir, tlsCert, tlsKey, lmtpSocket })) {
    if (!SAFE_PATH.test(value)) problems.push(`${name} '${value}' must be absolute and use only [A-Za-z0-9._/@+:~-]`);
  }
  if (!SAFE_SECRET.test(ldapServicePassword) || NUMERIC.test(ldapServicePassword)) {
    problems.push('the LDAP service password must be non-numeric and use only [A-Za-z0-9._~+/=-]');
  }
  for (const [name, secret] of Object.entries({ 'SRS secret': srsSecret, 'internal submission secret': internalSubmitPassword })) {
    if (secret !== undefined && (!SAFE_SECRET.test(secret) || NUMERIC.test(secret))) {
      problems.push(`the ${name} must be non-numeric and use only [A-Za-z0-9._~+/=-]`);
    }
  }
  const { smtp, submission, submissions } = settings.ports;
  if (new Set([smtp, submission, submissions]).size !== 3) problems.push('the SMTP ports must differ');
  if (!Number.isInteger(settings.maxMessageSize) || settings.maxMessageSize < 1024) {
    problems.push(`maxMessageSize ${settings.maxMessageSize} must be an integer ≥ 1024`);
  }
  if (problems.length > 0) throw new ConfigError(`cannot render the Haraka config: ${problems.join('; ')}`);
}

/** `file → section → key → value` that Haraka must read back exactly. */
type Expected = Record<string, Record<string, Record<string, string | number | boolean>>>;

function expectedValues(input: HarakaInput): Expected {
  const context = templateContext(input) as { listen: string };
  const { settings, ldapServicePassword } = input;
  const ldap = { bind_password: ldapServicePassword, base_dn: settings.ldap.baseDn };
  return {
    'smtp.ini': { main: { listen: context.listen, smtps_port: settings.ports.submissions, nodes: 0 } },
    'connection.ini': { max: { bytes: messageSizeCeiling(settings) } },
    'tls.ini': { main: { key: input.paths.tlsKey, cert: input.paths.tlsCert, ...tlsExpected(settings) } },
    'mail-routing.ini': { main: { lmtp_socket: input.lmtpSocket }, ldap, ...(input.srsSecret ? { srs: { secret: input.srsSecret } } : {}) },
    'mail-auth.ini': {
      main: { submission_ports: `${settings.ports.submission},${settings.ports.submissions}` },
      limits: { max_bytes: settings.maxMessageSize },
      ldap,
      auth_policy: { url: authPolicyUrl(settings) },
      ...(input.internalSubmitPassword ? { internal: { password: input.internalSubmitPassword } } : {}),
    },
    'mail-outbound.ini': { main: { control_socket: harakaControlSocket(input.paths) } },
    'outbound.ini': { main: { local_mx_ok: String(input.outboundLocalMxOk === true), concurrency_max: 10 } },
    'mail-signature.ini': { ldap },
    'mail-relay.ini': { ldap },
    'mail-authchecks.ini': { main: { submission_ports: `${settings.ports.submission},${settings.ports.submissions}` }, ldap },
    'spf.ini': { skip: { relaying: 'true', auth: 'true' } },
    'dns-list.ini': { main: { zones: (input.dnsblZones ?? DEFAULT_DNSBL_ZONES).join(','), search: 'all' } },
  };
}

function tlsExpected(settings: Settings): Record<string, string> {
  const { minVersion, legacyCiphers } = tlsPolicy(settings);
  return legacyCiphers ? { minVersion, ciphers: legacyCiphers } : { minVersion };
}

// Runs in a child so haraka-config's file watchers and module state stay out of the
// orchestrator. Prints {parsed, problems}: every .ini of the directory, as Haraka reads it.
const PARSE_SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const ini = require('haraka-config/lib/readers/ini');
const problems = [];
ini.logger = (message) => problems.push(String(message));
const dir = process.argv[1];
const parsed = {};
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ini'))) {
  parsed[file] = ini.load(path.join(dir, file), {});
}
process.stdout.write(JSON.stringify({ parsed, problems }));
`;

/** Parses every ini in `dir` with Haraka's parser; throws unless each expected value reads back. */
export function checkHarakaConfig(dir: string, expected: Expected): void {
  const run = spawnSync(process.execPath, ['-e', PARSE_SCRIPT, dir], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) {
    throw new Error(`Haraka's config parser could not run: ${run.error?.message ?? run.stderr.trim()}`);
  }
  const { parsed, problems } = JSON.parse(run.stdout) as { parsed: Record<string, Expected[string]>; problems: string[] };
  for (const [file, sections] of Object.entries(expected)) {
    for (const [section, keys] of Object.entries(sections)) {
      for (const [key, want] of Object.entries(keys)) {
        const got = parsed[file]?.[section]?.[key];
        // Never echo the password itself.
        const shown = key === 'bind_password' || key === 'password' ? '(secret)' : `${JSON.stringify(got)} instead of ${JSON.stringify(want)}`;
        if (got !== want) problems.push(`${file} [${section}] ${key} reads back as ${shown}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`the rendered Haraka config does not parse as intended: ${problems.join('; ')}`);
}
