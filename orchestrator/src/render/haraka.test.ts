/**
 * Haraka render: golden files pin the output, Haraka's own ini parser reads it back,
 * and a rejected render leaves the live config as it was.
 * Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change; review the diff.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths } from '../config/paths';
import { ConfigError, DEFAULT_PORTS, type Settings } from '../config/settings';
import { checkHarakaConfig, harakaConfigDir, harakaSpoolDir, installHarakaConfig, renderHarakaFiles, type HarakaInput } from './haraka';

const GOLDEN_DIR = path.join(__dirname, '__golden__', 'haraka');

function fixedInput(root = '/srv/mail'): HarakaInput {
  const settings: Settings = {
    dataDir: root,
    hostname: 'mail.example.test',
    dnsServers: [],
    bindAddress: '127.0.0.1',
    ports: { ...DEFAULT_PORTS },
    ldap: { baseDn: 'dc=cloudron' },
    maxMessageSize: 25 * 1024 * 1024,
  };
  const paths = dataPaths(root);
  return {
    settings,
    paths,
    ldapServicePassword: 'golden-service-secret',
    lmtpSocket: path.join(paths.run, 'dovecot', 'lmtp'),
    srsSecret: 'golden-srs-secret',
    internalSubmitPassword: 'golden-internal-secret',
  };
}

function withSettings(input: HarakaInput, change: Partial<Settings>): HarakaInput {
  return { ...input, settings: { ...input.settings, ...change } };
}

const fileOf = (input: HarakaInput, name: string): string => renderHarakaFiles(input).find((f) => f.name === name)?.content ?? '';

describe('renderHarakaFiles', () => {
  const files = renderHarakaFiles(fixedInput());

  it.each(files.map((f) => [f.name, f] as const))('matches the golden %s', (name, file) => {
    const golden = path.join(GOLDEN_DIR, name);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(golden, file.content);
    }
    expect(file.content).toBe(fs.readFileSync(golden, 'utf8'));
  });

  it('is deterministic', () => {
    expect(renderHarakaFiles(fixedInput())).toEqual(files);
  });

  it('keeps the service password in 0600 files only', () => {
    for (const file of files) expect([file.name, file.mode]).toEqual([file.name, file.content.includes('golden-service-secret') ? 0o600 : 0o644]);
    expect(files.filter((f) => f.mode === 0o600).map((f) => f.name)).toEqual(['mail-routing.ini', 'mail-auth.ini', 'mail-signature.ini', 'mail-relay.ini', 'mail-authchecks.ini']);
  });

  it('listens on the three SMTP ports of the bind address, implicit TLS on submissions, in one process', () => {
    const smtp = fileOf(fixedInput(), 'smtp.ini');
    expect(smtp).toContain('listen=127.0.0.1:2525,127.0.0.1:2587,127.0.0.1:2465\n');
    expect(smtp).toContain('smtps_port=2465\n');
    expect(smtp).toContain('nodes=0\n');
    expect(fileOf(withSettings(fixedInput(), { bindAddress: '::1' }), 'smtp.ini')).toContain('listen=[::1]:2525,[::1]:2587,[::1]:2465\n');
  });

  it('loads tls before our plugins, and no core queue plugin', () => {
    const plugins = fileOf(fixedInput(), 'plugins')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(plugins).toEqual(['tls', 'dns-list', 'spf', 'mail-authchecks', 'mail-auth', 'mail-signature', 'mail-outbound', 'dkim', 'mail-spam', 'mail-routing', 'mail-relay']);
  });

  it('loads xclient only for the tests that ask for it', () => {
    const names = (input: HarakaInput): string[] => fileOf(input, 'plugins').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(names(fixedInput())).not.toContain('xclient');
    expect(names({ ...fixedInput(), xclient: true })[0]).toBe('xclient');
  });

  it('leaves mail-spam out when config.json turns spam filtering off', () => {
    const names = (input: HarakaInput): string[] => fileOf(input, 'plugins').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(names(withSettings(fixedInput(), { spamFilter: true }))).toContain('mail-spam');
    const off = names(withSettings(fixedInput(), { spamFilter: false }));
    expect(off).not.toContain('mail-spam');
    expect(off).toContain('mail-routing');
  });

  it('renders the DNSBL zones (default zen.spamhaus.org), the rDNS switch and the DNS timeout', () => {
    expect(fileOf(fixedInput(), 'dns-list.ini')).toContain('\nzones=zen.spamhaus.org\n');
    expect(fileOf({ ...fixedInput(), dnsblZones: ['bl.example.org', 'zen.spamhaus.org'] }, 'dns-list.ini')).toContain('\nzones=bl.example.org,zen.spamhaus.org\n');
    expect(() => renderHarakaFiles({ ...fixedInput(), dnsblZones: ['bad zone\n[x]'] })).toThrow(/bad zones/);
    const checks = fileOf(withSettings(fixedInput(), { rdnsReject: true, dnsTimeoutMs: 1500 }), 'mail-authchecks.ini');
    expect(checks).toContain('[rdns]\nreject=true\n');
    expect(checks).toContain('dns_timeout=2\n');
    expect(fileOf(fixedInput(), 'mail-authchecks.ini')).toContain('[rdns]\nreject=false\n');
  });

  it('gives the routing hooks more time than the worst LMTP delivery', () => {
    const ini = fileOf(fixedInput(), 'mail-routing.ini');
    const value = (key: string): number => Number(new RegExp(`^${key}=(\\d+)$`, 'm').exec(ini)?.[1]);
    const attempts = value('lmtp_attempts');
    let pausesMs = 0;
    for (let n = 1; n < attempts; n++) pausesMs += value('lmtp_retry_delay') * 2 ** (n - 1);
    const worst = attempts * value('lmtp_timeout') + pausesMs / 1000;
    const timeout = Number(fileOf(fixedInput(), 'mail-routing.timeout').split('\n').find((l) => /^\d+$/.test(l)));
    expect(timeout).toBeGreaterThan(worst);
  });

  it('refuses input that would not survive an ini line', () => {
    const bad: Array<[string, HarakaInput]> = [
      ['hostname', withSettings(fixedInput(), { hostname: 'mail.example.test\nnodes=4' })],
      ['bindAddress', withSettings(fixedInput(), { bindAddress: 'localhost' })],
      ['ldap.baseDn', withSettings(fixedInput(), { ldap: { baseDn: 'dc=x\\' } })],
      ['password', { ...fixedInput(), ldapServicePassword: 'two words' }],
      ['password', { ...fixedInput(), ldapServicePassword: '0123' }],
      ['SRS secret', { ...fixedInput(), srsSecret: 'x\nlmtp_attempts=9' }],
      ['lmtpSocket', { ...fixedInput(), lmtpSocket: 'relative/lmtp' }],
      ['ports', withSettings(fixedInput(), { ports: { ...DEFAULT_PORTS, submission: DEFAULT_PORTS.smtp } })],
    ];
    for (const [what, input] of bad) expect(() => renderHarakaFiles(input)).toThrow(new RegExp(`cannot render the Haraka config: .*${what.split('.')[0]}`, 'i'));
  });
});

describe('installHarakaConfig', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'haraka-render-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes every file with its mode, checked by Haraka\'s parser, and a private spool dir', () => {
    const input = fixedInput(root);
    installHarakaConfig(input);
    const dir = harakaConfigDir(input.paths);
    for (const file of renderHarakaFiles(input)) {
      const stat = fs.statSync(path.join(dir, file.name));
      expect([file.name, stat.mode & 0o777]).toEqual([file.name, file.mode]);
      expect(fs.readFileSync(path.join(dir, file.name), 'utf8')).toBe(file.content);
    }
    expect(fs.statSync(harakaSpoolDir(input.paths)).mode & 0o777).toBe(0o700);
  });

  it('leaves the live config untouched when the parser does not read back what was meant', () => {
    const input = fixedInput(root);
    installHarakaConfig(input);
    const dir = harakaConfigDir(input.paths);
    const before = fs.readFileSync(path.join(dir, 'smtp.ini'), 'utf8');
    // A value Haraka would read differently: the check names it (but not the password).
    expect(() => checkHarakaConfig(dir, { 'smtp.ini': { main: { nodes: 4 } } })).toThrow(/smtp\.ini \[main\] nodes reads back as 0 instead of 4/);
    expect(() => checkHarakaConfig(dir, { 'mail-auth.ini': { ldap: { bind_password: 'other' } } })).toThrow(/bind_password reads back as \(secret\)$/);
    expect(() => installHarakaConfig({ ...input, ldapServicePassword: '' })).toThrow(ConfigError);
    expect(fs.readFileSync(path.join(dir, 'smtp.ini'), 'utf8')).toBe(before);
  });
});
