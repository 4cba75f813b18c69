/**
 * The REST API as `npm start` runs it: inside the stack, with the first token from
 * secrets/. max_email_size changes what Haraka enforces without a restart (EHLO SIZE,
 * MAIL SIZE=, DATA) and survives one; deleting a mailbox through the API makes its
 * mail bounce or go to the catch-all, archives its mail by default, removes it with
 * deleteMails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataPaths } from '@mail/orchestrator';
import { imapCanLogin, PASSWORDS, populate, subjects } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let t: TestStack;
let token: string;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
  token = fs.readFileSync(dataPaths(t.dataDir).apiToken, 'utf8').trim();
});
afterAll(async () => {
  await t?.stop();
});

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${t.ports.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function ehloSize(): Promise<number | undefined> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  const ehlo = await client.ehlo();
  await client.quit();
  const line = ehlo.text.split('\n').find((l) => l.startsWith('SIZE '));
  return line ? Number(line.slice(5)) : undefined;
}

const bigBody = (bytes: number): string => `${'x'.repeat(76)}\r\n`.repeat(Math.ceil(bytes / 78));

async function deliver(to: string, subject: string, bodyBytes = 100): Promise<{ rcpt: number; data?: number }> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const sent = await client.send('x@remote.test', [to], testMessage({ from: 'x@remote.test', to, subject, body: bigBody(bodyBytes) }));
  await client.quit();
  return { rcpt: sent.rcpt[0]?.code ?? 0, ...(sent.data ? { data: sent.data.code } : {}) };
}

describe('the API in the stack', () => {
  it('creates the first token in secrets/ with mode 0600 and serves on loopback', async () => {
    const file = dataPaths(t.dataDir).apiToken;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect((await call('GET', '/api/v1/domains')).body).toMatchObject({ domains: [{ domain: 'acme.test' }, { domain: 'other.test' }] });
  });

  it('max_email_size applies to SMTP at once, without restarting Haraka', async () => {
    const harakaPid = t.stack.process('haraka').pid;
    expect(await ehloSize()).toBe(26214400);
    expect((await call('POST', '/api/v1/mailserver/max_email_size', { size: 8192 })).body).toEqual({ size: 8192 });
    await waitFor('EHLO SIZE 8192', async () => ((await ehloSize()) === 8192 ? true : undefined));

    const { client } = await SmtpClient.connect(t.ports.smtp);
    await client.ehlo();
    const mail = await client.cmd('MAIL FROM:<x@remote.test> SIZE=9000');
    expect(mail.code).toBe(552);
    expect(mail.text).toMatch(/^5\.3\.4 /);
    await client.cmd('RSET');
    await client.quit();
    expect(await deliver('bob@acme.test', 'too big now', 10_000)).toEqual({ rcpt: 250, data: 552 });

    expect((await call('POST', '/api/v1/mailserver/max_email_size', { size: 65536 })).status).toBe(200);
    await waitFor('EHLO SIZE 65536', async () => ((await ehloSize()) === 65536 ? true : undefined));
    expect(await deliver('bob@acme.test', 'fits again', 10_000)).toEqual({ rcpt: 250, data: 250 });
    expect(t.stack.process('haraka').pid).toBe(harakaPid);
  });

  it('keeps the size set at run time across a restart', async () => {
    await t.restart();
    expect(await ehloSize()).toBe(65536);
    expect((await call('GET', '/api/v1/mailserver/max_email_size')).body).toEqual({ size: 65536 });
  });
});

describe('mailbox lifecycle through the API', () => {
  const archived = (address: string): string[] => {
    const dir = path.join(dataPaths(t.dataDir).vmail, 'archived');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => d.startsWith(`${address}.`)) : [];
  };

  it('a deleted mailbox bounces at RCPT, and its mail is archived by default', async () => {
    expect(await deliver('carol@acme.test', 'before delete')).toEqual({ rcpt: 250, data: 250 });
    expect(await subjects(t.ports.imaps, 'carol@acme.test', PASSWORDS.carol)).toEqual(['before delete']);
    expect(await call('DELETE', '/api/v1/mail/acme.test/mailboxes/carol')).toEqual({ status: 200, body: { deleteMails: false, archived: true } });
    expect((await deliver('carol@acme.test', 'after delete')).rcpt).toBe(550);
    const [dir] = archived('carol@acme.test');
    expect(dir).toBeDefined();
    expect(fs.readdirSync(path.join(dataPaths(t.dataDir).vmail, 'archived', dir ?? '', 'Maildir', 'cur')).length
      + fs.readdirSync(path.join(dataPaths(t.dataDir).vmail, 'archived', dir ?? '', 'Maildir', 'new')).length).toBe(1);
  });

  it('with a catch-all, mail to the deleted address goes there', async () => {
    expect((await call('POST', '/api/v1/mail/acme.test/catch_all', { addresses: ['bob@acme.test'] })).status).toBe(200);
    expect(await deliver('carol@acme.test', 'to the catch-all')).toEqual({ rcpt: 250, data: 250 });
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('to the catch-all');
  });

  it('deleteMails removes the mail instead of archiving it', async () => {
    expect(await deliver('alice@acme.test', 'for alice')).toEqual({ rcpt: 250, data: 250 });
    const home = path.join(dataPaths(t.dataDir).vmail, 'alice@acme.test');
    expect(fs.existsSync(home)).toBe(true);
    expect(await call('DELETE', '/api/v1/mail/acme.test/mailboxes/alice', { deleteMails: true })).toEqual({
      status: 200,
      body: { deleteMails: true, archived: false },
    });
    expect(fs.existsSync(home)).toBe(false);
    expect(archived('alice@acme.test')).toEqual([]);
  });
});

describe('event log', () => {
  type Event = { type: string; source: string; actor: string | null; remote: string | null; message: string; details: Record<string, unknown> };
  const find = (query: string, match: (e: Event) => boolean): Promise<Event> =>
    waitFor(`event ${query}`, async () => {
      const { body } = await call('GET', `/api/v1/mailserver/eventlog?${query}&per_page=1000`);
      return (body as { eventlogs: Event[] }).eventlogs.find(match);
    });

  it('has the deliveries with their mailbox and outcome', async () => {
    const e = await find('types=delivery&search=bob@acme.test', (x) => x.actor === 'bob@acme.test');
    expect(e).toMatchObject({ source: 'haraka', message: 'delivered to bob@acme.test', details: { status: 'delivered' } });
  });

  it('has the rejections with the reason, the recipient and the client address', async () => {
    const unknown = await find('types=rejection', (x) => x.actor === 'carol@acme.test' && x.details['hook'] === 'rcpt');
    expect(unknown).toMatchObject({ source: 'haraka', remote: '127.0.0.1', details: { plugin: 'mail-routing', permanent: true } });
    expect(unknown.message).toContain('no such mailbox');
    const size = await find('types=rejection&search=5.3.4', (x) => x.details['hook'] === 'data_post');
    expect(size).toMatchObject({ details: { plugin: 'mail-auth' } });
  });

  it('has failed logins (IMAP through Dovecot, SMTP AUTH through Haraka) with the remote address', async () => {
    expect(await imapCanLogin(t.ports.imaps, 'bob@acme.test', 'wrong-password')).toBe(false);
    const imap = await find('types=login&search=bob@acme.test', (x) => x.source === 'dovecot' && x.details['success'] === false);
    expect(imap).toMatchObject({ actor: 'bob@acme.test', remote: '127.0.0.1', message: 'login failed for bob@acme.test: password mismatch' });
    const ok = await find('types=login&search=bob@acme.test', (x) => x.source === 'dovecot' && x.details['success'] === true);
    expect(ok).toMatchObject({ remote: '127.0.0.1', details: { service: 'imap' } });

    const { client } = await SmtpClient.connect(t.ports.submission);
    await client.ehlo();
    await client.starttls();
    await client.ehlo();
    expect((await client.authPlain('bob@acme.test', 'wrong-password')).code).toBe(535);
    await client.quit();
    const smtp = await find('types=login&search=smtp', (x) => x.actor === 'bob@acme.test' && x.details['success'] === false);
    expect(smtp).toMatchObject({ source: 'haraka', remote: '127.0.0.1', details: { service: 'smtp' } });
  });

  it('has the administrative changes: who, what, when', async () => {
    const e = await find('types=admin&search=max_email_size', () => true);
    expect(e).toMatchObject({ source: 'api', actor: 'admin', message: 'POST /api/v1/mailserver/max_email_size' });
  });
});

describe('stopping the stack', () => {
  it('stops the API with it', async () => {
    await t.stack.stop();
    await expect(fetch(`http://127.0.0.1:${t.ports.api}/api/v1/openapi.json`)).rejects.toThrow();
  });
});
