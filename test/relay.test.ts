/**
 * Relay per domain (haraka-plugin-mail-relay + `mailctl relay`), end to end with a
 * loopback smarthost (test/helpers/fake-relay.ts):
 * - a relay that does not work is refused when it is set, with the server's answer;
 * - with a working one, alice's mail to a remote address arrives there over STARTTLS
 *   and AUTH, and `relay show` never shows the password;
 * - `noop` sends nothing out, while local recipients still get their copy.
 */
import { runMailctl, type CliResult } from '../orchestrator/src/cli/testing';
import { TestDnsServer } from './helpers/dns-server';
import { FakeRelay } from './helpers/fake-relay';
import { PASSWORDS, populate, subjects } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

const CREDENTIALS = { username: 'relay-user', password: 'relay-pass-1' };
let relay: FakeRelay;
let t: TestStack;
let dns: TestDnsServer;

beforeAll(async () => {
  relay = await FakeRelay.start(CREDENTIALS);
  // smarthost.relay.test exists only in this zone: resolving it proves the resolver used.
  dns = await TestDnsServer.start();
  dns.setRecords([{ type: 'A', name: 'smarthost.relay.test', address: '127.0.0.1' }]);
  // The smarthost listens on 127.0.0.1, which Haraka's outbound skips unless allowed.
  t = await startTestStack({}, { MAIL_OUTBOUND_LOCAL_MX_OK: '1' });
  await populate(t.services);
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await relay?.stop();
  await dns?.stop();
});

function mailctl(...args: string[]): Promise<CliResult> {
  return runMailctl(['--data-dir', t.dataDir, ...args], { env: { MAIL_HOSTNAME: 'mail.test' } });
}

function smtpRelayArgs(password: string, ...extra: string[]): string[] {
  return ['relay', 'set', 'acme.test', '--provider', 'smtp', '--host', '127.0.0.1', '--port', String(relay.port),
    '--username', CREDENTIALS.username, '--password', password, ...extra];
}

async function submit(to: string[], subject: string): Promise<number | undefined> {
  const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true });
  await client.ehlo();
  expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
  const sent = await client.send('alice@acme.test', to, testMessage({ from: 'alice@acme.test', to: to.join(', '), subject }));
  await client.quit();
  return sent.data?.code;
}

describe('relay set', () => {
  it('refuses a relay that does not work, quoting the server, and stores nothing', async () => {
    const wrong = await mailctl(...smtpRelayArgs('wrong-password', '--accept-self-signed'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/does not work: .*535/);
    const untrusted = await mailctl(...smtpRelayArgs(CREDENTIALS.password));
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/certificate/i);
    expect(JSON.parse((await mailctl('relay', 'show', 'acme.test', '--json')).stdout)).toEqual({ domain: 'acme.test', relay: { provider: 'direct' } });
  });

  it('stores a working relay and never shows its password', async () => {
    const set = await mailctl(...smtpRelayArgs(CREDENTIALS.password, '--accept-self-signed'));
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const shown = await mailctl('relay', 'show', 'acme.test', '--json');
    expect(JSON.parse(shown.stdout)).toEqual({
      domain: 'acme.test',
      relay: { provider: 'smtp', host: '127.0.0.1', port: relay.port, username: CREDENTIALS.username, password: '********', acceptSelfSigned: true },
    });
    expect(shown.stdout + (await mailctl('relay', 'show', 'acme.test')).stdout).not.toContain(CREDENTIALS.password);
  });

  it('resolves the relay host through MAIL_DNS_SERVERS, as Haraka does', async () => {
    const args = ['--data-dir', t.dataDir, 'relay', 'set', 'other.test', '--provider', 'smtp', '--host', 'smarthost.relay.test',
      '--port', String(relay.port), '--username', CREDENTIALS.username, '--password', CREDENTIALS.password, '--accept-self-signed'];
    const viaTestZone = await runMailctl(args, { env: { MAIL_HOSTNAME: 'mail.test', MAIL_DNS_SERVERS: dns.address } });
    expect(viaTestZone).toMatchObject({ code: 0, stderr: '' });
    expect(dns.queries).toContain('smarthost.relay.test/A');
    expect(JSON.parse((await mailctl('relay', 'show', 'other.test', '--json')).stdout).relay.host).toBe('smarthost.relay.test');
  });
});

describe('sending through the relay', () => {
  it('delivers remote mail to the smarthost over STARTTLS with AUTH', async () => {
    expect(await submit(['far@remote.test'], 'via-relay')).toBe(250);
    const message = await waitFor('the relayed message', () => relay.messages.find((m) => m.raw.includes('Subject: via-relay')));
    expect(message).toMatchObject({ from: 'alice@acme.test', to: ['far@remote.test'], secure: true, user: CREDENTIALS.username });
  });

  it('sends nothing out with noop, but still delivers locally', async () => {
    expect((await mailctl('relay', 'set', 'acme.test', '--provider', 'noop')).code).toBe(0);
    const before = relay.messages.length;
    expect(await submit(['far@remote.test', 'bob@acme.test'], 'noop-mixed')).toBe(250);
    expect(await submit(['far@remote.test'], 'noop-remote')).toBe(250);
    await waitFor('bob to get his copy', async () => ((await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).includes('noop-mixed') ? true : undefined));
    expect(relay.messages.length).toBe(before);
    expect((await mailctl('relay', 'set', 'acme.test', '--provider', 'direct')).code).toBe(0);
  });
});
