/**
 * Per-domain incoming mail (spec "Enable Email"), live against the real stack: switched
 * off with mailctl, the domain is send-only — RCPT TO any of its addresses gets 550 5.7.1
 * on the MX port and on submission, while its users still log in, read and send (to
 * other local domains too); switched on again through the API, mail arrives again.
 */
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import { runMailctl } from '../orchestrator/src/cli/testing';
import { imapCanLogin, PASSWORDS, populate, subjects } from './helpers/fixtures';
import { SmtpClient, testMessage, type Reply } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
  // A mailbox in the other domain, so mail from acme.test has a local recipient elsewhere.
  await t.services.addMailbox({ address: 'dave@other.test', owner: 'carol' });
});
afterAll(async () => {
  await t?.stop();
});

async function mailctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await runMailctl(['--data-dir', t.dataDir, ...args], { env: { MAIL_HOSTNAME: 'mail.test' } });
  return { code: result.code ?? -1, stdout: result.stdout, stderr: result.stderr };
}

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const token = fs.readFileSync(dataPaths(t.dataDir).apiToken, 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${t.ports.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** One message from outside on the MX port; the RCPT replies and the DATA reply. */
async function inbound(to: string[], subject: string): Promise<{ rcpt: Reply[]; data?: number }> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const sent = await client.send('x@remote.test', to, testMessage({ from: 'x@remote.test', to: to.join(', '), subject }));
  await client.quit();
  return { rcpt: sent.rcpt, ...(sent.data ? { data: sent.data.code } : {}) };
}

/** alice submits (implicit TLS, AUTH) as alice@acme.test. */
async function submitAsAlice(to: string[], subject: string): Promise<{ rcpt: Reply[]; data?: number }> {
  const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true });
  await client.ehlo();
  expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
  const sent = await client.send('alice@acme.test', to, testMessage({ from: 'alice@acme.test', to: to.join(', '), subject }));
  await client.quit();
  return { rcpt: sent.rcpt, ...(sent.data ? { data: sent.data.code } : {}) };
}

const NOT_HERE = /^5\.7\.1 <.+>: this domain does not receive mail here$/;

describe('incoming mail switched off (mailctl) and on (API)', () => {
  it('refuses every acme.test address at RCPT while off, and only those', async () => {
    const off = await mailctl('domain', 'set', 'acme.test', '--incoming', 'off');
    expect(off).toMatchObject({ code: 0, stdout: 'incoming mail off for acme.test\n' });
    expect(JSON.parse((await mailctl('domain', 'list', '--json')).stdout)).toMatchObject({
      domains: [{ name: 'acme.test', incoming: false }, { name: 'other.test', incoming: true }],
    });

    // Mailbox, alias, group mailbox and an unknown address alike: 550 5.7.1, not 5.1.1.
    const addresses = ['alice@acme.test', 'al@acme.test', 'team@acme.test', 'nobody@acme.test'];
    const refused = await inbound(addresses, 'while-off');
    expect(refused.rcpt.map((r) => r.code)).toEqual([550, 550, 550, 550]);
    for (const reply of refused.rcpt) expect(reply.text).toMatch(NOT_HERE);
    expect(refused.data).toBeUndefined();

    // The other domain still receives (its mailbox, its catch-all).
    const elsewhere = await inbound(['dave@other.test'], 'other-still-receives');
    expect(elsewhere.rcpt.map((r) => r.code)).toEqual([250]);
    expect(elsewhere.data).toBe(250);
    expect(await subjects(t.ports.imaps, 'dave@other.test', PASSWORDS.carol)).toContain('other-still-receives');
  });

  it('lets alice of the send-only domain log in and send to another local domain; her own domain refuses', async () => {
    expect(await imapCanLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).toBe(true);
    const sent = await submitAsAlice(['dave@other.test', 'bob@acme.test'], 'from-send-only');
    expect(sent.rcpt[0]?.code).toBe(250);
    expect(sent.rcpt[1]?.code).toBe(550);
    expect(sent.rcpt[1]?.text).toMatch(NOT_HERE);
    expect(sent.data).toBe(250);
    expect(await subjects(t.ports.imaps, 'dave@other.test', PASSWORDS.carol)).toContain('from-send-only');
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).not.toContain('from-send-only');
  });

  it('delivers again once switched on through the API, without a restart', async () => {
    expect(await api('POST', '/api/v1/mail/acme.test/enable', { enabled: true })).toEqual({ status: 200, body: { enabled: true } });
    expect((await api('GET', '/api/v1/domains/acme.test')).body).toMatchObject({ domain: 'acme.test', incoming: true });
    const back = await inbound(['alice@acme.test', 'al@acme.test'], 'after-on');
    expect(back.rcpt.map((r) => r.code)).toEqual([250, 250]);
    expect(back.data).toBe(250);
    expect((await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).filter((s) => s === 'after-on')).toHaveLength(1);
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).not.toContain('while-off');
  });

  it('refuses bad input from mailctl and the API, changing nothing', async () => {
    expect(await mailctl('domain', 'set', 'ghost.test', '--incoming', 'off')).toMatchObject({ code: 1, stderr: expect.stringMatching(/ghost\.test does not exist/) });
    expect(await mailctl('domain', 'set', 'acme.test', '--incoming', 'maybe')).toMatchObject({ code: 2, stderr: expect.stringMatching(/on or off/) });
    expect((await api('POST', '/api/v1/mail/ghost.test/enable', { enabled: false })).status).toBe(404);
    expect((await api('POST', '/api/v1/mail/acme.test/enable', { enabled: 'off' })).status).toBe(400);
    expect(await api('GET', '/api/v1/mail/acme.test/enable')).toEqual({ status: 200, body: { enabled: true } });
  });
});
