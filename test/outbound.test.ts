/**
 * Direct delivery of submitted mail to remote domains, end to end: the real stack with
 * a loopback DNS server holding the test zones (MAIL_DNS_SERVERS) and a loopback SMTP
 * server playing remote.test's MX.
 * - alice's mail to a remote address reaches the MX over STARTTLS, DKIM-signed once,
 *   and python3-dkim verifies it against the key published in the test zone;
 * - inbound mail to a local mailbox is not signed;
 * - a remote 550 becomes a DSN (RFC 3464) in alice's INBOX;
 * - a deferred message survives a restart of the stack; `mailctl queue list|flush|rm`.
 */
import { dataPaths } from '@mail/orchestrator';
import { runMailctl } from '../orchestrator/src/cli/testing';
import { ensureDomainKey } from '../orchestrator/src/dkim/keys';
import { dkimVerify } from './helpers/dkim-verify';
import type { TestDnsServer } from './helpers/dns-server';
import { imapLogin, PASSWORDS } from './helpers/fixtures';
import type { RemoteMx, ReceivedMessage } from './helpers/remote-mx';
import { SmtpClient, testMessage } from './helpers/smtp';
import type { TestStack } from './helpers/stack';
import { startWorld, type World } from './helpers/world';
import { waitFor } from './helpers/wait';

let world: World;
let dns: TestDnsServer;
let mx: RemoteMx;
let t: TestStack;

beforeAll(async () => {
  world = await startWorld();
  ({ dns, mx, t } = world);
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

async function mailctl(...args: string[]): Promise<string> {
  const result = await runMailctl(['--data-dir', t.dataDir, ...args], { env: { MAIL_HOSTNAME: 'mail.test' } });
  if (result.code !== 0) throw new Error(`mailctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** alice submits over 587 (STARTTLS + AUTH); resolves to the final reply code. */
async function submit(to: string[], subject: string): Promise<number | undefined> {
  const { client } = await SmtpClient.connect(t.ports.submission);
  await client.ehlo();
  await client.starttls();
  await client.ehlo();
  expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
  const sent = await client.send('alice@acme.test', to, testMessage({ from: 'alice@acme.test', to: to.join(', '), subject }));
  await client.quit();
  return sent.data?.code ?? sent.rcpt.find((r) => r.code !== 250)?.code ?? sent.mail.code;
}

const arrived = (subject: string) => (): ReceivedMessage | undefined =>
  mx.messages.find((m) => m.raw.toString('utf8').includes(`Subject: ${subject}\r\n`));

/** The full source of every message in a mailbox's INBOX. */
async function inboxSources(address: string, password: string): Promise<string[]> {
  const client = await imapLogin(t.ports.imaps, address, password);
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const status = await client.status('INBOX', { messages: true });
      if (!status.messages) return [];
      const sources: string[] = [];
      for await (const msg of client.fetch('1:*', { source: true })) sources.push(msg.source?.toString('utf8') ?? '');
      return sources;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

const count = (text: string, needle: RegExp): number => (text.match(needle) ?? []).length;

describe('direct delivery to a remote MX', () => {
  it('delivers over STARTTLS with one DKIM signature that an independent verifier accepts', async () => {
    expect(await submit(['bob@remote.test', 'bob@acme.test'], 'to-the-world')).toBe(250);
    const message = await waitFor('the message at the remote MX', arrived('to-the-world'));
    expect(message.to).toEqual(['bob@remote.test']);
    expect(message.from).toBe('alice@acme.test');
    expect(message.secure).toBe(true);
    const raw = message.raw.toString('utf8');
    expect(count(raw, /^DKIM-Signature:/gim)).toBe(1);
    expect(raw).toMatch(/\bd=acme\.test;/);
    expect(raw).toContain(`s=${ensureDomainKey(dataPaths(t.dataDir), 'acme.test').selector};`);
    const verdict = await dkimVerify(message.raw, { host: '127.0.0.1', port: dns.port });
    expect(verdict).toEqual({ ok: true, output: 'signature ok' });
    // The local recipient of the same message got it over LMTP, not through the MX.
    await waitFor('the local copy', async () =>
      (await inboxSources('bob@acme.test', PASSWORDS.bob)).some((s) => s.includes('Subject: to-the-world')) || undefined,
    );
  });

  it('does not sign inbound mail delivered to a local mailbox', async () => {
    const { client } = await SmtpClient.connect(t.ports.smtp);
    await client.ehlo();
    const sent = await client.send('x@remote.test', ['carol@acme.test'], testMessage({ from: 'x@remote.test', to: 'carol@acme.test', subject: 'inbound-only' }));
    await client.quit();
    expect(sent.data?.code).toBe(250);
    const sources = await inboxSources('carol@acme.test', PASSWORDS.carol);
    const inbound = sources.find((s) => s.includes('Subject: inbound-only'));
    expect(inbound).toBeDefined();
    expect(inbound).not.toMatch(/^DKIM-Signature:/im);
  });

  it('returns a DSN to the sender when the remote MX refuses the recipient', async () => {
    mx.refused.add('nobody@remote.test');
    expect(await submit(['nobody@remote.test'], 'will-bounce')).toBe(250);
    const dsn = await waitFor('the DSN in alice@acme.test', async () =>
      (await inboxSources('alice@acme.test', PASSWORDS.alice)).find((s) => s.includes('nobody@remote.test')),
    );
    expect(dsn).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status/im);
    expect(dsn).toMatch(/^Action: failed/im);
    expect(dsn).toMatch(/^Status: 5\.\d+\.\d+/im);
    expect(dsn).toMatch(/^Subject: Undelivered mail: will-bounce\r?$/m);
    expect(dsn).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mail\.test>/m);
    expect(dsn).toContain('Subject: will-bounce'); // the original headers, attached
    expect(mx.messages.some((m) => m.to.includes('nobody@remote.test'))).toBe(false);
  });

  it('records the outbound results in the event log', async () => {
    const outbound = async (status: string) =>
      (await t.services.store.queryEvents({ types: ['outbound'], offset: 0, limit: 1000 })).events.find((e) => e.details['status'] === status);
    expect(await waitFor('an outbound delivery event', () => outbound('delivered'))).toMatchObject({ actor: 'remote.test', details: { host: 'mx.remote.test', tls: true } });
    expect(await waitFor('a refusal event', () => outbound('rejected'))).toMatchObject({ actor: 'nobody@remote.test' });
    expect(await waitFor('a bounce event', () => outbound('bounced'))).toBeDefined();
  });
});

describe('the outbound queue', () => {
  type Listed = { messages: { id: string; recipients: string[]; attempts: number }[] };
  const queued = async (): Promise<Listed['messages']> => (JSON.parse(await mailctl('queue', 'list', '--json')) as Listed).messages;

  it('keeps a deferred message across a restart and delivers it on flush; rm drops one', async () => {
    await mx.stop();
    expect(await submit(['later@remote.test'], 'after-restart')).toBe(250);
    expect(await submit(['never@remote.test'], 'removed-from-queue')).toBe(250);
    // Both tried once and deferred (connection refused), waiting for their next attempt.
    const deferred = await waitFor('two deferred messages', async () => {
      const list = await queued();
      return list.length === 2 && list.every((m) => m.attempts >= 1) ? list : undefined;
    });
    const doomed = deferred.find((m) => m.recipients.includes('never@remote.test'));
    expect(doomed).toBeDefined();

    await t.restart();
    expect((await queued()).map((m) => m.id).sort()).toEqual(deferred.map((m) => m.id).sort());
    expect(await mailctl('queue', 'rm', doomed?.id ?? '')).toMatch(/^removed queued message/);
    expect((await queued()).map((m) => m.recipients)).toEqual([['later@remote.test']]);

    await mx.listen();
    expect(await mailctl('queue', 'flush')).toMatch(/^retrying 1 deferred message/);
    await waitFor('the deferred message at the MX', arrived('after-restart'));
    await waitFor('an empty queue', async () => ((await queued()).length === 0 ? true : undefined));
    expect(arrived('removed-from-queue')()).toBeUndefined();
    const rm = await runMailctl(['--data-dir', t.dataDir, 'queue', 'rm', doomed?.id ?? '']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(/no queued message/);
  }, 120_000);
});
