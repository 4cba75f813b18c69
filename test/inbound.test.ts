/**
 * Inbound mail end to end: real Haraka → LMTP → Dovecot, read back over IMAPS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { imapLogin, PASSWORDS, populate, subjects } from './helpers/fixtures';
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

async function sendMx(to: string[], subject: string, from = 'sender@remote.test') {
  const { client, greeting } = await SmtpClient.connect(t.ports.smtp);
  expect(greeting.code).toBe(220);
  expect((await client.ehlo()).code).toBe(250);
  const result = await client.send(from, to, testMessage({ from, to: to[0] ?? '', subject }));
  await client.quit();
  return result;
}

describe('recipient routing on the SMTP port', () => {
  it.each([
    ['a mailbox', 'alice@acme.test', 'to-mailbox'],
    ['an alias', 'al@acme.test', 'to-alias'],
    ['a cross-domain alias', 'alice@other.test', 'to-cross-domain-alias'],
    ['a +tag', 'alice+shopping@acme.test', 'to-subaddress'],
    ['a +tag on an alias', 'al+x@acme.test', 'to-alias-subaddress'],
  ])('delivers to %s into the mailbox', async (_what, rcpt, subject) => {
    const r = await sendMx([rcpt], subject);
    expect(r.rcpt[0]?.code).toBe(250);
    expect(r.data?.code).toBe(250);
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).toContain(subject);
  });

  it('sends unknown addresses of a domain with a catch-all to the catch-all mailbox', async () => {
    const r = await sendMx(['nobody@other.test'], 'to-catch-all');
    expect(r.data?.code).toBe(250);
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('to-catch-all');
  });

  it('answers 550 at RCPT for an unknown address without catch-all', async () => {
    const r = await sendMx(['nobody@acme.test'], 'unknown');
    expect(r.rcpt[0]?.code).toBe(550);
  });

  it('answers 550 for a disabled mailbox, and delivers again once enabled', async () => {
    await t.services.setMailboxActive('carol@acme.test', false);
    expect((await sendMx(['carol@acme.test'], 'while-disabled')).rcpt[0]?.code).toBe(550);
    await t.services.setMailboxActive('carol@acme.test', true);
    expect((await sendMx(['carol@acme.test'], 'after-enable')).data?.code).toBe(250);
  });

  it('delivers a disabled mailbox to the catch-all when the domain has one', async () => {
    await t.services.addMailbox({ address: 'dora@other.test', owner: 'carol' });
    await t.services.setMailboxActive('dora@other.test', false);
    expect((await sendMx(['dora@other.test'], 'disabled-to-catch-all')).data?.code).toBe(250);
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('disabled-to-catch-all');
  });

  it('is not an open relay', async () => {
    const r = await sendMx(['victim@elsewhere.test'], 'relay attempt');
    expect(r.rcpt[0]?.code).toBe(550);
  });

  it('delivers one copy to each distinct mailbox of a multi-recipient message', async () => {
    const r = await sendMx(['alice@acme.test', 'bob@acme.test', 'al@acme.test'], 'multi');
    expect(r.rcpt.map((x) => x.code)).toEqual([250, 250, 250]);
    expect(r.data?.code).toBe(250);
    const inAlice = (await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).filter((s) => s === 'multi');
    expect(inAlice).toHaveLength(1);
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('multi');
  });
});

describe('mailbox storage', () => {
  it('creates Inbox, Sent, Drafts, Trash, Archive and Spam with special-use flags, subscribed', async () => {
    const client = await imapLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice);
    const list = await client.list();
    await client.logout();
    const byPath = new Map(list.map((m) => [m.path, m]));
    expect([...byPath.keys()].sort()).toEqual(expect.arrayContaining(['Archive', 'Drafts', 'INBOX', 'Sent', 'Spam', 'Trash']));
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
    expect(byPath.get('Drafts')?.specialUse).toBe('\\Drafts');
    expect(byPath.get('Trash')?.specialUse).toBe('\\Trash');
    expect(byPath.get('Archive')?.specialUse).toBe('\\Archive');
    expect(byPath.get('Spam')?.specialUse).toBe('\\Junk');
    for (const name of ['Sent', 'Drafts', 'Trash', 'Archive', 'Spam']) expect(byPath.get(name)?.subscribed).toBe(true);
  });

  it('keeps one maildir per mailbox under vmail/<address>', () => {
    expect(fs.existsSync(path.join(t.dataDir, 'vmail', 'alice@acme.test'))).toBe(true);
  });

  it('keeps mail and the directory across a restart', async () => {
    await sendMx(['bob@acme.test'], 'before-restart');
    await t.restart();
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('before-restart');
    expect((await sendMx(['bob@acme.test'], 'after-restart')).data?.code).toBe(250);
  });
});

describe('when a dependency is down', () => {
  it('answers 4xx at RCPT while the LDAP bridge is down, never 5xx or 250', async () => {
    const bridge = t.stack.process('ldap-bridge');
    await bridge.stop();
    try {
      const r = await sendMx(['alice@acme.test'], 'bridge-down');
      expect(r.rcpt[0]?.code).toBeGreaterThanOrEqual(400);
      expect(r.rcpt[0]?.code).toBeLessThan(500);
    } finally {
      await bridge.start();
    }
  });

  it('answers 4xx after DATA while Dovecot is down, and the mail is not acknowledged', async () => {
    const dovecot = t.stack.process('dovecot');
    await dovecot.stop();
    try {
      const r = await sendMx(['alice@acme.test'], 'dovecot-down');
      expect(r.rcpt[0]?.code).toBe(250);
      expect(r.data?.code).toBeGreaterThanOrEqual(400);
      expect(r.data?.code).toBeLessThan(500);
    } finally {
      await dovecot.start();
    }
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).not.toContain('dovecot-down');
  });

  it('restarts a crashed service by itself', async () => {
    const bridge = t.stack.process('ldap-bridge');
    const pid = bridge.pid;
    const back = new Promise<void>((resolve) => bridge.on('state', (s: string) => s === 'running' && resolve()));
    bridge.kill('SIGKILL');
    await back;
    expect(bridge.pid).not.toBe(pid);
    expect((await sendMx(['alice@acme.test'], 'after-crash')).data?.code).toBe(250);
  });
});
