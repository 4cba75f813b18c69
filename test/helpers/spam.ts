/** Helpers for the spam filtering tests: inbound sends, finding a message by subject, sa-learn's counters. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { resolveMailUser } from '@mail/orchestrator';
import { imapLogin } from './fixtures';
import { SmtpClient, testMessage, type Reply } from './smtp';
import { waitFor } from './wait';

/** SpamAssassin's test string (GTUBE): scores 1000 on any SpamAssassin. */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** One message over the MX port, unauthenticated; the reply to DATA (or to the failing step). */
export async function sendInbound(
  port: number,
  opts: { from: string; to: string; subject: string; body?: string; headers?: Record<string, string> },
): Promise<Reply> {
  const { client } = await SmtpClient.connect(port);
  try {
    await client.ehlo('sender.example');
    const sent = await client.send(opts.from, [opts.to], testMessage(opts));
    return sent.data ?? sent.rcpt.find((r) => r.code !== 250) ?? sent.mail;
  } finally {
    await client.quit();
  }
}

/** The header block of the message with this subject in `folder`, or undefined. */
export async function headersOf(port: number, user: string, pass: string, folder: string, subject: string): Promise<string | undefined> {
  const client = await imapLogin(port, user, pass);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const found = await client.search({ header: { subject } }, { uid: true });
      const uid = Array.isArray(found) ? found[0] : undefined;
      if (uid === undefined) return undefined;
      const msg = await client.fetchOne(String(uid), { headers: true }, { uid: true });
      return msg ? msg.headers?.toString('utf8') : undefined;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** Waits until the message with `subject` is in `folder`; its headers. */
export function waitForMessage(port: number, user: string, pass: string, folder: string, subject: string): Promise<string> {
  return waitFor(`'${subject}' in ${folder}`, () => headersOf(port, user, pass, folder, subject));
}

/** One header's unfolded value (RFC 5322 §2.2.3). */
export function headerValue(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** `sa-learn --dump magic` with the stack's private config: messages learned so far. */
export function bayesCounts(dataDir: string): { spam: number; ham: number } {
  const user = resolveMailUser();
  const run = spawnSync('sa-learn', ['--siteconfigpath', path.join(dataDir, 'config', 'spamassassin'), '--dump', 'magic'], {
    encoding: 'utf8',
    uid: user.uid,
    gid: user.gid,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: path.join(dataDir, 'spamassassin') },
  });
  const count = (what: string): number => Number(new RegExp(`^0\\.000\\s+0\\s+(\\d+)\\s+0\\s+non-token data: ${what}$`, 'm').exec(run.stdout)?.[1] ?? 0);
  return { spam: count('nspam'), ham: count('nham') };
}
