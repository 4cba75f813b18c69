/**
 * 5. Auth: IMAP logins/s (greeting, LOGIN, LOGOUT; a passdb search-then-bind and a userdb
 * search each) through the stack's Dovecot and our LDAP bridge, against the same Dovecot
 * configuration (a copy, lib/dovecot-copy.ts) asking a private OpenLDAP slapd that holds
 * the same mailboxes (lib/slapd.ts). slapd cannot verify our scrypt hashes, so it runs
 * twice: {ARGON2} with scrypt's memory cost (the like-for-like comparison) and {SSHA}
 * (what a typical slapd holds; shows what the hash costs). Runs one after another, the
 * bridge first, at 1, 4 and 16 concurrent clients.
 */
import { dataPaths } from '@mail/orchestrator';
import { DovecotCopy } from './lib/dovecot-copy';
import { loginRate, type Credentials } from './lib/imap-login';
import { printTable, ratio, writeResult } from './lib/report';
import { PrivateSlapd, slapHash } from './lib/slapd';
import { startBenchStack, type BenchStack } from './lib/stack';
import { freePort } from '../test/helpers/stack';

const SCHEMES = ['{ARGON2}', '{SSHA}'] as const;

async function makeUsers(stack: BenchStack, count: number): Promise<Credentials[]> {
  const users: Credentials[] = [];
  for (let i = 0; i < count; i++) {
    const password = `auth-bench-password-${i}`;
    await stack.t.services.addUser(`authuser${i}`, password);
    await stack.t.services.addMailbox({ address: `auth${i}@acme.test`, owner: `authuser${i}` });
    users.push({ user: `auth${i}@acme.test`, password });
  }
  return users;
}

async function rates(port: number, users: Credentials[], total: number, concurrency: number[]): Promise<number[]> {
  await loginRate(port, users, Math.min(20, total), 4); // warm-up: processes forked, connections open
  const out: number[] = [];
  for (const c of concurrency) out.push(await loginRate(port, users, total, c));
  return out;
}

async function viaSlapd(stack: BenchStack, scheme: (typeof SCHEMES)[number], users: Credentials[], total: number, concurrency: number[]): Promise<number[]> {
  const slapd = await PrivateSlapd.start(
    await freePort(),
    stack.ldap.baseDn,
    stack.ldap.password,
    users.map((u) => ({ address: u.user, userPassword: slapHash(scheme, u.password) })),
  );
  const imapPort = await freePort();
  try {
    const dovecot = await DovecotCopy.start({ sourceDir: dataPaths(stack.t.dataDir).dovecotConfigDir, ports: stack.t.ports, imapPort, ldapUrl: slapd.url, servicePassword: stack.ldap.password });
    try {
      return await rates(imapPort, users, total, concurrency);
    } finally {
      await dovecot.stop();
    }
  } finally {
    await slapd.stop();
  }
}

export async function main(): Promise<void> {
  const total = Number(process.env['BENCH_LOGINS'] ?? (process.env['BENCH_FULL'] === '1' ? 1000 : 200));
  const concurrency = (process.env['BENCH_SESSIONS'] ?? '1,4,16').split(',').map(Number);
  const stack = await startBenchStack();
  let bridge: number[] = [];
  const slapd: Record<string, number[]> = {};
  try {
    const users = await makeUsers(stack, 20);
    bridge = await rates(stack.t.ports.imap, users, total, concurrency);
    for (const scheme of SCHEMES) slapd[scheme] = await viaSlapd(stack, scheme, users, total, concurrency);
  } finally {
    await stack.t.stop();
  }
  const rows = concurrency.map((c, i) => {
    const argon = slapd['{ARGON2}']?.[i] ?? null;
    const ssha = slapd['{SSHA}']?.[i] ?? null;
    return { clients: c, logins: total, bridgeScrypt: bridge[i] ?? null, slapdArgon2: argon, slapdSsha: ssha, bridgeOverSlapdArgon2: ratio(bridge[i], argon), bridgeOverSlapdSsha: ratio(bridge[i], ssha) };
  });
  printTable(
    'auth: IMAP logins/s (LOGIN + LOGOUT, plain TCP on loopback), same Dovecot config, LDAP server differs',
    ['clients', 'logins', 'bridge (scrypt)', 'slapd {ARGON2} 32 MiB', 'slapd {SSHA}', 'bridge/argon2', 'bridge/ssha'],
    rows.map((r) => [r.clients, r.logins, r.bridgeScrypt, r.slapdArgon2, r.slapdSsha, r.bridgeOverSlapdArgon2, r.bridgeOverSlapdSsha]),
    [0, 0, 1, 1, 1, 2, 2],
  );
  writeResult('auth', { hashes: { bridge: 'scrypt N=2^15 r=8 p=1 (32 MiB)', slapdArgon2: 'argon2i m=32768 KiB t=1 p=1', slapdSsha: 'salted SHA-1' }, rows });
}
