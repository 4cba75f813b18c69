/**
 * 1. Inbound throughput: messages/s from the first SMTP connection until every message is
 * stored (fsync'd) in the maildir, with Postfix's smtp-source as the load generator
 * (a new connection per message, like independent senders), for 1, 4 and 16 sessions,
 * ~2 KB messages and 1 MB ones. Three targets in the same run, interleaved so a change in
 * the machine's load hits all three alike:
 *   ours    — Haraka (our plugins: LDAP route lookup per RCPT) → Dovecot LMTP
 *   postfix — a private Postfix (LDAP lookup against the same bridge) → the same LMTP socket
 *   ceiling — smtp-source -L straight into Dovecot's LMTP socket (no front end can beat it)
 * Postfix answers 250 once the message is in its own queue and delivers later; ours answers
 * after Dovecot stored it. Both are timed to "stored", which is what the issue asks.
 * Our stack runs with `"spamFilter": false` here, as Postfix has no content filter; the
 * inbound checks skip loopback clients. `pipeline` measures ours with all of it on.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { waitForStored } from './lib/maildir';
import { waitForPort } from './lib/net';
import { PrivatePostfix } from './lib/postfix';
import { printTable, ratio, writeResult } from './lib/report';
import { runSmtpSource } from './lib/smtp-source';
import { freshMailbox, startBenchStack, type BenchStack } from './lib/stack';
import { SmtpClient } from '../test/helpers/smtp';
import { freePort } from '../test/helpers/stack';

export type Target = 'ours' | 'postfix' | 'ceiling';
const TARGETS: Target[] = ['ours', 'postfix', 'ceiling'];

export interface SizeClass {
  name: string;
  bytes: number;
  messages: number;
}

export function sizeClasses(full: boolean, small = Number(process.env['BENCH_MESSAGES'] ?? (full ? 10_000 : 2_000))): SizeClass[] {
  return [
    { name: '2KB', bytes: 2048, messages: small },
    // 1 MB messages: a twentieth as many, so each class moves a similar time's worth of load.
    { name: '1MB', bytes: 1 << 20, messages: Math.max(20, Math.round(small / 20)) },
  ];
}

export function sessionCounts(): number[] {
  return (process.env['BENCH_SESSIONS'] ?? '1,4,16').split(',').map(Number);
}

interface Run {
  target: Target;
  size: string;
  sessions: number;
  messages: number;
  seconds: number | null;
  perSecond: number | null;
  error?: string;
}

export async function runTarget(stack: BenchStack, endpoint: string, target: Target, size: SizeClass, sessions: number, tag: string): Promise<Run> {
  const mailbox = await freshMailbox(stack, `${tag}-${target}-${size.name.toLowerCase()}-s${sessions}`);
  const started = process.hrtime.bigint();
  const sent = await runSmtpSource({
    target: endpoint,
    lmtp: target === 'ceiling',
    sessions,
    messages: size.messages,
    size: size.bytes,
    from: 'load@sender.test',
    to: mailbox,
  });
  const base = { target, size: size.name, sessions, messages: size.messages };
  if (sent.errors.length || sent.completed < size.messages) {
    return { ...base, seconds: null, perSecond: null, error: sent.errors[0] ?? `smtp-source completed ${sent.completed}` };
  }
  const stored = await waitForStored(stack.vmail, mailbox, size.messages, 120_000 + size.messages * 100);
  const seconds = Number(stored - started) / 1e9;
  return { ...base, seconds, perSecond: size.messages / seconds };
}

async function assertRefusesUnknown(port: number): Promise<void> {
  const { client } = await SmtpClient.connect(port);
  await client.ehlo('bench.test');
  const sent = await client.send('load@sender.test', ['nobody-here@acme.test'], 'Subject: x\r\n\r\nx\r\n');
  await client.quit();
  const code = sent.rcpt[0]?.code ?? 0;
  if (code < 500) throw new Error(`the MX on port ${port} answered ${code} to an unknown recipient`);
}

/** Postfix's LMTP client runs as `postfix`: it may use the (root-only) socket in the bench only. */
function letPostfixUseLmtp(socket: string): void {
  const uid = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
  fs.chownSync(socket, uid, fs.statSync(socket).gid);
}

export async function withPostfix<T>(stack: BenchStack, body: (endpoints: Record<Target, string>) => Promise<T>): Promise<T> {
  const port = await freePort();
  letPostfixUseLmtp(stack.lmtpSocket);
  const postfix = PrivatePostfix.start({ port, domains: ['acme.test', 'other.test'], lmtpSocket: stack.lmtpSocket, ldap: stack.ldap });
  try {
    await waitForPort(port, 15_000);
    // Both MXs must look recipients up, not accept anything: an unknown one is refused at RCPT.
    for (const mx of [port, stack.t.ports.smtp]) await assertRefusesUnknown(mx);
    return await body({ ours: `127.0.0.1:${stack.t.ports.smtp}`, postfix: `127.0.0.1:${port}`, ceiling: `unix:${stack.lmtpSocket}` });
  } catch (err) {
    console.error(postfix.log().split('\n').slice(-20).join('\n'));
    throw err;
  } finally {
    await postfix.stop();
  }
}

function table(runs: Run[], sizes: SizeClass[], sessions: number[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const size of sizes) {
    for (const s of sessions) {
      const rate = (t: Target): number | null => runs.find((r) => r.target === t && r.size === size.name && r.sessions === s)?.perSecond ?? null;
      rows.push({ size: size.name, sessions: s, messages: size.messages, ours: rate('ours'), postfix: rate('postfix'), ceiling: rate('ceiling'), oursOverPostfix: ratio(rate('ours'), rate('postfix')), oursOverCeiling: ratio(rate('ours'), rate('ceiling')) });
    }
  }
  return rows;
}

export async function main(): Promise<void> {
  const full = process.env['BENCH_FULL'] === '1';
  const sizes = sizeClasses(full);
  const sessions = sessionCounts();
  // No spamd: Postfix runs no content filter either (the pipeline benchmark has it on).
  const stack = await startBenchStack({ spamFilter: false });
  const runs: Run[] = [];
  try {
    await withPostfix(stack, async (endpoints) => {
      const warm = { name: 'warmup', bytes: 2048, messages: 50 };
      for (const target of TARGETS) await runTarget(stack, endpoints[target], target, warm, 4, 'warm');
      for (const size of sizes) {
        for (const s of sessions) {
          for (const target of TARGETS) {
            const run = await runTarget(stack, endpoints[target], target, size, s, 'in');
            runs.push(run);
            if (run.error) console.error(`inbound ${target} ${size.name} s${s}: ${run.error}`);
          }
        }
      }
    });
  } finally {
    await stack.t.stop();
  }
  const rows = table(runs, sizes, sessions);
  printTable(
    'inbound: msgs/s, SMTP accept → stored in the maildir (fsync), smtp-source, new connection per message',
    ['size', 'sessions', 'messages', 'ours', 'postfix', 'ceiling (LMTP)', 'ours/postfix', 'ours/ceiling'],
    rows.map((r) => [r['size'], r['sessions'], r['messages'], r['ours'], r['postfix'], r['ceiling'], r['oursOverPostfix'], r['oursOverCeiling']] as (string | number | null)[]),
    [0, 0, 0, 1, 1, 1, 2, 2],
  );
  writeResult('inbound', { full, rows, runs });
}
