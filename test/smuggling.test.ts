/**
 * SMTP smuggling (CVE-2023-51764 family): a client hides a second transaction inside one
 * message's DATA behind a fake end-of-data (`<LF>.<LF>`, `<CR>.<CR>`, …), hoping one hop
 * sees two messages where the previous saw one. RFC 5321 §4.1.1.4 ends DATA only with
 * `<CRLF>.<CRLF>`; §2.3.8 forbids bare CR and LF. Each variant goes to the MX port and to
 * submission (after STARTTLS + AUTH), on its own connection, with a smuggled
 * MAIL/RCPT/DATA pipelined after the fake end; then every mailbox is read over IMAP:
 * the smuggled recipient must have nothing. A control (the real `<CRLF>.<CRLF>` with the
 * same pipelined transaction) must give two messages, so the check can see a split.
 */
import { imapLogin, PASSWORDS, populate, subjects } from './helpers/fixtures';
import { LineClient } from './helpers/line-client';
import { SmtpClient } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

/** The fake ends of data, and bare line ends inside DATA, named for the report. */
export const SMUGGLING_VARIANTS: readonly (readonly [string, string])[] = [
  ['<LF>.<LF>', '\n.\n'],
  ['<LF>.<CR><LF>', '\n.\r\n'],
  ['<CR>.<CR>', '\r.\r'],
  ['<CR><LF>.<LF>', '\r\n.\n'],
  ['<CR><LF>.<CR>', '\r\n.\r'],
  ['<CR>.<CR><LF>', '\r.\r\n'],
  ['<CR><LF>.<CR><CR><LF>', '\r\n.\r\r\n'],
  ['<CR><LF><NUL>.<CR><LF>', '\r\n\0.\r\n'],
  ['bare LF line ends', '\nbare\nlf\n'],
  ['bare CR line ends', '\rbare\rcr\r'],
];

interface Session {
  port: number;
  /** Submission: STARTTLS and AUTH as alice first. */
  submission: boolean;
  from: string;
  to: string;
  smuggledTo: string;
}

/** Every reply line after the payload, up to QUIT's 221 (or the connection closing). */
async function smuggle(session: Session, tag: string, fakeEnd: string): Promise<string[]> {
  const { client } = await SmtpClient.connect(session.port);
  await client.ehlo();
  if (session.submission) {
    expect((await client.starttls()).code).toBe(220);
    await client.ehlo();
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
  }
  expect((await client.cmd(`MAIL FROM:<${session.from}>`)).code).toBe(250);
  expect((await client.cmd(`RCPT TO:<${session.to}>`)).code).toBe(250);
  expect((await client.cmd('DATA')).code).toBe(354);
  const smuggled =
    `MAIL FROM:<${session.from}>\r\nRCPT TO:<${session.smuggledTo}>\r\nDATA\r\n` +
    `From: <${session.from}>\r\nTo: <${session.smuggledTo}>\r\nSubject: smuggled-${tag}\r\n\r\nsecond\r\n`;
  const payload = `From: <${session.from}>\r\nTo: <${session.to}>\r\nSubject: carrier-${tag}\r\n\r\nfirst${fakeEnd}${smuggled}`;
  client.conn.write(`${payload}\r\n.\r\n`);
  return readReplies(client.conn);
}

/**
 * The answer to the end of data, then QUIT's: every line the server sent, in order
 * (a split shows as more than one end-of-data answer, or answers to the smuggled
 * commands). Haraka closes the connection after refusing a bare LF.
 */
async function readReplies(conn: LineClient): Promise<string[]> {
  const lines: string[] = [];
  try {
    lines.push(...(await conn.read((ls) => ls.length > 0)));
    conn.write('QUIT\r\n');
    lines.push(...(await conn.read((ls) => ls.some((l) => /^221[ -]/.test(l)))));
  } catch (err) {
    lines.push(`(closed) ${(err as Error).message}`);
  } finally {
    await conn.close();
  }
  return lines;
}

/** The full source of every message in a mailbox's INBOX. */
async function sources(address: string): Promise<string[]> {
  const client = await imapLogin(t.ports.imaps, address, passwordOf(address));
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const found: string[] = [];
      if (!(await client.status('INBOX', { messages: true })).messages) return found;
      for await (const msg of client.fetch('1:*', { source: true })) found.push(msg.source?.toString('utf8') ?? '');
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

function passwordOf(address: string): string {
  if (address.startsWith('bob')) return PASSWORDS.bob;
  return address.startsWith('carol') ? PASSWORDS.carol : PASSWORDS.alice;
}

const SESSIONS: readonly (readonly [string, () => Session])[] = [
  ['the MX port', () => ({ port: t.ports.smtp, submission: false, from: 'x@remote.test', to: 'alice@acme.test', smuggledTo: 'bob@acme.test' })],
  ['submission after AUTH', () => ({ port: t.ports.submission, submission: true, from: 'alice@acme.test', to: 'alice@acme.test', smuggledTo: 'carol@acme.test' })],
];

describe.each(SESSIONS)('SMTP smuggling on %s', (where, session) => {
  const mailbox = (address: string): Promise<string[]> => subjects(t.ports.imaps, address, passwordOf(address));

  it('the control: a real <CRLF>.<CRLF> ends the message; pipelined commands after it are refused', async () => {
    const s = session();
    const tag = `control-${s.port}`;
    const replies = await smuggle(s, tag, '\r\n.\r\n');
    // Haraka answers 503 to commands that arrive with the end of data (not after its 250).
    expect(replies[0]).toMatch(/^250 /);
    expect(replies.filter((l) => /^503 .*pipelined after end of DATA/.test(l)).length).toBeGreaterThan(0);
    expect(await mailbox(s.to)).toContain(`carrier-${tag}`);
    expect(await mailbox(s.smuggledTo)).not.toContain(`smuggled-${tag}`);
  });

  it('the control: the same second transaction sent after the 250 is delivered (the check sees it)', async () => {
    const s = session();
    const { client } = await SmtpClient.connect(s.port);
    await client.ehlo();
    if (s.submission) {
      await client.starttls();
      await client.ehlo();
      expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
    }
    const message = `From: <${s.from}>\r\nTo: <${s.smuggledTo}>\r\nSubject: smuggled-control2-${s.port}\r\n\r\nsecond\r\n`;
    expect((await client.send(s.from, [s.smuggledTo], message)).data?.code).toBe(250);
    await client.quit();
    expect(await mailbox(s.smuggledTo)).toContain(`smuggled-control2-${s.port}`);
  });

  it.each(SMUGGLING_VARIANTS)(`never splits one message at %j (${where})`, async (name, fakeEnd) => {
    const s = session();
    const tag = `${s.port}-${name.replace(/[^A-Za-z]/g, '')}`;
    const replies = await smuggle(s, tag, fakeEnd);
    // At most one end-of-data answer: a split would add MAIL, RCPT and a second 354.
    expect(replies.filter((l) => /^354[ -]/.test(l))).toEqual([]);
    expect(await mailbox(s.smuggledTo)).not.toContain(`smuggled-${tag}`);
    const carried = (await sources(s.to)).filter((source) => source.includes(`Subject: carrier-${tag}\r\n`));
    // Either refused (Haraka: 451 for a bare LF) or stored as exactly one message that
    // still holds the would-be second transaction as text.
    const accepted = /^250 /.test(replies[0] ?? '');
    expect(carried.length).toBe(accepted ? 1 : 0);
    if (accepted) expect(carried[0]).toContain(`Subject: smuggled-${tag}`);
    else expect(replies[0]).toMatch(/^4\d\d /);
  });
});
