/**
 * Mail that Sieve itself sends, end to end: Dovecot's sendmail_path hands it to
 * Haraka's submission port (orchestrator/src/sieve/sendmail.ts), so it leaves like any
 * other mail. A loopback DNS server holds the test zones and a loopback SMTP server
 * plays the remote MX.
 * - `redirect` to an external address: the MX gets it with an SRS envelope sender in
 *   the redirecting mailbox's domain, which python3-srs decodes to the original sender;
 *   a bounce to that SRS address comes back to the original sender;
 * - `vacation`: the auto-reply reaches the original sender with the null envelope
 *   sender (RFC 5230 §5.6), DKIM-signed for the away mailbox's domain (python3-dkim);
 * - the internal login only works with its secret.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import { dkimVerify } from './helpers/dkim-verify';
import type { TestDnsServer } from './helpers/dns-server';
import { PASSWORDS, subjects } from './helpers/fixtures';
import { ManageSieveClient } from './helpers/managesieve';
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
  world = await startWorld({ domains: ['sender.test'] });
  ({ dns, mx, t } = world);
  await activateScript('alice@acme.test', PASSWORDS.alice, 'require ["copy"];\nredirect :copy "friend@remote.test";\n');
  const vacation = 'require ["vacation"];\nvacation :days 1 :subject "Away" :addresses ["bob@acme.test"] "Back on Monday.";\n';
  await activateScript('bob@acme.test', PASSWORDS.bob, vacation);
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

async function activateScript(user: string, password: string, script: string): Promise<void> {
  const { client } = await ManageSieveClient.connect(t.ports.managesieve);
  await client.starttls();
  expect(ManageSieveClient.ok(await client.authenticate(user, password))).toBe(true);
  expect(ManageSieveClient.ok(await client.putScript('rules', script))).toBe(true);
  expect(ManageSieveClient.ok(await client.setActive('rules'))).toBe(true);
  await client.logout();
}

/** Inbound mail on the MX port; resolves to the DATA reply code. */
async function sendInbound(from: string, to: string, subject: string): Promise<number | undefined> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const r = await client.send(from, [to], testMessage({ from, to, subject }));
  await client.quit();
  return r.data?.code;
}

const arrived = (subject: string) => (): ReceivedMessage | undefined =>
  mx.messages.find((m) => m.raw.toString('utf8').includes(`Subject: ${subject}\r\n`));

function pysrsReverse(address: string): string {
  const secret = fs.readFileSync(dataPaths(t.dataDir).srsSecret, 'utf8').trim();
  const script = 'import sys, SRS\nprint(SRS.new(secret=sys.argv[1], maxage=21, hashlength=4).reverse(sys.argv[2]))';
  return execFileSync('/usr/bin/python3', ['-c', script, secret, address], { encoding: 'utf8' }).trim();
}

describe('Sieve redirect to an external address', () => {
  let srsSender = '';

  it('leaves with an SRS sender in the mailbox domain that an independent SRS decodes; :copy keeps a local copy', async () => {
    expect(await sendInbound('Joe@sender.test', 'alice@acme.test', 'redirect-me')).toBe(250);
    const got = await waitFor('the redirected message at the remote MX', arrived('redirect-me'));
    expect(got.to).toEqual(['friend@remote.test']);
    expect(got.from).toMatch(/^SRS0=[^=]{4}=[^=]{2}=sender\.test=Joe@acme\.test$/);
    expect(pysrsReverse(got.from)).toBe('Joe@sender.test');
    expect(got.raw.toString('utf8')).toMatch(/^X-Sieve-Redirected-From: alice@acme\.test\r$/m);
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).toContain('redirect-me');
    srsSender = got.from;
  });

  it('routes a bounce to that SRS address back to the original sender', async () => {
    expect(srsSender).not.toBe('');
    expect(await sendInbound('', srsSender, 'redirect-bounced')).toBe(250);
    const bounce = await waitFor('the bounce at the original sender', arrived('redirect-bounced'));
    expect(bounce.to.map((a) => a.toLowerCase())).toEqual(['joe@sender.test']);
  });
});

describe('Sieve vacation', () => {
  it('answers the sender once, with the null envelope sender, DKIM-signed for the mailbox domain', async () => {
    expect(await sendInbound('pat@remote.test', 'bob@acme.test', 'are-you-there')).toBe(250);
    const reply = await waitFor('the vacation reply', arrived('Away'));
    expect(reply.from).toBe('');
    expect(reply.to).toEqual(['pat@remote.test']);
    const raw = reply.raw.toString('utf8');
    expect(raw).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(raw).toMatch(/\bd=acme\.test;/);
    expect(await dkimVerify(reply.raw, { host: '127.0.0.1', port: dns.port })).toEqual({ ok: true, output: 'signature ok' });
    // RFC 5230 §4.2: one reply per sender within :days.
    expect(await sendInbound('pat@remote.test', 'bob@acme.test', 'still-there')).toBe(250);
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('still-there');
    expect(mx.messages.filter((m) => m.raw.toString('utf8').includes('Subject: Away\r\n'))).toHaveLength(1);
  });
});

describe('the internal Sieve login', () => {
  it('is refused with a wrong secret', async () => {
    const { client } = await SmtpClient.connect(t.ports.submission);
    await client.ehlo();
    await client.starttls();
    await client.ehlo();
    expect((await client.authPlain('mailserver-sieve', 'not-the-secret')).code).toBe(535);
    await client.quit();
  });
});
