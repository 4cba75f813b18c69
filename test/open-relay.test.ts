/**
 * Open relay matrix: an unauthenticated client on the MX port (and on submission before
 * AUTH) tries every classic way of getting mail for another domain accepted — percent
 * hack, source routes (RFC 5321 §4.1.1.3, Appendix C), quoted local parts, UUCP `!`
 * paths, IP literals, our own domain or the null sender in MAIL FROM, case and trailing
 * dots, XCLIENT from an address not allowed to use it. remote.test's MX is a real SMTP
 * server on loopback that the test zone points to and outbound may use
 * (MAIL_OUTBOUND_LOCAL_MX_OK): it must receive nothing but the authenticated sentinel
 * sent at the end, and the outbound queue must be empty once the sentinel is through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataPaths } from '@mail/orchestrator';
import { harakaConfigDir, harakaQueueDir } from '../orchestrator/src/render/haraka';
import { TestDnsServer } from './helpers/dns-server';
import { PASSWORDS, populate } from './helpers/fixtures';
import { RemoteMx } from './helpers/remote-mx';
import { SmtpClient, testMessage, type Reply } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let dns: TestDnsServer;
let mx: RemoteMx;
let t: TestStack;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  mx = await RemoteMx.start();
  t = await startTestStack({ dnsServers: [dns.address] }, { MAIL_OUTBOUND_LOCAL_MX_OK: '1' });
  await populate(t.services);
  dns.setRecords([
    { type: 'MX', name: 'remote.test', exchange: 'mx.remote.test', priority: 10 },
    { type: 'A', name: 'mx.remote.test', address: mx.address },
    // An MX for the IP-literal and `!`-path hosts too, so a relay would have somewhere to go.
    { type: 'MX', name: 'uucp.test', exchange: 'mx.remote.test', priority: 10 },
  ]);
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await mx?.stop();
  await dns?.stop();
});

/** Recipients that point, one way or another, at a mailbox outside our domains. */
const relayRecipients = (): string[] => [
  'user@remote.test',
  'USER@REMOTE.TEST',
  'user@remote.test.',
  'user%remote.test@acme.test',
  'user%remote.test@ACME.TEST',
  'user%remote.test@acme.test.',
  '"user@remote.test"@acme.test',
  '"user%remote.test"@acme.test',
  '@acme.test:user@remote.test',
  '@mail.test,@acme.test:user@remote.test',
  'remote.test!user@acme.test',
  'remote.test!user',
  'uucp.test!remote.test!user@acme.test',
  'user@remote.test@acme.test',
  `user@[${mx.address}]`,
  'user@[127.0.0.1]',
  'user@[IPv6:::1]',
  'user@acme.test@remote.test',
  'user@localhost',
  'user@mail.test',
];

const SENDERS = ['x@remote.test', 'alice@acme.test', 'ALICE@ACME.TEST.', ''];

interface Attempt {
  from: string;
  to: string;
  rcpt: Reply;
  data?: Reply | undefined;
}

/** One transaction per recipient; a 250 at RCPT goes on to DATA (it must then stay local). */
async function tryRelay(client: SmtpClient, from: string, to: string): Promise<Attempt> {
  const mail = await client.cmd(`MAIL FROM:<${from}>`);
  if (mail.code !== 250) return { from, to, rcpt: mail };
  const rcpt = await client.cmd(`RCPT TO:<${to}>`);
  let data: Reply | undefined;
  if (rcpt.code === 250) {
    if ((await client.cmd('DATA')).code === 354) {
      client.conn.write(`${testMessage({ from: from || 'mailer-daemon@remote.test', to, subject: 'relay-attempt' })}.\r\n`);
      data = await client.reply();
    }
  } else {
    await client.cmd('RSET');
  }
  return { from, to, rcpt, data };
}

const attempts: Attempt[] = [];

describe('no relaying without AUTH', () => {
  it('refuses every relay trick on the MX port', async () => {
    const { client } = await SmtpClient.connect(t.ports.smtp);
    await client.ehlo();
    for (const from of SENDERS) for (const to of relayRecipients()) attempts.push(await tryRelay(client, from, to));
    await client.quit();
    const accepted = attempts.filter((a) => a.rcpt.code === 250);
    // Only local mailboxes may be accepted (none of these is one).
    expect(accepted.map((a) => `${a.from} -> ${a.to}: ${a.rcpt.code} ${a.rcpt.text}`)).toEqual([]);
    for (const a of attempts) expect(a.rcpt.code).toBeGreaterThanOrEqual(400);
  });

  it('refuses MAIL and RCPT on submission before AUTH (after STARTTLS too)', async () => {
    for (const tls of [false, true]) {
      const { client } = await SmtpClient.connect(t.ports.submission);
      await client.ehlo();
      if (tls) {
        await client.starttls();
        await client.ehlo();
      }
      for (const to of ['user@remote.test', 'user%remote.test@acme.test', 'alice@acme.test']) {
        const attempt = await tryRelay(client, 'alice@acme.test', to);
        attempts.push(attempt);
        expect(attempt.rcpt.code).toBeGreaterThanOrEqual(500);
      }
      await client.quit();
    }
  });

  it('does not let a client outside the XCLIENT list pretend to be another host', async () => {
    const { client } = await SmtpClient.connect(t.ports.smtp, { localAddress: '127.0.0.2' });
    await client.ehlo();
    const xclient = await client.cmd('XCLIENT ADDR=198.18.0.1 NAME=[UNAVAILABLE]');
    expect(xclient.code).toBeGreaterThanOrEqual(500);
    const attempt = await tryRelay(client, 'x@remote.test', 'user@remote.test');
    attempts.push(attempt);
    expect(attempt.rcpt.code).toBeGreaterThanOrEqual(500);
    await client.quit();
  });

  it('renders XCLIENT for loopback only, if it is enabled at all', () => {
    const dir = harakaConfigDir(dataPaths(t.dataDir));
    const plugins = fs.readFileSync(path.join(dir, 'plugins'), 'utf8').split('\n').map((l) => l.trim());
    if (!plugins.includes('xclient')) return;
    // Haraka's xclient plugin always trusts 127.0.0.1 and ::1, plus config/xclient.hosts.
    const hostsFile = path.join(dir, 'xclient.hosts');
    const hosts = fs.existsSync(hostsFile) ? fs.readFileSync(hostsFile, 'utf8').split('\n').map((l) => l.trim()) : [];
    for (const host of hosts.filter((h) => h && !h.startsWith('#'))) expect(['127.0.0.1', '::1']).toContain(host);
  });

  it('sent nothing to the remote MX and left the outbound queue empty', async () => {
    // A sentinel through the front door: once it has arrived, anything queued before it
    // would have been tried as well.
    const { client } = await SmtpClient.connect(t.ports.submission);
    await client.ehlo();
    await client.starttls();
    await client.ehlo();
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
    const sent = await client.send('alice@acme.test', ['sentinel@remote.test'], testMessage({ from: 'alice@acme.test', to: 'sentinel@remote.test', subject: 'sentinel' }));
    await client.quit();
    expect(sent.data?.code).toBe(250);
    await waitFor('the sentinel at the remote MX', () => mx.messages.find((m) => m.to.includes('sentinel@remote.test')));
    const queueDir = harakaQueueDir(dataPaths(t.dataDir));
    await waitFor('an empty outbound queue', () => (fs.readdirSync(queueDir).filter((f) => !f.startsWith('.')).length === 0 ? true : undefined));
    expect(mx.messages.map((m) => m.to)).toEqual([['sentinel@remote.test']]);
    const codes = new Map<number, number>();
    for (const a of attempts) codes.set(a.rcpt.code, (codes.get(a.rcpt.code) ?? 0) + 1);
    console.log(`open relay matrix: ${attempts.length} attempts, 0 relayed; refusals by code: ${JSON.stringify(Object.fromEntries(codes))}`);
  });
});
