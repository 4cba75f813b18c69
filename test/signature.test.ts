/**
 * Per-domain signatures (haraka-plugin-mail-signature): appended to mail submitted by
 * authenticated clients, MIME-aware — once in each text part, in the HTML before
 * </body>, attachments byte for byte unchanged — and never to inbound mail.
 */
import crypto from 'node:crypto';
import { setDomainSignature } from '@mail/orchestrator';
import { imapLogin, PASSWORDS, populate } from './helpers/fixtures';
import { SmtpClient } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

const TEXT_SIGNATURE = '-- \nAcme Inc. · Grüße';
const HTML_SIGNATURE = '<p>Acme <b>Inc.</b> · Grüße</p>';
const HTML_ON_WIRE = '<p>Acme <b>Inc.</b> &#xb7; Gr&#xfc;&#xdf;e</p>';
const BLOB = crypto.randomBytes(3000);

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
  await setDomainSignature(t.services, 'acme.test', { text: TEXT_SIGNATURE, html: HTML_SIGNATURE });
});
afterAll(async () => {
  await t?.stop();
});

/** multipart/mixed: alternative (text QP, HTML base64), a binary and a text attachment. */
function mimeMessage(from: string, subject: string): string {
  const html = Buffer.from('<html><body><p>Hallo Bob</p></body></html>\r\n').toString('base64');
  return [
    `From: <${from}>`, 'To: <bob@acme.test>', `Subject: ${subject}`, `Message-ID: <${subject}@client.test>`,
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="mixed"', '',
    '--mixed', 'Content-Type: multipart/alternative; boundary="alt"', '',
    '--alt', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '',
    'Hallo Bob, sch=C3=B6ne Gr=C3=BC=C3=9Fe.', '',
    '--alt', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', html, '',
    '--alt--', '',
    '--mixed', 'Content-Type: application/octet-stream; name="blob.bin"',
    'Content-Disposition: attachment; filename="blob.bin"', 'Content-Transfer-Encoding: base64', '',
    ...(BLOB.toString('base64').match(/.{1,76}/g) ?? []), '',
    '--mixed', 'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"', '', 'attached notes', '',
    '--mixed--', '',
  ].join('\r\n');
}

async function submit(subject: string, from = 'alice@acme.test'): Promise<void> {
  const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true });
  await client.ehlo();
  expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
  expect((await client.send(from, ['bob@acme.test'], mimeMessage(from, subject))).data?.code).toBe(250);
  await client.quit();
}

async function receive(subject: string): Promise<void> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  expect((await client.send('x@remote.test', ['bob@acme.test'], mimeMessage('x@remote.test', subject))).data?.code).toBe(250);
  await client.quit();
}

type Parts = { text: string; html: string; blob: Buffer; notes: string; source: string };

/** Bob's message with this subject, each part decoded by the IMAP server's part fetch. */
async function readParts(subject: string): Promise<Parts> {
  const client = await imapLogin(t.ports.imaps, 'bob@acme.test', PASSWORDS.bob);
  const lock = await client.getMailboxLock('INBOX');
  try {
    const uids = (await client.search({ subject }, { uid: true })) || [];
    const uid = String(uids[0]);
    const part = async (id: string): Promise<Buffer> => {
      const { content } = await client.download(uid, id, { uid: true });
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    const source = (await part('')).toString('utf8');
    return { text: (await part('1.1')).toString(), html: (await part('1.2')).toString(), blob: await part('2'), notes: (await part('3')).toString(), source };
  } finally {
    lock.release();
    await client.logout();
  }
}

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

describe('signatures', () => {
  it('signs each text part of a submitted message once, the HTML before </body>, attachments untouched', async () => {
    await submit('signed-1');
    const parts = await readParts('signed-1');
    // MIME keeps the line break before a boundary with the boundary (RFC 2046 §5.1.1), so the
    // part's own last line break stays and the signature starts on a line of its own.
    expect(parts.text.replace(/\r\n/g, '\n')).toMatch(/^Hallo Bob, schöne Grüße\.\n+-- \nAcme Inc\. · Grüße\n*$/);
    expect(count(parts.text, 'Acme Inc.')).toBe(1);
    expect(count(parts.html, HTML_ON_WIRE)).toBe(1);
    expect(parts.html).toMatch(new RegExp(`<p>Hallo Bob</p>${HTML_ON_WIRE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r?\\n</body>`));
    expect(parts.blob.equals(BLOB)).toBe(true);
    expect(parts.notes.trim()).toBe('attached notes');
    expect(count(parts.source, 'Acme')).toBe(1); // the text part (QP) shows it; the HTML is base64
  });

  it('leaves inbound mail and mail from a domain without a signature alone', async () => {
    await receive('inbound-1');
    const inbound = await readParts('inbound-1');
    expect(inbound.text).not.toContain('Acme');
    expect(Buffer.from(inbound.html).toString()).not.toContain('Acme');
    await submit('other-domain-1', 'alice@other.test');
    expect((await readParts('other-domain-1')).text).not.toContain('Acme');
  });

  it('follows a changed or cleared signature at once', async () => {
    await setDomainSignature(t.services, 'acme.test', { text: 'New text', html: null });
    await submit('changed-1');
    const changed = await readParts('changed-1');
    expect(changed.text).toContain('New text');
    expect(changed.html).not.toContain('Acme');
    await setDomainSignature(t.services, 'acme.test', { text: null, html: null });
    await submit('cleared-1');
    expect((await readParts('cleared-1')).text).not.toContain('New text');
  });
});
