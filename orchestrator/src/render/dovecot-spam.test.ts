/**
 * Dovecot's spam scripts run by the real tools: the Sieve global script through
 * Pigeonhole's `sieve-test` (which folder a message ends in), and the learn program as
 * Dovecot runs it (queues atomically, bounded). Golden files: spamassassin.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveMailUser } from '../config/mail-user';
import { dataPaths } from '../config/paths';
import { MAX_QUEUED_LEARN, renderDovecotSpamFiles } from './dovecot-spam';
import { learnQueueDir } from './spamassassin';

const user = resolveMailUser();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-spam-'));
fs.chmodSync(root, 0o755);
const paths = dataPaths(root);
const rendered = renderDovecotSpamFiles(paths);
const write = (name: string, content: string, mode = 0o644): string => {
  const file = path.join(root, name);
  fs.writeFileSync(file, content, { mode });
  fs.chownSync(file, user.uid, user.gid);
  return file;
};
fs.chownSync(root, user.uid, user.gid);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const asMailUser = { uid: user.uid, gid: user.gid, encoding: 'utf8' as const, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root } };

describe('spam-before.sieve (sieve-test)', () => {
  const script = write('spam-before.sieve', rendered.sieve.find((f) => f.name === 'spam-before.sieve')?.content ?? '');
  function folderFor(headers: string): string {
    const message = write(`m${Math.random().toString(36).slice(2)}.eml`, `${headers}From: a@remote.example\nSubject: x\n\nHello.\n`);
    const run = spawnSync('sieve-test', [script, message], asMailUser);
    const stored = /store message in folder: (\S+)/.exec(run.stdout)?.[1];
    if (!stored) throw new Error(`sieve-test said: ${run.stdout}${run.stderr}`);
    return stored;
  }

  it('files spam and DMARC quarantine into Spam, keeps the rest in INBOX', () => {
    expect(folderFor('X-Spam-Flag: YES\nX-Spam-Status: Yes, score=999.0 required=5.0 tests=GTUBE\n')).toBe('Spam');
    expect(folderFor('X-Mailserver-Quarantine: dmarc\nX-Spam-Flag: NO\n')).toBe('Spam');
    expect(folderFor('X-Spam-Flag: NO\nX-Spam-Status: No, score=0.1 required=5.0 tests=none\n')).toBe('INBOX');
    expect(folderFor('X-Spam-Status: not scanned (spamd unavailable: connect ECONNREFUSED)\n')).toBe('INBOX');
  });

  it('lets an allow-listed sender skip Spam, but not a DMARC quarantine', () => {
    expect(folderFor('X-Spam-Flag: YES\nX-Spam-Status: Yes, score=900.0 required=5.0 tests=GTUBE,USER_IN_WELCOMELIST\n')).toBe('INBOX');
    expect(folderFor('X-Mailserver-Quarantine: dmarc\nX-Spam-Status: No, score=-100.0 required=5.0 tests=USER_IN_WELCOMELIST\n')).toBe('Spam');
  });
});

describe('learn (the pipe program)', () => {
  const learn = write('learn', rendered.bin[0]?.content ?? '', 0o755);
  for (const dir of [path.dirname(learnQueueDir(paths)), learnQueueDir(paths), path.join(learnQueueDir(paths), 'spam'), path.join(learnQueueDir(paths), 'ham')]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chownSync(dir, user.uid, user.gid);
  }
  const queued = (kind: string): string[] => fs.readdirSync(path.join(learnQueueDir(paths), kind));

  it('queues the message under a final name, readable only by the mail user', () => {
    const run = spawnSync(learn, ['spam'], { ...asMailUser, input: 'Subject: x\n\nhi\n' });
    expect(run.status).toBe(0);
    const [name] = queued('spam');
    expect(queued('spam')).toHaveLength(1);
    expect(name).toMatch(/^\d+\.\d+$/);
    const file = path.join(learnQueueDir(paths), 'spam', name ?? '');
    expect(fs.readFileSync(file, 'utf8')).toBe('Subject: x\n\nhi\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses anything but spam or ham', () => {
    expect(spawnSync(learn, ['../x'], { ...asMailUser, input: '' }).status).toBe(64);
  });

  it('drops training (exit 0, logged) once the queue is full', () => {
    const dir = path.join(learnQueueDir(paths), 'ham');
    for (let i = 0; i < MAX_QUEUED_LEARN; i++) fs.writeFileSync(path.join(dir, `f${i}`), '');
    const run = spawnSync(learn, ['ham'], { ...asMailUser, input: 'Subject: y\n\nhi\n' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/holds 2000 messages; this one is not learned/);
    expect(queued('ham')).toHaveLength(MAX_QUEUED_LEARN);
  });
});
