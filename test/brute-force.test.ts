/**
 * Auth brute force against the real stack: one limiter (the LDAP bridge's auth policy
 * endpoint) for SMTP AUTH, IMAP, POP3 and ManageSieve. Small limits from config.json:
 * after 3 failures each attempt is slowed by 4 s; 4 failures from one IP lock that IP,
 * 6 against one account (from any IPs, any protocols) lock the account, for 10 minutes.
 * Each protocol attacks from its own source address (127.0.0.x, which Linux routes to
 * the loopback listeners), so a lockout of one source leaves the others free.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PASSWORDS, populate } from './helpers/fixtures';
import { LineClient } from './helpers/line-client';
import { ManageSieveClient } from './helpers/managesieve';
import { SmtpClient } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

// delaySeconds above Dovecot's auth_failure_delay (2 s, counted from the start of the
// request, so a shorter policy delay disappears inside it).
const LIMITS = { windowSeconds: 600, delayAfter: 3, delaySeconds: 4, ipLockAfter: 4, accountLockAfter: 6, lockSeconds: 600 };
const DAVE = 'dave-secret-4444';
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ authLimits: LIMITS });
  await populate(t.services);
  await t.services.setMailboxPop3('carol@acme.test', true);
  await t.services.setMailboxPop3('bob@acme.test', true);
  await t.services.addUser('dave', DAVE);
  await t.services.addMailbox({ address: 'dave@acme.test', owner: 'dave' });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

/** One login attempt per connection, as a password-guessing bot does; true = logged in. */
type Attempt = (from: string, user: string, password: string) => Promise<{ ok: boolean; reply: string }>;

const smtpLogin: Attempt = async (from, user, password) => {
  const { client } = await SmtpClient.connect(t.ports.submissions, { tls: true, localAddress: from });
  await client.ehlo();
  const r = await client.authPlain(user, password);
  await client.quit();
  return { ok: r.code === 235, reply: `${r.code} ${r.text}` };
};

const imapLogin: Attempt = async (from, user, password) => {
  const conn = await LineClient.connect(t.ports.imaps, { tls: true, localAddress: from });
  await conn.read((ls) => ls.length > 0);
  conn.write(`a LOGIN "${user}" "${password}"\r\n`);
  const last = (await conn.read((ls) => ls.some((l) => l.startsWith('a ')))).pop() ?? '';
  await conn.close();
  return { ok: last.startsWith('a OK'), reply: last };
};

const pop3Login: Attempt = async (from, user, password) => {
  const conn = await LineClient.connect(t.ports.pop3s, { tls: true, localAddress: from });
  await conn.read((ls) => ls.length > 0);
  conn.write(`USER ${user}\r\n`);
  await conn.read((ls) => ls.length > 0);
  conn.write(`PASS ${password}\r\n`);
  const [line = ''] = await conn.read((ls) => ls.length > 0);
  await conn.close();
  return { ok: line.startsWith('+OK'), reply: line };
};

const sieveLogin: Attempt = async (from, user, password) => {
  const { client } = await ManageSieveClient.connect(t.ports.managesieve, { localAddress: from });
  await client.starttls();
  const r = await client.authenticate(user, password);
  await client.logout();
  return { ok: ManageSieveClient.ok(r), reply: r[r.length - 1] ?? '' };
};

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await run();
  return { value, ms: Date.now() - start };
}

function lockouts(): Record<string, unknown>[] {
  const log = fs.readFileSync(path.join(t.dataDir, 'logs', 'ldap-bridge.log'), 'utf8');
  return log
    .split('\n')
    .filter((l) => l.includes('"auth-lockout"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.each([
  ['SMTP AUTH (submissions)', smtpLogin, '127.0.0.11', 'alice@acme.test', PASSWORDS.alice, '127.0.0.12', 'bob@acme.test', PASSWORDS.bob],
  ['IMAP', imapLogin, '127.0.0.21', 'bob@acme.test', PASSWORDS.bob, '127.0.0.22', 'carol@acme.test', PASSWORDS.carol],
  ['POP3', pop3Login, '127.0.0.31', 'carol@acme.test', PASSWORDS.carol, '127.0.0.32', 'bob@acme.test', PASSWORDS.bob],
  ['ManageSieve', sieveLogin, '127.0.0.41', 'dave@acme.test', DAVE, '127.0.0.42', 'carol@acme.test', PASSWORDS.carol],
] as const)('%s', (name, login, attacker, victim, victimPassword, other, otherUser, otherPassword) => {
  it('slows failures from one address, then refuses it, even with the right password', async () => {
    const first = await timed(() => login(attacker, victim, 'wrong-1'));
    expect(first.value.ok).toBe(false);
    await login(attacker, victim, 'wrong-2');
    await login(attacker, victim, 'wrong-3');
    // Past delayAfter failures, each attempt waits delaySeconds first.
    const fourth = await timed(() => login(attacker, victim, 'wrong-4'));
    expect(fourth.value.ok).toBe(false);
    // SMTP: first ~1 s (auth_base), fourth ~1 s + 4 s; Dovecot: first 2 s, fourth ~4 s.
    expect(fourth.ms - first.ms).toBeGreaterThanOrEqual(1000);
    const locked = await login(attacker, victim, victimPassword);
    expect(locked.ok).toBe(false);
    if (name.startsWith('SMTP')) expect(locked.reply).toMatch(/^454 4\.7\.0/);
    await waitFor(`the ${attacker} lockout in the bridge log`, () => lockouts().find((l) => l['key'] === attacker));
    expect(lockouts().filter((l) => l['key'] === attacker)).toEqual([
      expect.objectContaining({ event: 'auth-lockout', scope: 'ip', failures: 4, lockSeconds: LIMITS.lockSeconds }),
    ]);
    // … and the event log (the orchestrator reads the bridge's log every second).
    const event = await waitFor(`the ${attacker} lockout in the event log`, async () =>
      (await t.services.store.queryEvents({ types: ['lockout'], offset: 0, limit: 100 })).events.find((e) => e.remote === attacker),
    );
    expect(event).toMatchObject({ source: 'ldap-bridge', actor: victim, details: { scope: 'ip', key: attacker, failures: 4, lockSeconds: LIMITS.lockSeconds } });
  });

  it('still lets another account in from another address', async () => {
    expect((await login(other, otherUser, otherPassword)).ok).toBe(true);
  });
});

describe('one limiter across protocols', () => {
  it('locks an account guessed at from many addresses over several protocols; others still log in', async () => {
    const attempts: Attempt[] = [imapLogin, smtpLogin, pop3Login, imapLogin, smtpLogin, imapLogin];
    for (const [i, attempt] of attempts.entries()) {
      expect((await attempt(`127.0.1.${i + 1}`, 'team@acme.test', `wrong-${i}`)).ok).toBe(false);
    }
    await waitFor('the account lockout', () => lockouts().find((l) => l['scope'] === 'account' && l['key'] === 'team@acme.test'));
    await waitFor('the account lockout in the event log', async () =>
      (await t.services.store.queryEvents({ types: ['lockout'], offset: 0, limit: 100 })).events.find((e) => e.details['scope'] === 'account' && e.actor === 'team@acme.test'),
    );
    // The right password (a member's) from a fresh address is refused on every protocol now.
    expect((await imapLogin('127.0.1.50', 'team@acme.test', PASSWORDS.alice)).ok).toBe(false);
    expect((await smtpLogin('127.0.1.51', 'team@acme.test', PASSWORDS.bob)).reply).toMatch(/^454 /);
    // Another account from another address: fine.
    expect((await imapLogin('127.0.1.52', 'alice@acme.test', PASSWORDS.alice)).ok).toBe(true);
    expect((await smtpLogin('127.0.1.53', 'alice@acme.test', PASSWORDS.alice)).ok).toBe(true);
  });
});
