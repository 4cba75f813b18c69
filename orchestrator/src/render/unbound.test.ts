/**
 * The local resolver's config: golden files pin both shapes (recursive, forwarding),
 * the real `unbound-checkconf` accepts them, and the settings that switch it on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadSettings } from '../config/settings';
import { dataPaths } from '../config/paths';
import { checkUnboundConfig, installUnboundConfig, renderUnboundConfig, type UnboundInput } from './unbound';

const GOLDEN_DIR = path.join(__dirname, '__golden__', 'unbound');
const recursive: UnboundInput = { port: 2553, forwarders: [], username: '', directory: '/srv/mail/config/unbound' };
const forwarding: UnboundInput = { ...recursive, forwarders: ['127.0.0.1@5353', '192.0.2.53'] };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unbound-render-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('renderUnboundConfig', () => {
  it.each([
    ['unbound.conf', recursive],
    ['unbound-forwarding.conf', forwarding],
  ])('matches the golden %s and passes unbound-checkconf', (name, input) => {
    const { content } = renderUnboundConfig({ ...input, directory: dir });
    const golden = path.join(GOLDEN_DIR, name);
    const pinned = renderUnboundConfig(input).content;
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(golden, pinned);
    }
    expect(pinned).toBe(fs.readFileSync(golden, 'utf8'));
    fs.writeFileSync(path.join(dir, 'unbound.conf'), content);
    expect(() => checkUnboundConfig(path.join(dir, 'unbound.conf'))).not.toThrow();
  });

  it('listens on loopback only and forwards only when asked', () => {
    expect(renderUnboundConfig(recursive).content).toMatch(/interface: 127\.0\.0\.1\n\s+port: 2553\n/);
    expect(renderUnboundConfig(recursive).content).not.toContain('forward-zone');
    expect(renderUnboundConfig(forwarding).content).toMatch(/forward-addr: 127\.0\.0\.1@5353\n\s+forward-addr: 192\.0\.2\.53\n/);
  });

  it('refuses a value that would break out of its line', () => {
    expect(() => renderUnboundConfig({ ...recursive, forwarders: ['1.2.3.4\nserver:'] })).toThrow(ConfigError);
  });

  it('reports what unbound-checkconf says about a broken file', () => {
    fs.writeFileSync(path.join(dir, 'unbound.conf'), 'server:\n    no-such-option: yes\n');
    expect(() => checkUnboundConfig(path.join(dir, 'unbound.conf'))).toThrow(/not valid: .*no-such-option|syntax error/);
  });
});

describe('config.json "unbound"', () => {
  const write = (config: object): string => {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  };

  it('points every Haraka lookup at the local resolver and installs its config', () => {
    const settings = loadSettings(write({ unbound: { enabled: true, port: 2600, forwarders: ['127.0.0.1@5353'] } }), {});
    expect(settings.dnsServers).toEqual(['127.0.0.1:2600']);
    expect(settings.unbound).toEqual({ port: 2600, forwarders: ['127.0.0.1@5353'] });
    const file = installUnboundConfig(settings, dataPaths(dir));
    expect(fs.readFileSync(file, 'utf8')).toContain('port: 2600');
  });

  it('is off by default and when disabled', () => {
    expect(loadSettings(write({}), {}).unbound).toBeUndefined();
    expect(loadSettings(write({ unbound: { enabled: false } }), {}).dnsServers).toEqual([]);
  });

  it('cannot be combined with other resolvers or a taken port', () => {
    expect(() => loadSettings(write({ unbound: { enabled: true }, dnsServers: ['127.0.0.1:53'] }), {})).toThrow(/exclude each other/);
    expect(() => loadSettings(write({ unbound: { enabled: true } }), { MAIL_DNS_SERVERS: '127.0.0.1:53' })).toThrow(/exclude each other/);
    expect(() => loadSettings(write({ unbound: { enabled: true, port: 2525 } }), {})).toThrow(/unbound\.port and ports\.smtp/);
    expect(() => loadSettings(write({ unbound: { enabled: true, extra: 1 } }), {})).toThrow(/extra/);
  });
});
