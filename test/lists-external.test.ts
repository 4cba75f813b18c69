/**
 * External list members and SRS bounces to remote senders, end to end: Haraka's outbound
 * queue delivers to a loopback "remote MX" found through the loopback DNS server. The
 * envelope sender the MX sees is checked with an independent SRS implementation (python3-srs).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { TestDnsServer } from './helpers/dns-server';
import { imapLogin, PASSWORDS, populate, subjects } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** The remote MX: port 25 (outbound has no port in MX records) on a random loopback address. */
class FakeMx {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];
  readonly server: SMTPServer;

  constructor(readonly host: string) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // A member the remote MX does not know: Haraka's DSN then goes to the SRS sender.
      onRcptTo: (address, _session, callback) =>
        callback(address.address.startsWith('unknown@') ? Object.assign(new Error('no such user'), { responseCode: 550 }) : undefined),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          this.received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString() });
          this.waiters.splice(0).forEach((wake) => wake());
          callback();
        });
      },
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(25, this.host, () => resolve());
    });
  }

  /** Resolves with the first message matching, as soon as it arrives (no polling sleeps). */
  async waitFor(match: (m: Received) => boolean, timeoutMs = 30_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message at the fake MX; got ${JSON.stringify(this.received.map((m) => [m.from, m.to]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let t: TestStack;
let dns: TestDnsServer;
let mx: FakeMx;
let srsSecret: string;
const savedLocalMxOk = process.env['MAIL_OUTBOUND_LOCAL_MX_OK'];

beforeAll(async () => {
  const octet = (): number => 2 + Math.floor(Math.random() * 250);
  mx = new FakeMx(`127.${octet()}.${octet()}.${octet()}`);
  await mx.listen();
  dns = await TestDnsServer.start();
  dns.setRecords([
    { type: 'MX', name: 'remote.test', exchange: 'mx.remote.test', priority: 10 },
    { type: 'MX', name: 'sender.test', exchange: 'mx.remote.test', priority: 10 },
    { type: 'A', name: 'mx.remote.test', address: mx.host },
  ]);
  // Outbound skips MX hosts on loopback addresses unless told otherwise (FACTS.md).
  process.env['MAIL_OUTBOUND_LOCAL_MX_OK'] = '1';
  t = await startTestStack({ dnsServers: [dns.address] });
  await populate(t.services);
  await t.services.lists.add({ address: 'ext@acme.test', members: ['alice@acme.test', 'x@remote.test', 'y@remote.test'] });
  await t.services.lists.add({ address: 'lost@acme.test', members: ['unknown@remote.test'] });
  srsSecret = fs.readFileSync(path.join(t.dataDir, 'secrets', 'srs.secret'), 'utf8').trim();
}, 120_000);
afterAll(async () => {
  if (savedLocalMxOk === undefined) delete process.env['MAIL_OUTBOUND_LOCAL_MX_OK'];
  else process.env['MAIL_OUTBOUND_LOCAL_MX_OK'] = savedLocalMxOk;
  await t?.stop();
  await dns?.stop();
  await mx?.close();
});

async function sendMx(from: string, to: string[], subject: string, headers: Record<string, string> = {}) {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const result = await client.send(from, to, testMessage({ from: from || 'mailer-daemon@remote.test', to: to[0] ?? '', subject, headers }));
  await client.quit();
  return result;
}

function pysrsReverse(address: string): string {
  const script = `import sys, SRS\nprint(SRS.new(secret=sys.argv[1], maxage=21, hashlength=4).reverse(sys.argv[2]))`;
  return execFileSync('/usr/bin/python3', ['-c', script, srsSecret, address], { encoding: 'utf8' }).trim();
}

describe('external list members', () => {
  let srsSender = '';

  it('get the message from the remote MX with an SRS envelope sender, local members over LMTP', async () => {
    const r = await sendMx('Joe@sender.test', ['ext@acme.test'], 'list-external', { Cc: 'y@remote.test' });
    expect(r.data?.code).toBe(250);
    const got = await mx.waitFor((m) => m.data.includes('Subject: list-external'));
    // y@ is in Cc: it gets its own copy directly, not a second one through the list.
    expect(got.to).toEqual(['x@remote.test']);
    expect(got.from).toMatch(/^SRS0=.{4}=..=sender\.test=Joe@acme\.test$/);
    expect(pysrsReverse(got.from)).toBe('Joe@sender.test');
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).toContain('list-external');
    srsSender = got.from;
  });

  it('route a bounce to that SRS address back to the remote original sender', async () => {
    expect(srsSender).not.toBe('');
    const r = await sendMx('', [srsSender], 'bounce-to-remote');
    expect(r.rcpt[0]?.code).toBe(250);
    expect(r.data?.code).toBe(250);
    const bounce = await mx.waitFor((m) => m.data.includes('Subject: bounce-to-remote'));
    expect(bounce.to.map((a) => a.toLowerCase())).toEqual(['joe@sender.test']);
    expect(bounce.from).toBe('');
  });

  it("bring Haraka's own DSN for a failed forward back to the original (local) sender", async () => {
    // alice@other.test is an alias of alice@acme.test; the list is in acme.test, so SRS applies.
    const r = await sendMx('alice@other.test', ['lost@acme.test'], 'forward-fails');
    expect(r.data?.code).toBe(250);
    await waitUntil(async () => (await dsnsFor('alice@acme.test', PASSWORDS.alice, 'unknown@remote.test')) === 1);
  });
});

/** Delivery status reports (RFC 3464) in the INBOX naming `finalRecipient`. */
async function dsnsFor(mailbox: string, password: string, finalRecipient: string): Promise<number> {
  const client = await imapLogin(t.ports.imaps, mailbox, password);
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const found = await client.search({ body: `rfc822;${finalRecipient}` });
      return Array.isArray(found) ? found.length : 0;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** Re-checks after each outbound delivery attempt is logged; gives up after the timeout. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
