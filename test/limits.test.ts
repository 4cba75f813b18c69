/**
 * Per-message limits on the MX and the submission port: the size limit advertised in
 * EHLO (RFC 1870) and refused with 552 5.3.4 at MAIL SIZE= and after DATA
 * (RFC 5321 §4.5.3.1.10), and at most 500 recipients (the 501st gets 452 4.5.3).
 */
import { PASSWORDS, populate } from './helpers/fixtures';
import { SmtpClient, testMessage, type Reply } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

const LIMIT = 64 * 1024;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ maxMessageSize: LIMIT });
  await populate(t.services);
});
afterAll(async () => {
  await t?.stop();
});

type Session = { client: SmtpClient; ehlo: Reply; from: string };

async function mxSession(): Promise<Session> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  return { client, ehlo: await client.ehlo(), from: 'x@remote.test' };
}

async function submissionSession(): Promise<Session> {
  const { client } = await SmtpClient.connect(t.ports.submission);
  await client.ehlo();
  expect((await client.starttls()).code).toBe(220);
  const ehlo = await client.ehlo();
  expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
  return { client, ehlo, from: 'alice@acme.test' };
}

const bigBody = (bytes: number): string => `${'x'.repeat(76)}\r\n`.repeat(Math.ceil(bytes / 78));

describe.each([
  ['MX', mxSession],
  ['submission', submissionSession],
])('size limit on the %s port', (_name, open) => {
  it('advertises SIZE with the configured limit (RFC 1870 §4)', async () => {
    const { client, ehlo } = await open();
    expect(ehlo.text.split('\n')).toContain(`SIZE ${LIMIT}`);
    await client.quit();
  });

  it('refuses MAIL FROM with SIZE= above the limit with 552 5.3.4', async () => {
    const { client, from } = await open();
    const mail = await client.cmd(`MAIL FROM:<${from}> SIZE=${LIMIT + 1}`);
    expect(mail.code).toBe(552);
    expect(mail.text).toMatch(/^5\.3\.4 /);
    expect((await client.cmd(`MAIL FROM:<${from}> SIZE=${LIMIT - 1}`)).code).toBe(250);
    await client.quit();
  });

  it('refuses a message larger than the limit with 552 5.3.4 after DATA, accepts a smaller one', async () => {
    const { client, from } = await open();
    const big = testMessage({ from, to: 'bob@acme.test', subject: 'too big', body: bigBody(LIMIT + 1000) });
    const refused = await client.send(from, ['bob@acme.test'], big);
    expect(refused.data?.code).toBe(552);
    expect(refused.data?.text).toMatch(/^5\.3\.4 /);
    const small = testMessage({ from, to: 'bob@acme.test', subject: 'fits', body: bigBody(LIMIT / 2) });
    expect((await client.send(from, ['bob@acme.test'], small)).data?.code).toBe(250);
    await client.quit();
  });
});

describe('recipient limit', () => {
  it('accepts 500 recipients and answers the 501st with 452 4.5.3', async () => {
    const { client, from } = await mxSession();
    expect((await client.cmd(`MAIL FROM:<${from}>`)).code).toBe(250);
    // RFC 2920 pipelining: all 501 RCPTs in one write, one reply line each, in order.
    const rcpts = Array.from({ length: 501 }, (_v, i) => `RCPT TO:<bob+r${i + 1}@acme.test>\r\n`);
    client.conn.write(rcpts.join(''));
    const replies = await client.conn.read((lines) => lines.length >= 501, 60_000);
    expect(replies.slice(0, 500).filter((line) => !line.startsWith('250 '))).toEqual([]);
    expect(replies[500]).toMatch(/^452 4\.5\.3 /);
    await client.quit();
  });
});
