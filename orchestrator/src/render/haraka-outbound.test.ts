/** The outbound part of the Haraka render: test-only local MX switch, control socket, DSN template. */
import path from 'node:path';
import { dataPaths } from '../config/paths';
import { DEFAULT_PORTS } from '../config/settings';
import { harakaControlSocket, renderHarakaFiles, type HarakaInput } from './haraka';

function input(outboundLocalMxOk?: boolean): HarakaInput {
  const paths = dataPaths('/srv/mail');
  const base: HarakaInput = {
    settings: {
      dataDir: '/srv/mail', hostname: 'mail.example.test', dnsServers: [], bindAddress: '127.0.0.1',
      ports: { ...DEFAULT_PORTS }, ldap: { baseDn: 'dc=cloudron' }, maxMessageSize: 1 << 20,
    },
    paths,
    ldapServicePassword: 'svc-secret',
    lmtpSocket: path.join(paths.run, 'lmtp'),
  };
  return outboundLocalMxOk === undefined ? base : { ...base, outboundLocalMxOk };
}

const file = (i: HarakaInput, name: string): string => renderHarakaFiles(i).find((f) => f.name === name)?.content ?? '';

describe('outbound render', () => {
  it('refuses loopback MXs unless the test-only switch is on', () => {
    expect(file(input(), 'outbound.ini')).toMatch(/^local_mx_ok=false$/m);
    expect(file(input(false), 'outbound.ini')).toMatch(/^local_mx_ok=false$/m);
    expect(file(input(true), 'outbound.ini')).toMatch(/^local_mx_ok=true$/m);
  });

  it('bounds concurrency, retries for days, and signs with dkim after the scope check', () => {
    const ini = file(input(), 'outbound.ini');
    expect(ini).toMatch(/^concurrency_max=10$/m);
    expect(ini).toMatch(/^temp_fail_intervals=1m,5m,15m,30m,1h,2h,4h\*2,6h\*16$/m);
    const plugins = file(input(), 'plugins').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(plugins.indexOf('mail-outbound')).toBeLessThan(plugins.indexOf('dkim'));
    expect(plugins.indexOf('dkim')).toBeLessThan(plugins.indexOf('mail-routing'));
    const dkim = file(input(), 'dkim.ini');
    expect(dkim).toMatch(/^\[sign\]\nenabled=true$/m);
    // No default key: only domains with their own key directory are signed.
    expect(dkim).toMatch(/^selector=$/m);
    expect(dkim).toMatch(/^domain=$/m);
  });

  it('puts the control socket in the run directory', () => {
    expect(harakaControlSocket(dataPaths('/srv/mail'))).toBe('/srv/mail/run/haraka-control.sock');
    expect(file(input(), 'mail-outbound.ini')).toMatch(/^control_socket=\/srv\/mail\/run\/haraka-control\.sock$/m);
  });

  it('renders a DSN template Haraka reads raw: headers from the first line, then the text', () => {
    const lines = file(input(), 'outbound.bounce_message').split('\n');
    expect(lines[0]).toBe('Date: {date}');
    expect(lines.indexOf('')).toBeGreaterThan(3);
    expect(lines.slice(0, lines.indexOf(''))).toContain('Auto-Submitted: auto-replied');
  });
});
