/**
 * Disk full (issue 6, Reliability): the whole data directory (maildirs, queue, logs,
 * store) on a small real filesystem (tmpfs, else a loop-mounted ext4: test/helpers/
 * small-fs.ts), filled to the last byte. Mail is then refused with 4xx — never 250,
 * never 5xx or a bounce — no partial message lands in the maildir, every process stays
 * up, and once space returns the sender's retries are delivered, each exactly once.
 */
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import { imapLogin, PASSWORDS, populate } from './helpers/fixtures';
import { queueEntries } from './helpers/crash-drill';
import { renderMessage, type LoadMessage } from './helpers/load-generator';
import { scanMaildir } from './helpers/maildir';
import { mountSmallFs, type SmallFs } from './helpers/small-fs';
import { SmtpClient, type Reply } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let small: SmallFs;
let t: TestStack;

beforeAll(async () => {
  small = mountSmallFs(24);
  t = await startTestStack({}, {}, small.dir);
  await populate(t.services);
}, 120_000);
afterAll(async () => {
  try {
    await t?.stop();
  } finally {
    small?.unmount();
  }
});

const message = (token: string): LoadMessage => ({ token, recipients: ['alice@acme.test'], attempts: [], outcome: 'pending' });

/** One attempt on port 25: the reply that ended it (code 0: the connection was lost). */
async function sendOnce(m: LoadMessage): Promise<Reply> {
  try {
    const { client } = await SmtpClient.connect(t.ports.smtp);
    try {
      await client.ehlo();
      for (const line of ['MAIL FROM:<sender@remote.test>', ...m.recipients.map((r) => `RCPT TO:<${r}>`)]) {
        const reply = await client.cmd(line);
        if (reply.code !== 250) return reply;
      }
      const go = await client.cmd('DATA');
      if (go.code !== 354) return go;
      client.conn.write(renderMessage('sender@remote.test', m));
      return await client.reply();
    } finally {
      await client.quit();
    }
  } catch (err) {
    return { code: 0, text: (err as Error).message };
  }
}

const aliceMaildir = () => scanMaildir(dataPaths(t.dataDir).vmail, 'alice@acme.test');

it('answers 4xx while the disk is full, stores nothing partial, and delivers every retry once space returns', async () => {
  const before = message('before-full');
  expect((await sendOnce(before)).code).toBe(250);

  const filler = small.fill();
  const refused = ['while-full-1', 'while-full-2', 'while-full-3'].map(message);
  const replies: Reply[] = [];
  for (const m of refused) replies.push(await sendOnce(m));
  console.log(`disk full (${small.kind}): replies ${replies.map((r) => `${r.code} ${r.text}`).join(' | ')}`);
  for (const reply of replies) expect(String(reply.code)).toMatch(/^4\d\d$/);

  const full = aliceMaildir();
  expect(full.truncated).toEqual([]);
  expect(full.tmpFiles).toBe(0);
  expect(refused.map((m) => full.copies.get(m.token) ?? 0)).toEqual([0, 0, 0]);
  expect(full.copies.get(before.token)).toBe(1);
  // Every process stayed up: none crashed on the full disk (its log writes included).
  for (const proc of t.stack.processes) expect(`${proc.spec.name}:${proc.state}:${proc.restarts}`).toBe(`${proc.spec.name}:running:0`);

  // Space returns; the sender retries (a 4xx promised nothing was kept).
  fs.rmSync(filler);
  for (const m of refused) await waitFor(`${m.token} accepted`, async () => ((await sendOnce(m)).code === 250 ? true : undefined), 60_000);

  const after = aliceMaildir();
  expect(after.truncated).toEqual([]);
  expect(after.tmpFiles).toBe(0);
  expect([before, ...refused].map((m) => after.copies.get(m.token))).toEqual([1, 1, 1, 1]);
  expect(queueEntries(t)).toEqual([]);
  const imap = await imapLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice);
  const status = await imap.status('INBOX', { messages: true });
  await imap.logout();
  expect(status.messages).toBe(after.files);
}, 300_000);
