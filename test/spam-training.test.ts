/**
 * Training by moving mail (real Dovecot imap_sieve → learn queue → sa-learn, real spamd):
 * two generated corpora with distinct vocabularies; the spam-like set is MOVEd into
 * Spam, the ham-like set COPYed out of Spam, a few moved from Spam to Trash (not
 * learned). Bayes says nothing while only spam is learned; once sa-learn's counters show both, a new message like the spam set gets a
 * high BAYES_ score and one like the ham set a low one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { imapLogin, PASSWORDS, populate } from './helpers/fixtures';
import { bayesCounts, headerValue, headersOf, sendInbound } from './helpers/spam';
import { testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

const SPAM_WORDS = ['zorblax', 'megaprize', 'quikloan', 'cashblast', 'winnerfunds', 'lottovault', 'pillzone', 'bonanzacoin', 'richquick', 'freegold'];
const HAM_WORDS = ['agenda', 'minutes', 'quarterly', 'budget', 'roadmap', 'standup', 'review', 'deadline', 'milestone', 'retrospective'];
const PER_KIND = 55;
const TO_TRASH = 5;

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

/** A deterministic sentence from one vocabulary (a small LCG: the corpus is the same every run). */
function sentence(words: readonly string[], seed: number, length = 40): string {
  let state = seed * 7919 + 17;
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out.push(words[state % words.length] ?? '');
  }
  return out.join(' ');
}

function corpusMessage(kind: 'spam' | 'ham', n: number): string {
  const words = kind === 'spam' ? SPAM_WORDS : HAM_WORDS;
  const from = kind === 'spam' ? `offers${n}@deals.example` : `colleague${n}@partner.example`;
  return testMessage({ from, to: 'alice@acme.test', subject: `${kind} ${n} ${sentence(words, n, 4)}`, body: `${sentence(words, n)}\r\n${sentence(words, n + 1000)}` });
}

async function appendAll(folder: string, kind: 'spam' | 'ham'): Promise<void> {
  const client = await imapLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice);
  try {
    for (let n = 0; n < PER_KIND + (kind === 'ham' ? TO_TRASH : 0); n++) await client.append(folder, corpusMessage(kind, n));
  } finally {
    await client.logout();
  }
}

/** MOVE or COPY the messages whose subject starts with `kind` from one folder to another. */
async function transfer(from: string, to: string, kind: string, how: 'move' | 'copy', limit: number): Promise<number> {
  const client = await imapLogin(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice);
  try {
    const lock = await client.getMailboxLock(from);
    try {
      const found = await client.search({ header: { subject: `${kind} ` } }, { uid: true });
      const uids = (Array.isArray(found) ? found : []).slice(0, limit);
      const range = uids.join(',');
      if (how === 'move') await client.messageMove(range, to, { uid: true });
      else await client.messageCopy(range, to, { uid: true });
      return uids.length;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** The headers of the message with this subject, from INBOX or Spam. */
function delivered(subject: string): Promise<string> {
  const look = (folder: string): Promise<string | undefined> => headersOf(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice, folder, subject);
  return waitFor(`'${subject}' delivered`, async () => (await look('INBOX')) ?? (await look('Spam')));
}

function queued(): number {
  const dir = path.join(t.dataDir, 'spamassassin', 'learn');
  return ['spam', 'ham'].reduce((sum, kind) => sum + fs.readdirSync(path.join(dir, kind)).length, 0);
}

it('learns from moves into and out of Spam, and Bayes then scores new mail', async () => {
  expect(bayesCounts(t.dataDir)).toEqual({ spam: 0, ham: 0 });
  await appendAll('INBOX', 'spam');
  await appendAll('Spam', 'ham');
  // Moved to Trash from Spam: deleting spam is not a "not spam" verdict.
  expect(await transfer('Spam', 'Trash', 'ham', 'move', TO_TRASH)).toBe(TO_TRASH);
  expect(await transfer('INBOX', 'Spam', 'spam', 'move', PER_KIND)).toBe(PER_KIND);
  await waitFor('the spam set learned', () => (bayesCounts(t.dataDir).spam >= PER_KIND && queued() === 0 ? true : undefined), 240_000);
  // Bayes stays silent until it has seen 50 ham as well (SpamAssassin's own default would be 200).
  const early = `early offer ${sentence(SPAM_WORDS, 777, 4)}`;
  expect((await sendInbound(t.ports.smtp, { from: 'early@deals.example', to: 'alice@acme.test', subject: early, body: sentence(SPAM_WORDS, 777) })).code).toBe(250);
  expect(headerValue(await delivered(early), 'X-Spam-Status')).not.toMatch(/\bBAYES_/);
  expect(await transfer('Spam', 'INBOX', 'ham', 'copy', PER_KIND)).toBe(PER_KIND);

  const counts = await waitFor(
    'sa-learn to count the moved messages',
    () => {
      const now = bayesCounts(t.dataDir);
      return now.spam >= PER_KIND && now.ham >= PER_KIND && queued() === 0 ? now : undefined;
    },
    240_000,
  );
  expect(counts).toEqual({ spam: PER_KIND, ham: PER_KIND });

  const spamSubject = `fresh offer ${sentence(SPAM_WORDS, 4242, 4)}`;
  expect((await sendInbound(t.ports.smtp, { from: 'new@deals.example', to: 'alice@acme.test', subject: spamSubject, body: sentence(SPAM_WORDS, 4242) })).code).toBe(250);
  // BAYES_99 alone (3.5) may not reach 5: the message may be in either folder.
  const spam = await delivered(spamSubject);
  expect(headerValue(spam, 'X-Spam-Status')).toMatch(/\bBAYES_(99|999|95|80)\b/);

  const hamSubject = `fresh note ${sentence(HAM_WORDS, 4242, 4)}`;
  expect((await sendInbound(t.ports.smtp, { from: 'new@partner.example', to: 'alice@acme.test', subject: hamSubject, body: sentence(HAM_WORDS, 4242) })).code).toBe(250);
  const ham = await delivered(hamSubject);
  expect(headerValue(ham, 'X-Spam-Status')).toMatch(/\bBAYES_(00|05)\b/);
}, 400_000);
