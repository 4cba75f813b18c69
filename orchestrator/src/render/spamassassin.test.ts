/**
 * Spam filtering's rendered files: golden files pin SpamAssassin's site config, Haraka's
 * mail-spam.ini and Dovecot's Sieve scripts; the real `spamassassin --lint` accepts the
 * render and refuses a broken rule, leaving the live files as they were.
 * Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change; review the diff.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveMailUser } from '../config/mail-user';
import { dataPaths } from '../config/paths';
import { ConfigError, DEFAULT_PORTS, type Settings } from '../config/settings';
import type { SpamSettings } from '../spam/spam-settings';
import { renderDovecotSpamFiles } from './dovecot-spam';
import type { RenderedFile } from './files';
import { renderHarakaSpamFiles } from './haraka-spam';
import { configGeneration, installSpamAssassinConfig, renderSpamAssassinFiles, SpamConfigRejected, spamConfigDir, type SpamAssassinInput } from './spamassassin';

const GOLDEN_DIR = path.join(__dirname, '__golden__', 'spam');
const preDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-'));
fs.writeFileSync(path.join(preDir, 'init.pre'), '# init\nenable_compat welcomelist_blocklist\nloadplugin Mail::SpamAssassin::Plugin::SPF\n');
fs.writeFileSync(path.join(preDir, 'v310.pre'), 'loadplugin Mail::SpamAssassin::Plugin::Bayes\n');
fs.writeFileSync(path.join(preDir, 'README'), 'not a pre file\n');

const SPAM: SpamSettings = {
  acl: { block: ['*@bad.example', 'junk.example'], allow: ['friend@good.example'] },
  rules: 'header SUBJECT_HAS_DISCOUNT  Subject =~ /\\bdiscount\\b/i\nscore SUBJECT_HAS_DISCOUNT   100\n',
  thresholds: { spam: 5, reject: 20 },
};

function fixedInput(root = '/srv/mail', change: Partial<Settings> = {}): SpamAssassinInput {
  const settings: Settings = {
    dataDir: root,
    hostname: 'mail.example.test',
    dnsServers: ['127.0.0.1:5353'],
    bindAddress: '127.0.0.1',
    ports: { ...DEFAULT_PORTS },
    ldap: { baseDn: 'dc=cloudron' },
    maxMessageSize: 25 * 1024 * 1024,
    ...change,
  };
  return { settings, paths: dataPaths(root), spam: SPAM, dnsOff: false, preDir };
}

function allFiles(): RenderedFile[] {
  const input = fixedInput();
  const dovecot = renderDovecotSpamFiles(input.paths);
  return [...renderSpamAssassinFiles(input), ...renderHarakaSpamFiles(input.settings, SPAM.thresholds), ...dovecot.sieve, ...dovecot.bin];
}

describe('rendered spam files', () => {
  it.each(allFiles().map((f) => [f.name, f] as const))('match the golden %s', (name, file) => {
    const golden = path.join(GOLDEN_DIR, name);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(golden, file.content);
    }
    expect(file.content).toBe(fs.readFileSync(golden, 'utf8'));
  });

  it("copies Debian's *.pre files, leaving out only the switch that hides USER_IN_BLACKLIST", () => {
    const files = renderSpamAssassinFiles(fixedInput());
    expect(files.map((f) => f.name)).toEqual(['init.pre', 'v310.pre', 'local.cf', 'acl.cf', 'custom.cf']);
    expect(files[0]?.content).toMatch(/^# enable_compat welcomelist_blocklist/m);
    expect(files[0]?.content).not.toMatch(/^enable_compat/m);
  });

  it('turns DNS tests off only when asked and no resolver is configured', () => {
    const local = (input: SpamAssassinInput): string => renderSpamAssassinFiles(input).find((f) => f.name === 'local.cf')?.content ?? '';
    expect(local({ ...fixedInput(), dnsOff: true })).toMatch(/^dns_available no$/m);
    expect(local(fixedInput())).toMatch(/^dns_available yes\ndns_server 127\.0\.0\.1:5353$/m);
    expect(() => renderSpamAssassinFiles(fixedInput('/srv/mail', { dnsServers: ['1.2.3.4\nscore GTUBE 0'] }))).toThrow(ConfigError);
  });

  it('names each configuration by its settings', () => {
    expect(configGeneration(fixedInput())).toMatch(/^[0-9a-f]{12}$/);
    expect(configGeneration({ ...fixedInput(), spam: { ...SPAM, rules: '' } })).not.toBe(configGeneration(fixedInput()));
  });
});

describe('installSpamAssassinConfig (real spamassassin --lint)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spam-render-'));
  fs.chmodSync(root, 0o755);
  const user = resolveMailUser();
  const input = (rules: string): SpamAssassinInput => ({ ...fixedInput(root), preDir: '/etc/spamassassin', dnsOff: true, spam: { ...SPAM, rules } });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('installs a config the linter accepts', () => {
    installSpamAssassinConfig(input(SPAM.rules), user);
    expect(fs.readFileSync(path.join(spamConfigDir(dataPaths(root)), 'custom.cf'), 'utf8')).toContain('SUBJECT_HAS_DISCOUNT');
  }, 120_000);

  it("refuses a broken rule with the linter's words and keeps the live files", () => {
    const custom = path.join(spamConfigDir(dataPaths(root)), 'custom.cf');
    const before = fs.readFileSync(custom, 'utf8');
    expect(() => installSpamAssassinConfig(input('body BROKEN_RULE /(unclosed/\n'), user)).toThrow(SpamConfigRejected);
    expect(() => installSpamAssassinConfig(input('no_such_setting 1\n'), user)).toThrow(/no_such_setting/);
    expect(fs.readFileSync(custom, 'utf8')).toBe(before);
  }, 120_000);

  /** The rules that hit one message, scored by the real spamassassin with the installed config. */
  function rulesHit(message: string): string {
    const run = spawnSync('spamassassin', ['--siteconfigpath', spamConfigDir(dataPaths(root)), '-t', '-L'], {
      input: message,
      encoding: 'utf8',
      uid: user.uid,
      gid: user.gid,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root },
    });
    return /^X-Spam-Status: .*(?:\n\s.*)*/m.exec(run.stdout)?.[0] ?? run.stderr;
  }

  it('bumps a client without matching rDNS (the authchecks header) and names a blocked envelope sender', () => {
    const message = (headers: string): string => `${headers}From: someone@remote.example\nTo: a@acme.test\nSubject: hi\n\nHello.\n`;
    const status = rulesHit(message('X-Mailserver-Rdns: mismatch (198.18.0.7)\nX-Envelope-From: <x@bad.example>\n'));
    expect(status).toMatch(/MAILSERVER_RDNS_NONE/);
    expect(status).toMatch(/USER_IN_BLACKLIST/);
    expect(rulesHit(message('X-Mailserver-Rdns: pass (198.18.0.7)\n'))).not.toMatch(/MAILSERVER_RDNS_NONE|USER_IN_BLACKLIST/);
  }, 120_000);
});
