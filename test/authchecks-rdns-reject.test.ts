/**
 * `"rdnsReject": true` in config.json: MX clients without forward-confirmed reverse DNS
 * are refused at connect; one with it is served. (By default only a header, see
 * authchecks.test.ts.)
 */
import { TestDnsServer } from './helpers/dns-server';
import { SmtpClient } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

let t: TestStack;
let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.setRecords([
    { type: 'PTR', name: TestDnsServer.reverseName('198.18.2.10'), target: 'mx.fcrdns.test' },
    { type: 'A', name: 'mx.fcrdns.test', address: '198.18.2.10' },
  ]);
  t = await startTestStack({ rdnsReject: true }, { MAIL_DNS_SERVERS: dns.address, MAIL_TEST_XCLIENT: '1' });
});
afterAll(async () => {
  await t?.stop();
  await dns?.stop();
});

async function greetingFor(ip: string) {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const greeting = await client.cmd(`XCLIENT ADDR=${ip}`);
  await client.quit();
  return greeting;
}

it('refuses a client without a PTR record', async () => {
  const greeting = await greetingFor('198.18.2.11');
  expect(greeting.code).toBe(554);
  expect(greeting.text).toMatch(/5\.7\.25 .*198\.18\.2\.11 \(none\)/);
});

it('serves a client whose PTR name resolves back to it', async () => {
  expect((await greetingFor('198.18.2.10')).code).toBe(220);
});
