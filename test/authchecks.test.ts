/**
 * Inbound checks on the MX port with the real stack: SPF (haraka-plugin-spf), DKIM
 * and DMARC (mailauth inside mail-authchecks), rDNS, anti-spoof, DNSBL
 * (haraka-plugin-dns-list) with `mailctl settings dnsbl`. Client addresses are
 * presented with XCLIENT from loopback (198.18.0.0/15: public to the plugins, only
 * data here); every DNS answer comes from the loopback test server.
 */
import crypto from 'node:crypto';
import { dkimSign } from 'mailauth';
import { runMailctl } from '../orchestrator/src/cli/testing';
import { imapLogin, PASSWORDS, populate } from './helpers/fixtures';
import { TestDnsServer, type TestRecord } from './helpers/dns-server';
import { SmtpClient, testMessage, type Reply } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

const IP = { good: '198.18.0.10', liar: '198.18.0.11', bare: '198.18.0.12', backupMx: '198.18.0.20', stranger: '198.18.0.21', listed: '198.18.0.66', slow: '198.18.0.78' };
const DKIM_KEY = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
const DKIM_PUBLIC = DKIM_KEY.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const RECORDS: TestRecord[] = [
  { type: 'TXT', name: 'sender.test', text: `v=spf1 ip4:${IP.good} -all` },
  { type: 'TXT', name: '_dmarc.sender.test', text: 'v=DMARC1; p=reject' },
  { type: 'TXT', name: 'sel._domainkey.sender.test', text: `v=DKIM1; k=rsa; p=${DKIM_PUBLIC}` },
  { type: 'TXT', name: 'soft.test', text: `v=spf1 ip4:${IP.good} ~all` },
  { type: 'TXT', name: 'nodmarc.test', text: `v=spf1 ip4:${IP.good} -all` },
  { type: 'TXT', name: 'quar.test', text: `v=spf1 ip4:${IP.good} -all` },
  { type: 'TXT', name: '_dmarc.quar.test', text: 'v=DMARC1; p=quarantine' },
  // Our own domain: the backup MX is listed, everything else only soft-fails.
  { type: 'TXT', name: 'acme.test', text: `v=spf1 ip4:${IP.backupMx} ~all` },
  // rDNS: good forward-confirms, liar's PTR name points elsewhere, bare has no PTR.
  { type: 'PTR', name: TestDnsServer.reverseName(IP.good), target: 'mx.sender.test' },
  { type: 'A', name: 'mx.sender.test', address: IP.good },
  { type: 'PTR', name: TestDnsServer.reverseName(IP.liar), target: 'liar.test' },
  { type: 'A', name: 'liar.test', address: '198.18.0.99' },
  // DNSBLs with their RFC 5782 §5 test entry (127.0.0.2 listed, 127.0.0.1 not).
  { type: 'A', name: '2.0.0.127.bl.test', address: '127.0.0.2' },
  { type: 'A', name: '66.0.18.198.bl.test', address: '127.0.0.2' },
  { type: 'A', name: '2.0.0.127.slow.test', address: '127.0.0.2' },
];

let t: TestStack;
let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.setRecords(RECORDS);
  dns.dropQueries('78.0.18.198.slow.test');
  // other.test (local, from the fixtures) has a name server that never answers.
  dns.dropQueries('other.test');
  t = await startTestStack({ dnsTimeoutMs: 1000 }, { MAIL_DNS_SERVERS: dns.address, MAIL_TEST_XCLIENT: '1' });
  await populate(t.services);
});
afterAll(async () => {
  await t?.stop();
  await dns?.stop();
});

interface Session {
  client: SmtpClient;
  greeting: Reply;
}

/** Connects, says EHLO, presents `ip` with XCLIENT; the XCLIENT reply is the new greeting. */
async function connectAs(ip: string, port = t.ports.smtp, extra = ''): Promise<Session> {
  const { client } = await SmtpClient.connect(port);
  expect((await client.ehlo()).code).toBe(250);
  const greeting = await client.cmd(`XCLIENT ADDR=${ip}${extra}`);
  if (greeting.code === 220) expect((await client.ehlo('mx.sender.test')).code).toBe(250);
  return { client, greeting };
}

async function sendAs(ip: string, envelopeFrom: string, message: string) {
  const { client, greeting } = await connectAs(ip);
  expect(greeting.code).toBe(220);
  const result = await client.send(envelopeFrom, ['alice@acme.test'], message);
  await client.quit();
  return result;
}

function message(from: string, subject: string, headers: Record<string, string> = {}): string {
  return testMessage({ from, to: 'alice@acme.test', subject, body: `Body of ${subject}.`, headers });
}

async function signed(raw: string): Promise<string> {
  // mailauth 4.13's signer reads `signatureData`; its bundled typings describe another shape.
  const options = {
    canonicalization: 'relaxed/relaxed',
    signatureData: [{ signingDomain: 'sender.test', selector: 'sel', privateKey: DKIM_KEY.privateKey.export({ type: 'pkcs8', format: 'pem' }) }],
  };
  const { signatures, errors } = await dkimSign(raw, options as unknown as Parameters<typeof dkimSign>[1]);
  expect(errors).toEqual([]);
  expect(signatures).toMatch(/^DKIM-Signature: .*d=sender\.test/);
  return signatures + raw;
}

/** The delivered message with this subject, as stored in `folder`. */
async function delivered(subject: string, folder = 'INBOX'): Promise<string> {
  const client = await imapLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      for await (const msg of client.fetch('1:*', { source: true })) {
        const source = msg.source?.toString('utf8') ?? '';
        if (source.includes(`\r\nSubject: ${subject}\r\n`)) return source;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  throw new Error(`no message '${subject}' in ${folder}`);
}

function headerBlock(source: string): string {
  return source.slice(0, source.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
}

/** Every Authentication-Results value, unfolded. */
function authResults(source: string, name = 'Authentication-Results'): string[] {
  return headerBlock(source)
    .split('\r\n')
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(name.length + 1).trim());
}

function header(source: string, name: string): string[] {
  return authResults(source, name);
}

describe('SPF, DKIM and DMARC in one Authentication-Results header', () => {
  it('records spf=pass, dkim=pass and dmarc=pass for a signed message from an SPF-listed IP', async () => {
    const r = await sendAs(IP.good, 'news@sender.test', await signed(message('news@sender.test', 'all-pass')));
    expect(r.data?.code).toBe(250);
    const [ar, ...more] = authResults(await delivered('all-pass'));
    expect(more).toEqual([]);
    expect(ar).toMatch(/^mail\.test;/);
    expect(ar).toMatch(/spf=pass smtp\.mailfrom=sender\.test/);
    expect(ar).toMatch(/dkim=pass [^;]*header\.[di]=@?sender\.test/);
    expect(ar).toMatch(/dmarc=pass/);
  });

  it('records dkim=fail for a tampered body (DMARC still passes on SPF)', async () => {
    const raw = (await signed(message('news@sender.test', 'tampered'))).replace('Body of tampered.', 'Body of tampered, changed.');
    const r = await sendAs(IP.good, 'news@sender.test', raw);
    expect(r.data?.code).toBe(250);
    const [ar] = authResults(await delivered('tampered'));
    expect(ar).toMatch(/dkim=(fail|neutral)[^;]*body hash/);
    expect(ar).toMatch(/dmarc=pass/);
  });

  it('records spf=fail and spf=softfail, and accepts (no DMARC record to act on)', async () => {
    expect((await sendAs(IP.liar, 'a@nodmarc.test', message('a@nodmarc.test', 'spf-fail'))).data?.code).toBe(250);
    expect(authResults(await delivered('spf-fail'))[0]).toMatch(/spf=fail smtp\.mailfrom=nodmarc\.test.*dkim=none.*dmarc=none/);
    expect((await sendAs(IP.bare, 'a@soft.test', message('a@soft.test', 'spf-softfail'))).data?.code).toBe(250);
    expect(authResults(await delivered('spf-softfail'))[0]).toMatch(/spf=softfail smtp\.mailfrom=soft\.test/);
  });

  it('refuses a DMARC p=reject failure with 5xx', async () => {
    const r = await sendAs(IP.liar, 'news@sender.test', message('news@sender.test', 'dmarc-reject'));
    expect(r.data?.code).toBe(550);
    expect(r.data?.text).toMatch(/5\.7\.1 .*DMARC policy of sender\.test/);
  });

  it('files a DMARC p=quarantine failure into the Spam folder', async () => {
    const r = await sendAs(IP.liar, 'a@quar.test', message('a@quar.test', 'dmarc-quarantine'));
    expect(r.data?.code).toBe(250);
    // The Sieve global script files X-Mailserver-Quarantine mail into Spam (spam-templates).
    const source = await delivered('dmarc-quarantine', 'Spam');
    expect(authResults(source)[0]).toMatch(/dmarc=fail/);
    expect(header(source, 'X-Mailserver-Quarantine')).toEqual(['dmarc']);
  });

  it('strips incoming results claiming our name and X-Mailserver-* headers, keeps foreign ones aside', async () => {
    const forged = message('news@sender.test', 'forged-headers', {
      'Authentication-Results': 'mail.test; dkim=pass header.d=bank.test',
      'X-Mailserver-Rdns': 'pass (1.2.3.4)',
      'X-Mailserver-Quarantine': 'none',
    }).replace('Subject:', 'Authentication-Results: relay.example; spf=pass smtp.mailfrom=x.example\r\nSubject:');
    expect((await sendAs(IP.good, 'news@sender.test', forged)).data?.code).toBe(250);
    const source = await delivered('forged-headers');
    const ours = authResults(source);
    expect(ours).toHaveLength(1);
    expect(ours[0]).not.toMatch(/bank\.test/);
    expect(header(source, 'Original-Authentication-Results')).toEqual(['relay.example; spf=pass smtp.mailfrom=x.example']);
    expect(header(source, 'X-Mailserver-Rdns')).toEqual([`pass (${IP.good})`]);
    expect(header(source, 'X-Mailserver-Quarantine')).toEqual([]);
  });
});

describe('rDNS header', () => {
  it.each([
    ['pass', IP.good, 'nodmarc.test'],
    ['mismatch', IP.liar, 'nodmarc.test'],
    ['none', IP.bare, 'soft.test'],
  ])('says %s for %s', async (status, ip, domain) => {
    const subject = `rdns-${status}`;
    expect((await sendAs(ip, `a@${domain}`, message(`a@${domain}`, subject))).data?.code).toBe(250);
    expect(header(await delivered(subject), 'X-Mailserver-Rdns')).toEqual([`${status} (${ip})`]);
  });
});

describe('anti-spoof of our own domains', () => {
  it('refuses a local envelope sender from an IP that SPF does not pass (~all is not enough)', async () => {
    const r = await sendAs(IP.stranger, 'ceo@acme.test', message('ceo@acme.test', 'spoof-envelope'));
    expect(r.mail.code).toBe(550);
    expect(r.mail.text).toMatch(/5\.7\.1 envelope sender domain acme\.test is local.*softfail/);
  });

  it('refuses a local From: behind a foreign envelope sender', async () => {
    const r = await sendAs(IP.good, 'news@sender.test', message('ceo@acme.test', 'spoof-from'));
    expect(r.mail.code).toBe(250);
    expect(r.data?.code).toBe(550);
    expect(r.data?.text).toMatch(/From header domain acme\.test is local/);
  });

  it('answers 451 4.7.24 when SPF for the local domain cannot be evaluated (DNS timeout)', async () => {
    const { client } = await connectAs(IP.stranger);
    const mail = await client.cmd('MAIL FROM:<ceo@other.test>');
    await client.quit();
    expect(mail.code).toBe(451);
    expect(mail.text).toMatch(/^4\.7\.24 envelope sender domain other\.test is local.*temperror/);
  });

  it('answers 4xx, never 5xx or 250, when it cannot tell whether the domain is local', async () => {
    const bridge = t.stack.process('ldap-bridge');
    await bridge.stop();
    try {
      const { client } = await connectAs(IP.stranger);
      const mail = await client.cmd('MAIL FROM:<ceo@acme.test>');
      await client.quit();
      expect(mail.code).toBe(451);
      expect(mail.text).toMatch(/4\.4\.3/);
    } finally {
      await bridge.start();
    }
  });

  it('accepts the same mail from the backup MX listed in the SPF record', async () => {
    const r = await sendAs(IP.backupMx, 'ceo@acme.test', message('ceo@acme.test', 'via-backup-mx'));
    expect(r.data?.code).toBe(250);
    expect(authResults(await delivered('via-backup-mx'))[0]).toMatch(/spf=pass smtp\.mailfrom=acme\.test/);
  });
});

describe('authenticated submissions', () => {
  it('are not checked: a client from an address outside the SPF record of its domain logs in and sends as its own domain', async () => {
    // XCLIENT keeps the submission port (DESTPORT), so this is a public client on 465.
    const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true });
    expect((await client.ehlo()).code).toBe(250);
    expect((await client.cmd(`XCLIENT ADDR=${IP.stranger} DESTPORT=${t.ports.submissions}`)).code).toBe(220);
    expect((await client.ehlo('laptop.example')).code).toBe(250);
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
    const r = await client.send('alice@acme.test', ['alice@acme.test'], message('alice@acme.test', 'submitted'));
    await client.quit();
    expect(r.data?.code).toBe(250);
    const source = await delivered('submitted');
    expect(header(source, 'X-Mailserver-Rdns')).toEqual([]);
    expect(authResults(source).join(' ')).not.toMatch(/spf=|dkim=|dmarc=/);
  });
});

describe('DNSBL (mailctl settings dnsbl)', () => {
  const mailctl = (...args: string[]) => runMailctl(['--data-dir', t.dataDir, ...args]);

  it('shows the default zone and refuses a bad one, changing nothing', async () => {
    expect((await mailctl('settings', 'dnsbl', 'show')).stdout).toBe('zen.spamhaus.org\n');
    const bad = await mailctl('settings', 'dnsbl', 'set', 'bl.test,not a zone');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/'not a zone' is not a DNS zone name/);
    expect(JSON.parse((await mailctl('settings', 'dnsbl', 'show', '--json')).stdout)).toEqual({ zones: ['zen.spamhaus.org'] });
  });

  it('refuses a listed client with 5xx naming the list once the zones are set, live', async () => {
    const set = await mailctl('settings', 'dnsbl', 'set', 'bl.test, slow.test');
    expect(set.stdout).toBe('DNSBL zones: bl.test, slow.test\n');
    // Haraka notices the new dns-list.ini on its own; wait until the zones are in force.
    const refused = await waitFor('the listed client refused', async () => {
      const { client, greeting } = await connectAs(IP.listed);
      await client.quit();
      return greeting.code === 220 ? undefined : greeting;
    });
    expect(refused.code).toBe(554);
    expect(refused.text).toMatch(/198\.18\.0\.66.* listed on bl\.test/);
  });

  it('accepts an unlisted client', async () => {
    expect((await sendAs(IP.good, 'a@nodmarc.test', message('a@nodmarc.test', 'unlisted'))).data?.code).toBe(250);
  });

  it('fails open when a list does not answer (1 s configured DNS timeout)', async () => {
    const started = Date.now();
    const r = await sendAs(IP.slow, 'a@nodmarc.test', message('a@nodmarc.test', 'dnsbl-timeout'));
    expect(r.data?.code).toBe(250);
    expect(dns.queries).toContain('78.0.18.198.slow.test/A');
    // dns-list's own 25 s timeout would show here; the configured cap is 1 s.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('never applies the DNSBL on the submission port', async () => {
    const { client, greeting } = await connectAs(IP.listed, t.ports.submission, ` DESTPORT=${t.ports.submission}`);
    await client.quit();
    expect(greeting.code).toBe(220);
  });
});
