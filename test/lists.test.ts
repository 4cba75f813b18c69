/**
 * Mailing lists and SRS end to end: real Haraka → LDAP bridge → LMTP → Dovecot, read
 * back over IMAPS; SRS addresses built by an independent implementation (python3-srs).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PASSWORDS, populate, subjects } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

let t: TestStack;
let srsSecret: string;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
  await t.services.lists.add({ address: 'staff@acme.test', members: ['alice@acme.test', 'bob+lists@acme.test', 'carol@acme.test', 'gone@acme.test'] });
  await t.services.lists.add({ address: 'board@acme.test', members: ['Alice@acme.test', 'bob@acme.test'], membersOnly: true });
  srsSecret = fs.readFileSync(path.join(t.dataDir, 'secrets', 'srs.secret'), 'utf8').trim();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

async function sendMx(from: string, to: string[], subject: string, headers: Record<string, string> = {}) {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const result = await client.send(from, to, testMessage({ from: from || 'mailer-daemon@remote.test', to: to[0] ?? '', subject, headers }));
  await client.quit();
  return result;
}

const count = async (mailbox: string, password: string, subject: string): Promise<number> =>
  (await subjects(t.ports.imaps, mailbox, password)).filter((s) => s === subject).length;

/** python3-srs, given the stack's secret: `forward` an address for an alias domain. */
function pysrsForward(address: string, aliasDomain: string): string {
  const script = `import sys, SRS\nprint(SRS.new(secret=sys.argv[1], maxage=21, hashlength=4).forward(sys.argv[2], sys.argv[3]))`;
  return execFileSync('/usr/bin/python3', ['-c', script, srsSecret, address, aliasDomain], { encoding: 'utf8' }).trim();
}

describe('mailing lists', () => {
  it('deliver to every local member, skipping members that resolve nowhere', async () => {
    const r = await sendMx('sender@remote.test', ['staff@acme.test'], 'list-all');
    expect(r.rcpt[0]?.code).toBe(250);
    expect(r.data?.code).toBe(250);
    expect(await count('alice@acme.test', PASSWORDS.alice, 'list-all')).toBe(1);
    expect(await count('bob@acme.test', PASSWORDS.bob, 'list-all')).toBe(1);
    expect(await count('carol@acme.test', PASSWORDS.carol, 'list-all')).toBe(1);
  });

  it('members-only: refuse a non-member at RCPT with a clear 550 5.7.1, accept members', async () => {
    const refused = await sendMx('mallory@remote.test', ['board@acme.test'], 'list-refused');
    expect(refused.rcpt[0]?.code).toBe(550);
    expect(refused.rcpt[0]?.text).toMatch(/5\.7\.1 .*only members may post/);
    const accepted = await sendMx('ALICE+x@acme.test', ['board@acme.test'], 'list-member');
    expect(accepted.data?.code).toBe(250);
    expect(await count('bob@acme.test', PASSWORDS.bob, 'list-member')).toBe(1);
  });

  it('do not send a second copy to members named in To or Cc', async () => {
    const headers = { Cc: 'Bob <bob@acme.test>, "Carol" <carol+x@acme.test>' };
    expect((await sendMx('sender@remote.test', ['staff@acme.test'], 'list-dup', headers)).data?.code).toBe(250);
    // Bob and Carol get their own copies directly (here: a second transaction).
    expect((await sendMx('sender@remote.test', ['bob@acme.test', 'carol@acme.test'], 'list-dup', headers)).data?.code).toBe(250);
    expect(await count('alice@acme.test', PASSWORDS.alice, 'list-dup')).toBe(1);
    expect(await count('bob@acme.test', PASSWORDS.bob, 'list-dup')).toBe(1);
    expect(await count('carol@acme.test', PASSWORDS.carol, 'list-dup')).toBe(1);
  });

  it('follow membership changes at once', async () => {
    await t.services.lists.update('staff@acme.test', { members: ['carol@acme.test'] });
    expect((await sendMx('sender@remote.test', ['staff@acme.test'], 'list-changed')).data?.code).toBe(250);
    expect(await count('carol@acme.test', PASSWORDS.carol, 'list-changed')).toBe(1);
    expect(await count('alice@acme.test', PASSWORDS.alice, 'list-changed')).toBe(0);
  });
});

describe('SRS', () => {
  it('keeps its secret private (0600)', () => {
    expect(fs.statSync(path.join(t.dataDir, 'secrets', 'srs.secret')).mode & 0o777).toBe(0o600);
    expect(srsSecret.length).toBeGreaterThanOrEqual(16);
  });

  it('routes a bounce to an SRS0 address made by python3-srs back to the local original sender', async () => {
    const srs0 = pysrsForward('alice@acme.test', 'other.test');
    expect(srs0).toMatch(/^SRS0=.{4}=..=acme\.test=alice@other\.test$/);
    const r = await sendMx('', [srs0], 'srs0-bounce');
    expect(r.rcpt[0]?.code).toBe(250);
    expect(r.data?.code).toBe(250);
    // other.test has a catch-all (bob): the SRS address must be decoded, not caught.
    expect(await count('alice@acme.test', PASSWORDS.alice, 'srs0-bounce')).toBe(1);
    expect(await count('bob@acme.test', PASSWORDS.bob, 'srs0-bounce')).toBe(0);
  });

  it('decodes an SRS1 address made by python3-srs down to the original sender', async () => {
    const srs1 = pysrsForward(pysrsForward('carol@acme.test', 'other.test'), 'acme.test');
    expect(srs1).toMatch(/^SRS1=.{4}=other\.test==/);
    expect((await sendMx('', [srs1], 'srs1-bounce')).data?.code).toBe(250);
    expect(await count('carol@acme.test', PASSWORDS.carol, 'srs1-bounce')).toBe(1);
  });

  it('refuses a tampered or foreign SRS address at RCPT with 550 5.7.1', async () => {
    const srs0 = pysrsForward('alice@acme.test', 'other.test');
    const tampered = srs0.replace('=alice@', '=bob@');
    const r = await sendMx('', [tampered], 'srs-tampered');
    expect(r.rcpt[0]?.code).toBe(550);
    expect(r.rcpt[0]?.text).toMatch(/5\.7\.1 .*invalid SRS address/);
    const forged = await sendMx('', ['SRS0=abcd=AA=acme.test=alice@other.test'], 'srs-forged');
    expect(forged.rcpt[0]?.code).toBe(550);
  });
});
