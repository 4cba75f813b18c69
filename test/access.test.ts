/**
 * Client access: IMAP/POP3 logins, submission with AUTH, ManageSieve, the LDAP bridge.
 */
import { Client as LdapClient } from 'ldapts';
import { imapCanLogin, PASSWORDS, populate, subjects } from './helpers/fixtures';
import { LineClient } from './helpers/line-client';
import { ManageSieveClient } from './helpers/managesieve';
import { Pop3Client } from './helpers/pop3';
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

describe('IMAP login', () => {
  it('opens a mailbox with its full address and the owner password', async () => {
    expect(await imapCanLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).toBe(true);
  });
  it('opens a group mailbox with any member password, not a non-member one', async () => {
    expect(await imapCanLogin(t.ports.imaps, 'team@acme.test', PASSWORDS.alice)).toBe(true);
    expect(await imapCanLogin(t.ports.imaps, 'team@acme.test', PASSWORDS.bob)).toBe(true);
    expect(await imapCanLogin(t.ports.imaps, 'team@acme.test', PASSWORDS.carol)).toBe(false);
  });
  it('refuses alias addresses, wrong passwords and disabled mailboxes', async () => {
    expect(await imapCanLogin(t.ports.imaps, 'al@acme.test', PASSWORDS.alice)).toBe(false);
    expect(await imapCanLogin(t.ports.imaps, 'alice@acme.test', 'wrong-password')).toBe(false);
    await t.services.setMailboxActive('carol@acme.test', false);
    expect(await imapCanLogin(t.ports.imaps, 'carol@acme.test', PASSWORDS.carol)).toBe(false);
    await t.services.setMailboxActive('carol@acme.test', true);
    expect(await imapCanLogin(t.ports.imaps, 'carol@acme.test', PASSWORDS.carol)).toBe(true);
  });
});

describe('IMAP with STARTTLS', () => {
  it('offers STARTTLS on the IMAP port and logs in after it (RFC 3501 §6.2.1)', async () => {
    const conn = await LineClient.connect(t.ports.imap);
    const tagged = (tag: string) => (lines: string[]) => lines.some((l) => l.startsWith(`${tag} `));
    const [greeting] = await conn.read((ls) => ls.length > 0);
    expect(greeting).toMatch(/^\* OK .*STARTTLS/);
    conn.write('a STARTTLS\r\n');
    expect((await conn.read(tagged('a'))).pop()).toMatch(/^a OK/);
    await conn.upgradeTls();
    conn.write(`b LOGIN "alice@acme.test" "${PASSWORDS.alice}"\r\n`);
    expect((await conn.read(tagged('b'))).pop()).toMatch(/^b OK/);
    conn.write('c LOGOUT\r\n');
    await conn.read(tagged('c'));
    await conn.close();
  });
});

describe('POP3S', () => {
  it('is off by default and works once enabled for the mailbox', async () => {
    const { client: first, greeting } = await Pop3Client.connect(t.ports.pop3s);
    expect(greeting).toMatch(/^\+OK/);
    expect(await first.login('bob@acme.test', PASSWORDS.bob)).toBe(false);
    await first.quit();

    await t.services.setMailboxPop3('bob@acme.test', true);
    const { client: smtp } = await SmtpClient.connect(t.ports.smtp);
    await smtp.ehlo();
    const sent = await smtp.send('x@remote.test', ['bob@acme.test'], testMessage({ from: 'x@remote.test', to: 'bob@acme.test', subject: 'pop3-mail' }));
    expect(sent.data?.code).toBe(250);
    await smtp.quit();

    const { client } = await Pop3Client.connect(t.ports.pop3s);
    expect(await client.login('bob@acme.test', PASSWORDS.bob)).toBe(true);
    expect(await client.retrieve(1)).toContain('Subject: pop3-mail');
    await client.quit();

    await t.services.setMailboxPop3('bob@acme.test', false);
    const { client: again } = await Pop3Client.connect(t.ports.pop3s);
    expect(await again.login('bob@acme.test', PASSWORDS.bob)).toBe(false);
    await again.quit();
  });
});

describe('submission', () => {
  async function submission(): Promise<SmtpClient> {
    const { client, greeting } = await SmtpClient.connect(t.ports.submission);
    expect(greeting.code).toBe(220);
    return client;
  }

  it('offers and accepts AUTH only after STARTTLS', async () => {
    const client = await submission();
    const ehlo = await client.ehlo();
    expect(ehlo.text).toMatch(/STARTTLS/);
    expect(ehlo.text).not.toMatch(/AUTH/);
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBeGreaterThanOrEqual(500);
    expect((await client.cmd('MAIL FROM:<alice@acme.test>')).code).toBe(530);
    expect((await client.starttls()).code).toBe(220);
    expect((await client.ehlo()).text).toMatch(/AUTH.*PLAIN/);
    expect((await client.authPlain('alice@acme.test', 'wrong-password')).code).toBe(535);
    expect((await client.authPlain('al@acme.test', PASSWORDS.alice)).code).toBe(535);
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
    await client.quit();
  });

  it('refuses a MAIL FROM of another mailbox and allows the own alias', async () => {
    const client = await submission();
    await client.ehlo();
    await client.starttls();
    await client.ehlo();
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
    expect((await client.cmd('MAIL FROM:<bob@acme.test>')).code).toBe(550);
    const r = await client.send('al@acme.test', ['bob@acme.test'], testMessage({ from: 'al@acme.test', to: 'bob@acme.test', subject: 'from-alias' }));
    expect(r.mail.code).toBe(250);
    expect(r.data?.code).toBe(250);
    await client.quit();
    expect(await subjects(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob)).toContain('from-alias');
  });

  it('accepts remote recipients after AUTH (delivery itself: outbound.test.ts)', async () => {
    const client = await submission();
    await client.ehlo();
    await client.starttls();
    await client.ehlo();
    await client.authPlain('alice@acme.test', PASSWORDS.alice);
    expect((await client.cmd('MAIL FROM:<alice@acme.test>')).code).toBe(250);
    expect((await client.cmd('RCPT TO:<someone@elsewhere.test>')).code).toBe(250);
    // Not sent: this stack has no test DNS, and nothing may reach the real one.
    expect((await client.cmd('RSET')).code).toBe(250);
    await client.quit();
  });

  it('works over implicit TLS on the submissions port', async () => {
    const { client, greeting } = await SmtpClient.connect(t.ports.submissions, { tls: true });
    expect(greeting.code).toBe(220);
    expect((await client.ehlo()).text).toMatch(/AUTH.*PLAIN/);
    expect((await client.authPlain('team@acme.test', PASSWORDS.bob)).code).toBe(235);
    const r = await client.send('team@acme.test', ['alice@acme.test'], testMessage({ from: 'team@acme.test', to: 'alice@acme.test', subject: 'via-465' }));
    expect(r.data?.code).toBe(250);
    await client.quit();
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).toContain('via-465');
  });

  it('does not offer AUTH on the MX port', async () => {
    const { client } = await SmtpClient.connect(t.ports.smtp);
    await client.ehlo();
    await client.starttls();
    expect((await client.ehlo()).text).not.toMatch(/AUTH/);
    await client.quit();
  });
});

describe('ManageSieve', () => {
  it('uploads a filter over STARTTLS that files matching mail into a folder at delivery', async () => {
    const { client, capabilities } = await ManageSieveClient.connect(t.ports.managesieve);
    expect(capabilities.join('\n')).toMatch(/STARTTLS/);
    await client.starttls();
    expect(ManageSieveClient.ok(await client.authenticate('alice@acme.test', PASSWORDS.alice))).toBe(true);
    const script = 'require ["fileinto", "mailbox"];\nif header :contains "subject" "invoice" {\n  fileinto :create "Invoices";\n}\n';
    expect(ManageSieveClient.ok(await client.putScript('rules', script))).toBe(true);
    expect(ManageSieveClient.ok(await client.setActive('rules'))).toBe(true);
    await client.logout();

    const { client: smtp } = await SmtpClient.connect(t.ports.smtp);
    await smtp.ehlo();
    const r = await smtp.send('shop@remote.test', ['alice@acme.test'], testMessage({ from: 'shop@remote.test', to: 'alice@acme.test', subject: 'Your invoice 42' }));
    expect(r.data?.code).toBe(250);
    await smtp.quit();
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice, 'Invoices')).toContain('Your invoice 42');
    expect(await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).not.toContain('Your invoice 42');
  });
});

describe('LDAP bridge', () => {
  it('gives anonymous clients nothing', async () => {
    const client = new LdapClient({ url: `ldap://127.0.0.1:${t.ports.ldap}` });
    try {
      await expect(client.search('ou=mailboxes,dc=cloudron', { filter: '(objectclass=*)', scope: 'sub' })).rejects.toThrow();
    } finally {
      await client.unbind();
    }
  });
});
