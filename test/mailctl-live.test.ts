/**
 * mailctl against a running stack: what it changes takes effect at once.
 * - App mailboxes: the generated password that `mailbox add --owner-type app` prints
 *   logs in over IMAPS and submission, and the app may send as its address.
 * - `settings set DOMAIN masquerade on|off` switches the sender check (core/src/sender.ts).
 */
import { runMailctl } from '../orchestrator/src/cli/testing';
import { imapCanLogin, PASSWORDS, populate } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
});
afterAll(async () => {
  await t?.stop();
});

async function mailctl(...args: string[]): Promise<string> {
  const result = await runMailctl(['--data-dir', t.dataDir, ...args], { env: { MAIL_HOSTNAME: 'mail.test' } });
  if (result.code !== 0) throw new Error(`mailctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function submission(user: string, password: string): Promise<{ client: SmtpClient; auth: number }> {
  const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true });
  await client.ehlo();
  return { client, auth: (await client.authPlain(user, password)).code };
}

async function sendAs(user: string, password: string, from: string): Promise<number | undefined> {
  const { client, auth } = await submission(user, password);
  expect(auth).toBe(235);
  const message = testMessage({ from, to: 'bob@acme.test', subject: `from ${from}` });
  const sent = await client.send(from, ['bob@acme.test'], message);
  await client.quit();
  return sent.data?.code ?? sent.mail.code;
}

describe('app mailboxes', () => {
  it('prints generated credentials once that work over IMAPS and submission', async () => {
    type Added = { credentials: { username: string; password: string; smtp: { host: string; port: number }[] } };
    const out = await mailctl('mailbox', 'add', 'crm.app@acme.test', '--owner', 'crm', '--owner-type', 'app', '--json');
    const { credentials } = JSON.parse(out) as Added;
    expect(credentials.username).toBe('crm.app@acme.test');
    expect(credentials.smtp).toContainEqual({ host: 'mail.test', port: t.ports.submissions, security: 'tls' });
    expect(await imapCanLogin(t.ports.imaps, 'crm.app@acme.test', credentials.password)).toBe(true);
    expect(await imapCanLogin(t.ports.imaps, 'crm.app@acme.test', 'not-the-password')).toBe(false);
    expect(await sendAs('crm.app@acme.test', credentials.password, 'crm.app@acme.test')).toBe(250);
  });
});

describe('settings set DOMAIN masquerade', () => {
  it('lets alice send as another address while on, and refuses it (550) once off again', async () => {
    expect(await sendAs('alice@acme.test', PASSWORDS.alice, 'carol@acme.test')).toBe(550);
    await mailctl('settings', 'set', 'acme.test', 'masquerade', 'on');
    expect(JSON.parse(await mailctl('settings', 'show', 'acme.test', '--json'))).toMatchObject({ settings: { masquerade: true } });
    expect(await sendAs('alice@acme.test', PASSWORDS.alice, 'carol@acme.test')).toBe(250);
    await mailctl('settings', 'set', 'acme.test', 'masquerade', 'off');
    expect(await sendAs('alice@acme.test', PASSWORDS.alice, 'carol@acme.test')).toBe(550);
  });
});
