/**
 * The bundled local resolver: with `"unbound": {"enabled": true}` the supervisor starts
 * unbound on loopback before Haraka, and every lookup of Haraka's goes through it. Here
 * unbound forwards to the loopback test DNS server (a real appliance recurses from
 * the root servers instead), so an SPF pass and a forward-confirmed rDNS for a
 * presented client prove the whole chain. (Names under .example: unbound answers
 * RFC 6761 `test.` itself, as a local zone.)
 */
import fs from 'node:fs';
import { populate } from './helpers/fixtures';
import { TestDnsServer } from './helpers/dns-server';
import { SmtpClient, testMessage } from './helpers/smtp';
import { freePort, startTestStack, type TestStack } from './helpers/stack';
import { imapLogin, PASSWORDS } from './helpers/fixtures';

const CLIENT = '198.18.1.10';
let t: TestStack;
let dns: TestDnsServer;
let resolverPort: number;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.setRecords([
    { type: 'TXT', name: 'via-unbound.example', text: `v=spf1 ip4:${CLIENT} -all` },
    { type: 'PTR', name: TestDnsServer.reverseName(CLIENT), target: 'mx.via-unbound.example' },
    { type: 'A', name: 'mx.via-unbound.example', address: CLIENT },
  ]);
  resolverPort = await freePort();
  t = await startTestStack({ unbound: { enabled: true, port: resolverPort, forwarders: [`127.0.0.1@${dns.port}`] } }, { MAIL_TEST_XCLIENT: '1' });
  await populate(t.services);
});
afterAll(async () => {
  await t?.stop();
  await dns?.stop();
});

it('starts unbound before Haraka and points Haraka at it', () => {
  expect(t.stack.process('unbound').state).toBe('running');
  expect(t.stack.processes.map((p) => p.spec.name)[0]).toBe('unbound');
  const pid = t.stack.process('haraka').pid;
  const environ = fs.readFileSync(`/proc/${pid ?? 0}/environ`, 'utf8').split('\0');
  expect(environ).toContain(`MAIL_DNS_SERVERS=127.0.0.1:${resolverPort}`);
});

it('answers Haraka through unbound: SPF and rDNS of a presented client', async () => {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  expect((await client.cmd(`XCLIENT ADDR=${CLIENT}`)).code).toBe(220);
  await client.ehlo('mx.via-unbound.example');
  const r = await client.send('a@via-unbound.example', ['alice@acme.test'], testMessage({ from: 'a@via-unbound.example', to: 'alice@acme.test', subject: 'via-unbound' }));
  await client.quit();
  expect(r.data?.code).toBe(250);
  const imap = await imapLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice);
  let source = '';
  try {
    const lock = await imap.getMailboxLock('INBOX');
    try {
      for await (const msg of imap.fetch('1:*', { source: true })) source = msg.source?.toString('utf8') ?? source;
    } finally {
      lock.release();
    }
  } finally {
    await imap.logout();
  }
  expect(source).toMatch(/spf=pass smtp\.mailfrom=via-unbound\.example/);
  expect(source).toContain(`X-Mailserver-Rdns: pass (${CLIENT})`);
  expect(dns.queries).toContain('via-unbound.example/TXT');
});
