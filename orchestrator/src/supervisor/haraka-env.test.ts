import { DEFAULT_PORTS, type Settings } from '../config/settings';
import { DNS_PRELOAD, harakaEnv } from './haraka-env';

const settings = (dnsServers: string[]): Settings => ({
  dataDir: '/srv/mail',
  hostname: 'mail.example.test',
  dnsServers,
  bindAddress: '127.0.0.1',
  ports: { ...DEFAULT_PORTS },
  ldap: { baseDn: 'dc=cloudron' },
  maxMessageSize: 1024 * 1024,
});

describe('harakaEnv', () => {
  it('preloads the DNS pin only when servers are configured', () => {
    const env = harakaEnv({ PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=512' }, settings(['127.0.0.1:5353', '[::1]:53']));
    expect(env['MAIL_DNS_SERVERS']).toBe('127.0.0.1:5353,[::1]:53');
    expect(env['NODE_OPTIONS']).toBe(`--max-old-space-size=512 --require "${DNS_PRELOAD}"`);
    expect(DNS_PRELOAD).toMatch(/haraka-plugins\/mail-common\/dist\/dns-preload\.js$/);
  });

  it('leaves the system resolver alone without servers', () => {
    const env = harakaEnv({ PATH: '/bin', MAIL_DNS_SERVERS: '' }, settings([]));
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('caps DNS timeouts through the same preload, with or without servers', () => {
    const env = harakaEnv({ PATH: '/bin', MAIL_DNS_TIMEOUT_MS: '9' }, { ...settings([]), dnsTimeoutMs: 1500 });
    expect(env['MAIL_DNS_TIMEOUT_MS']).toBe('1500');
    expect(env['MAIL_DNS_SERVERS']).toBeUndefined();
    expect(env['NODE_OPTIONS']).toBe(`--require "${DNS_PRELOAD}"`);
  });

  it('does not pass a test runner NODE_ENV=test on to Haraka', () => {
    expect(harakaEnv({ NODE_ENV: 'test' }, settings([]))['NODE_ENV']).toBeUndefined();
    expect(harakaEnv({ NODE_ENV: 'production' }, settings([]))['NODE_ENV']).toBe('production');
  });
});
