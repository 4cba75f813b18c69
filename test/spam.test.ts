/**
 * Spam filtering with the real Haraka, spamd and Dovecot:
 * - every inbound message is scanned; spam goes to Spam (Sieve global script), clean
 *   mail to INBOX; forged X-Spam-* headers are dropped; submissions are not scanned;
 * - the sender block/allow lists, custom rules (a broken set is refused, the old one
 *   stays), the reject threshold (550);
 * - spamd killed: mail still delivered with the not-scanned header, spamd restarted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runMailctl } from '../orchestrator/src/cli/testing';
import { pingSpamd } from '../orchestrator/src/spam/spamd';
import { PASSWORDS, populate } from './helpers/fixtures';
import { GTUBE, headerValue, sendInbound, waitForMessage } from './helpers/spam';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let t: TestStack;
const ALICE = ['alice@acme.test', PASSWORDS.alice] as const;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

async function mailctl(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runMailctl(['--data-dir', t.dataDir, ...args], { env: { MAIL_HOSTNAME: 'mail.test', MAIL_SPAM_DNS: 'off' } });
}

async function mailctlOk(...args: string[]): Promise<string> {
  const result = await mailctl(...args);
  if (result.code !== 0) throw new Error(`mailctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

let counter = 0;
const unique = (label: string): string => `${label} ${++counter}-${Date.now()}`;

/** Sends inbound to alice and returns the folder it landed in and its X-Spam-Status. */
async function deliver(opts: { from?: string; subject: string; body?: string; headers?: Record<string, string> }, folder: string): Promise<string> {
  const reply = await sendInbound(t.ports.smtp, { from: opts.from ?? 'someone@remote.example', to: 'alice@acme.test', ...opts });
  expect(reply.code).toBe(250);
  const headers = await waitForMessage(t.ports.imaps, ...ALICE, folder, opts.subject);
  return headers;
}

describe('scanning', () => {
  it('files GTUBE into Spam with X-Spam-Flag: YES, and clean mail into INBOX', async () => {
    const spam = await deliver({ subject: unique('gtube'), body: GTUBE }, 'Spam');
    expect(headerValue(spam, 'X-Spam-Flag')).toBe('YES');
    expect(headerValue(spam, 'X-Spam-Status')).toMatch(/^Yes, score=\d+\.\d required=5\.0 tests=.*\bGTUBE\b/);
    const clean = await deliver({ subject: unique('lunch'), body: 'Shall we meet for lunch on Friday?' }, 'INBOX');
    expect(headerValue(clean, 'X-Spam-Flag')).toBe('NO');
    expect(headerValue(clean, 'X-Spam-Status')).toMatch(/^No, score=-?\d+\.\d required=5\.0/);
  });

  it('records the spam verdict in the event log', async () => {
    const found = await waitFor('a spam event with GTUBE', async () => {
      const { events } = await t.services.store.queryEvents({ types: ['spam'], offset: 0, limit: 50 });
      return events.find((e) => Array.isArray(e.details['tests']) && (e.details['tests'] as string[]).includes('GTUBE'));
    });
    expect(found.details).toMatchObject({ scanned: true, required: 5 });
  });

  it('drops X-Spam-* headers the message arrived with', async () => {
    const forged = { 'X-Spam-Flag': 'YES', 'X-Spam-Status': 'Yes, score=99.0', 'X-Spam-Anything': 'x' };
    const headers = await deliver({ subject: unique('forged'), body: 'Nothing to see.', headers: forged }, 'INBOX');
    expect(headers.match(/^X-Spam-Flag:/gim)).toHaveLength(1);
    expect(headerValue(headers, 'X-Spam-Flag')).toBe('NO');
    expect(headers).not.toMatch(/^X-Spam-Anything:/im);
  });

  it('does not scan authenticated submissions', async () => {
    const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true });
    await client.ehlo();
    expect((await client.authPlain('bob@acme.test', PASSWORDS.bob)).code).toBe(235);
    const subject = unique('submitted gtube');
    const sent = await client.send('bob@acme.test', ['alice@acme.test'], testMessage({ from: 'bob@acme.test', to: 'alice@acme.test', subject, body: GTUBE }));
    await client.quit();
    expect(sent.data?.code).toBe(250);
    const headers = await waitForMessage(t.ports.imaps, ...ALICE, 'INBOX', subject);
    expect(headers).not.toMatch(/^X-Spam-/im);
  });
});

describe('sender block and allow lists', () => {
  it('sends a blocked sender to Spam with USER_IN_BLACKLIST; lets an allowed one skip it', async () => {
    await mailctlOk('settings', 'spam-acl', 'set', '--block', '*@bad.example,spamm?r@*.junk.example', '--allow', 'friend@good.example');
    expect(JSON.parse(await mailctlOk('settings', 'spam-acl', 'show', '--json'))).toEqual({
      acl: { block: ['*@bad.example', 'spamm?r@*.junk.example'], allow: ['friend@good.example'] },
    });
    const blocked = await deliver({ from: 'anyone@bad.example', subject: unique('blocked'), body: 'Hello.' }, 'Spam');
    expect(headerValue(blocked, 'X-Spam-Status')).toMatch(/\bUSER_IN_BLACKLIST\b/);
    const globbed = await deliver({ from: 'spammer@mx.junk.example', subject: unique('globbed'), body: 'Hello.' }, 'Spam');
    expect(headerValue(globbed, 'X-Spam-Status')).toMatch(/\bUSER_IN_BLACKLIST\b/);
    const allowed = await deliver({ from: 'friend@good.example', subject: unique('allowed'), body: 'Hello.' }, 'INBOX');
    expect(headerValue(allowed, 'X-Spam-Status')).toMatch(/\bUSER_IN_WELCOMELIST\b/);
    // Even a message spamd calls spam (GTUBE: 1000 - 100) skips the Spam folder.
    const allowedSpam = await deliver({ from: 'friend@good.example', subject: unique('allowed gtube'), body: GTUBE }, 'INBOX');
    expect(headerValue(allowedSpam, 'X-Spam-Flag')).toBe('YES');
  });

  it('refuses a malformed entry and changes nothing', async () => {
    const before = await mailctlOk('settings', 'spam-acl', 'show', '--json');
    const bad = await mailctl('settings', 'spam-acl', 'set', '--block', 'ok@bad.example,bad entry\nblocklist_from *');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not an address or domain pattern/);
    expect(await mailctlOk('settings', 'spam-acl', 'show', '--json')).toBe(before);
  });
});

describe('custom rules', () => {
  const RULES = [
    'header SUBJECT_HAS_DISCOUNT  Subject =~ /\\bdiscount\\b/i',
    'score SUBJECT_HAS_DISCOUNT   100',
    'describe SUBJECT_HAS_DISCOUNT    I hate email discounts',
    '',
  ].join('\n');

  it('raises the score of the next message; an allowed sender still skips Spam', async () => {
    const file = path.join(t.dataDir, 'rules.cf');
    fs.writeFileSync(file, RULES);
    expect((await mailctl('settings', 'spam-rules', 'set', file)).stdout).toMatch(/custom spam rules set \(active now\)/);
    const hit = await deliver({ subject: unique('Huge discount today'), body: 'Buy now.' }, 'Spam');
    expect(headerValue(hit, 'X-Spam-Status')).toMatch(/\bSUBJECT_HAS_DISCOUNT\b/);
    // The allow list's -100 outweighs the rule's +100.
    await deliver({ from: 'friend@good.example', subject: unique('Your discount'), body: 'From a friend.' }, 'INBOX');
  });

  it('refuses a broken rule file with the linter’s message and keeps the old rules', async () => {
    const file = path.join(t.dataDir, 'broken.cf');
    fs.writeFileSync(file, 'header BROKEN_RULE Subject =~ /(unclosed/\nscore BROKEN_RULE 5\n');
    const result = await mailctl('settings', 'spam-rules', 'set', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mailctl: spamassassin --lint rejected the rules: .*BROKEN_RULE/);
    expect(JSON.parse(await mailctlOk('settings', 'spam-rules', 'show', '--json'))).toEqual({ rules: RULES });
    expect(fs.readFileSync(path.join(t.dataDir, 'config', 'spamassassin', 'custom.cf'), 'utf8')).not.toMatch(/BROKEN_RULE/);
    const still = await deliver({ subject: unique('Another discount'), body: 'Buy now.' }, 'Spam');
    expect(headerValue(still, 'X-Spam-Status')).toMatch(/\bSUBJECT_HAS_DISCOUNT\b/);
  });
});

describe('reject threshold', () => {
  it('answers 550 at or above it, and flags again once it is off', async () => {
    await mailctlOk('settings', 'spam-thresholds', 'set', '--reject', '500');
    // Haraka rereads mail-spam.ini when it changes: wait for the first refusal.
    const refused = await waitFor('a 550 for GTUBE', async () => {
      const reply = await sendInbound(t.ports.smtp, { from: 'x@remote.example', to: 'alice@acme.test', subject: unique('gtube reject'), body: GTUBE });
      return reply.code === 550 ? reply : undefined;
    });
    expect(refused.text).toMatch(/^5\.7\.1 Message refused as spam \(score \d+/);
    await deliver({ subject: unique('below reject'), body: 'A normal note.' }, 'INBOX');
    expect(JSON.parse(await mailctlOk('settings', 'spam-thresholds', 'show', '--json'))).toEqual({ thresholds: { spam: 5, reject: 500 } });
    expect((await mailctl('settings', 'spam-thresholds', 'set', '--reject', '3')).stderr).toMatch(/must be above the spam threshold/);
    await mailctlOk('settings', 'spam-thresholds', 'set', '--reject', 'off');
    await waitFor('GTUBE accepted again', async () => {
      const reply = await sendInbound(t.ports.smtp, { from: 'x@remote.example', to: 'alice@acme.test', subject: unique('gtube again'), body: GTUBE });
      return reply.code === 250 ? true : undefined;
    });
  });
});

describe('spamd failure', () => {
  it('delivers unscanned mail with the not-scanned header while spamd is down, and the supervisor restarts it', async () => {
    const spamd = t.stack.process('spamd');
    const restartsBefore = spamd.restarts;
    spamd.kill('SIGKILL');
    await waitFor('spamd to stop answering', async () => ((await pingSpamd(t.ports.spamd, 500)) ? undefined : true));
    const headers = await deliver({ subject: unique('while spamd is down'), body: GTUBE }, 'INBOX');
    expect(headerValue(headers, 'X-Spam-Status')).toMatch(/^not scanned \(spamd unavailable: /);
    expect(headers).not.toMatch(/^X-Spam-Flag:/im);
    await waitFor('spamd restarted', () => (spamd.state === 'running' && spamd.restarts > restartsBefore ? true : undefined), 120_000);
    const again = await deliver({ subject: unique('after restart'), body: GTUBE }, 'Spam');
    expect(headerValue(again, 'X-Spam-Flag')).toBe('YES');
  }, 180_000);
});
