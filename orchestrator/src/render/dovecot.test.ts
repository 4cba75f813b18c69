/**
 * Dovecot render: golden files pin the output, the real `doveconf -n` judges it, and a
 * rejected render (by us or by doveconf) leaves the live config as it was.
 * Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change; review the diff.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, type DataPaths } from '../config/paths';
import { ConfigError, DEFAULT_PORTS, type Settings } from '../config/settings';
import {
  checkWithDoveconf,
  dovecotConfigFile,
  dovecotLmtpSocket,
  installDovecotConfig,
  renderDovecotFiles,
  type DovecotInput,
} from './dovecot';

const GOLDEN_DIR = path.join(__dirname, '__golden__', 'dovecot');

function fixedInput(root = '/srv/mail'): DovecotInput {
  const settings: Settings = {
    dataDir: root,
    hostname: 'mail.example.test',
    dnsServers: [],
    bindAddress: '127.0.0.1',
    ports: { ...DEFAULT_PORTS },
    ldap: { baseDn: 'dc=cloudron' },
    maxMessageSize: 25 * 1024 * 1024,
  };
  return {
    settings,
    paths: dataPaths(root),
    mailUser: { name: 'vmail', uid: 5000, gid: 5000 },
    ldapServicePassword: 'golden-service-secret',
    ldapPort: 3890,
    sieveSendmail: '/usr/bin/node /opt/mailserver/orchestrator/dist/sieve/sendmail.js /srv/mail/run/sieve-sendmail.json',
  };
}

function withSettings(input: DovecotInput, change: Partial<Settings>): DovecotInput {
  return { ...input, settings: { ...input.settings, ...change } };
}

describe('renderDovecotFiles', () => {
  const files = renderDovecotFiles(fixedInput());

  it.each(files.map((f) => [f.name, f] as const))('matches the golden %s', (name, file) => {
    const golden = path.join(GOLDEN_DIR, name);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(golden, file.content);
    }
    expect(file.content).toBe(fs.readFileSync(golden, 'utf8'));
  });

  it('is deterministic', () => {
    expect(renderDovecotFiles(fixedInput())).toEqual(files);
  });

  it('keeps the service password in 0600 files only', () => {
    for (const file of files) {
      const holdsSecret = file.content.includes('golden-service-secret');
      expect(file.mode).toBe(holdsSecret ? 0o600 : 0o644);
    }
    expect(files.filter((f) => f.mode === 0o600).map((f) => f.name)).toEqual([
      'dovecot-ldap-passdb.conf.ext',
      'dovecot-ldap-userdb.conf.ext',
    ]);
  });

  it('quotes the service password for Dovecot', () => {
    const [passdb] = renderDovecotFiles({ ...fixedInput(), ldapServicePassword: 'a"b\\c #d' });
    expect(passdb?.content).toContain('dnpass = "a\\"b\\\\c #d"\n');
  });

  it('puts the LMTP socket in <run>/dovecot and nowhere on the network', () => {
    const conf = files.find((f) => f.name === 'dovecot.conf')?.content ?? '';
    expect(dovecotLmtpSocket(fixedInput().paths)).toBe('/srv/mail/run/dovecot/lmtp');
    expect(conf).toContain('base_dir = /srv/mail/run/dovecot\n');
    expect(conf).not.toMatch(/inet_listener lmtp/);
  });

  it.each([
    ['a hostname that is not one', withSettings(fixedInput(), { hostname: 'mail.example.test\nssl = no' })],
    ['a bind address that is not an IP', withSettings(fixedInput(), { bindAddress: 'localhost' })],
    ['a base DN with %', withSettings(fixedInput(), { ldap: { baseDn: 'dc=%u' } })],
    ['a password with a newline', { ...fixedInput(), ldapServicePassword: 'x\nauth_bind = no' }],
    ['an LDAP port out of range', { ...fixedInput(), ldapPort: 0 }],
    ['root as the mail user', { ...fixedInput(), mailUser: { name: 'root', uid: 0, gid: 0 } }],
    ['a data dir with a space', fixedInput('/srv/my mail')],
    ['a data dir too deep for unix sockets', fixedInput(`/srv/${'d'.repeat(80)}`)],
  ])('refuses %s', (_what, input) => {
    expect(() => renderDovecotFiles(input)).toThrow(ConfigError);
  });
});

describe('installDovecotConfig', () => {
  let dataDir: string;
  let paths: DataPaths;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-render-'));
    paths = dataPaths(dataDir);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const liveFiles = (): Record<string, string> => {
    const dir = paths.dovecotConfigDir;
    return Object.fromEntries(fs.readdirSync(dir).map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
  };

  it('writes a config that doveconf -n accepts, secrets 0600', () => {
    installDovecotConfig(fixedInput(dataDir));
    expect(() => checkWithDoveconf(dovecotConfigFile(paths))).not.toThrow();
    const modeOf = (name: string): number => fs.statSync(path.join(paths.dovecotConfigDir, name)).mode & 0o777;
    expect(modeOf('dovecot.conf')).toBe(0o644);
    expect(modeOf('dovecot-ldap-passdb.conf.ext')).toBe(0o600);
    expect(modeOf('dovecot-ldap-userdb.conf.ext')).toBe(0o600);
  });

  it('keeps the live config when the input is refused', () => {
    installDovecotConfig(fixedInput(dataDir));
    const before = liveFiles();
    expect(() => installDovecotConfig(withSettings(fixedInput(dataDir), { hostname: 'bad host' }))).toThrow(/hostname/);
    expect(liveFiles()).toEqual(before);
  });

  it('keeps the live config when doveconf rejects the render, and says why', () => {
    installDovecotConfig(fixedInput(dataDir));
    const before = liveFiles();
    const input = fixedInput(dataDir);
    const badPorts = withSettings(input, { ports: { ...input.settings.ports, imaps: 70000 } });
    expect(() => installDovecotConfig(badPorts)).toThrow(/exit 89\).*Invalid port number 70000/s);
    expect(liveFiles()).toEqual(before);
  });
});

it('refuses a sendmail_path with a word Dovecot would split or expand', () => {
  const input = { ...fixedInput(), sieveSendmail: '/usr/bin/node /opt/my checkout/sendmail.js' };
  expect(() => renderDovecotFiles(input)).toThrow(/sendmail_path word 'checkout\/sendmail.js'/);
});
