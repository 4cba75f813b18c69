/**
 * The mail event log end to end: the real stack records what it did — a delivery, a
 * refusal at RCPT, failed IMAP and SMTP logins with the client's address, an outbound
 * bounce — and mailctl's changes with who made them; `mailctl events` reads it back,
 * filtered by type and text.
 */
import { runMailctl } from '../orchestrator/src/cli/testing';
import { imapCanLogin, PASSWORDS, populate } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

interface ListedEvent {
  id: number;
  ts: string;
  type: string;
  data: Record<string, unknown>;
}

async function events(...args: string[]): Promise<ListedEvent[]> {
  const r = await runMailctl(['--data-dir', t.dataDir, 'events', '--json', '--per-page', '1000', ...args], { env: { MAIL_HOSTNAME: 'mail.test' } });
  if (r.code !== 0) throw new Error(`mailctl events: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { events: ListedEvent[] }).events;
}

/** Waits until `mailctl events` shows an event matching (the collector reads every second). */
function eventAppears(what: string, match: (e: ListedEvent) => boolean, ...args: string[]): Promise<ListedEvent> {
  return waitFor(what, async () => (await events(...args)).find(match));
}

it('records a delivery and a refusal at RCPT with sender, recipient and reason', async () => {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const sent = await client.send('joe@sender.test', ['alice@acme.test'], testMessage({ from: 'joe@sender.test', to: 'alice@acme.test', subject: 'logged' }));
  expect(sent.data?.code).toBe(250);
  const refused = await client.send('joe@sender.test', ['nobody@acme.test'], testMessage({ from: 'joe@sender.test', to: 'nobody@acme.test', subject: 'x' }));
  expect(refused.rcpt[0]?.code).toBe(550);
  await client.quit();

  const delivery = await eventAppears('the delivery', (e) => e.type === 'received' && e.data['from'] === 'joe@sender.test', '--type', 'received');
  expect(delivery.data).toMatchObject({ to: ['alice@acme.test'], remote: '127.0.0.1' });
  const rejection = await eventAppears('the refusal', (e) => e.data['rcpt'] === 'nobody@acme.test', '--type', 'rejected');
  expect(rejection.data).toMatchObject({ permanent: true, hook: 'rcpt', from: 'joe@sender.test', remote: '127.0.0.1' });
  expect(String(rejection.data['reason'])).toMatch(/5\.1\.1/);
});

it('records failed logins over IMAP and SMTP AUTH with the client address, and a good one', async () => {
  expect(await imapCanLogin(t.ports.imaps, 'bob@acme.test', 'wrong-password')).toBe(false);
  expect(await imapCanLogin(t.ports.imaps, 'carol@acme.test', PASSWORDS.carol)).toBe(true);
  const { client } = await SmtpClient.connect(t.ports.submission);
  await client.ehlo();
  await client.starttls();
  await client.ehlo();
  expect((await client.authPlain('alice@acme.test', 'not-her-password')).code).toBe(535);
  await client.quit();

  const imapFail = await eventAppears('the failed IMAP login', (e) => e.data['user'] === 'bob@acme.test' && e.data['service'] === 'imap', '--type', 'login');
  expect(imapFail.data).toMatchObject({ success: false, remote: '127.0.0.1' });
  await eventAppears('the good IMAP login', (e) => e.data['user'] === 'carol@acme.test' && e.data['success'] === true, '--type', 'login');
  const smtpFail = await eventAppears('the failed SMTP AUTH', (e) => e.data['service'] === 'smtp' && e.data['user'] === 'alice@acme.test', '--type', 'login');
  expect(smtpFail.data).toMatchObject({ success: false, remote: '127.0.0.1' });
});

it("records mailctl's changes with who made them, never option values, and finds them by text", async () => {
  const add = await runMailctl(['--data-dir', t.dataDir, 'user', 'add', 'dave', '--password', 'dave-secret-4444'], { env: { MAIL_HOSTNAME: 'mail.test' } });
  expect(add.code).toBe(0);
  const change = await eventAppears('the admin event', (e) => e.type === 'admin' && e.data['action'] === 'user add', '--search', 'dave');
  expect(change.data).toMatchObject({ target: 'dave', actor: expect.stringMatching(/^mailctl \(/) });
  expect(JSON.stringify(await events())).not.toContain('dave-secret-4444');
  // Reads are not changes.
  await runMailctl(['--data-dir', t.dataDir, 'user', 'list'], { env: {} });
  expect((await events('--type', 'admin')).filter((e) => e.data['action'] === 'user list')).toEqual([]);
});

it('refuses an unknown event type with a usage error', async () => {
  const r = await runMailctl(['--data-dir', t.dataDir, 'events', '--type', 'gossip'], { env: {} });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown event type gossip/);
});
