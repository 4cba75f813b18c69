/**
 * Local delivery policy: which SMTP answer a message gets after LMTP has spoken for
 * each mailbox. Two rules pull against each other — "250 means never lost" and "a 4xx
 * makes the client send again, so every mailbox that already has the message gets a
 * second copy" — and only a durable queue satisfies both when a delivery is partial:
 *
 *   1. Deliver to all mailboxes in one LMTP session.
 *   2. Retry the mailboxes that failed *temporarily* (and all of them when the session
 *      itself broke) a few times inside the hook, with a short doubling pause.
 *      Permanent failures are not retried.
 *   3. Then:
 *      - every mailbox saved            → 250.
 *      - none saved, any temporary fail → 4xx: the client retries; no copy exists yet.
 *      - none saved, all permanent      → 5xx with the LMTP server's reason.
 *      - some saved, some not           → "partial": the caller writes the message for
 *        the remaining mailboxes into Haraka's outbound queue (fsync'd to disk), which
 *        retries over LMTP and bounces permanent failures to the sender, and answers
 *        250 once that queue write succeeded. If even that fails, 4xx: a duplicate
 *        in some mailboxes is better than a loss in others.
 * Pure: the LMTP attempt and the pause are injected.
 */
import type { RecipientResult } from './lmtp';

export interface RetryPolicy {
  /** Total attempts, at least 1. */
  attempts: number;
  /** Pause before the second attempt; doubles after each further one. */
  retryDelayMs: number;
}

export type DeliveryAttempt = (mailboxes: string[]) => Promise<RecipientResult[]>;
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one attempt; a session that fails as a whole is a temporary failure for every mailbox in it. */
async function attemptAll(attempt: DeliveryAttempt, mailboxes: string[]): Promise<RecipientResult[]> {
  try {
    const results = await attempt(mailboxes);
    const byMailbox = new Map(results.map((r) => [r.recipient, r]));
    return mailboxes.map((m) => byMailbox.get(m) ?? { recipient: m, status: 'tempfail', reply: 'no result' });
  } catch (err) {
    const reply = err instanceof Error ? err.message : String(err);
    return mailboxes.map((recipient) => ({ recipient, status: 'tempfail', reply }));
  }
}

/** The last result for each mailbox, after retrying temporary failures (steps 1–2). */
export async function deliverWithRetries(
  mailboxes: readonly string[],
  attempt: DeliveryAttempt,
  policy: RetryPolicy,
  sleep: Sleep = realSleep,
): Promise<RecipientResult[]> {
  const unique = [...new Set(mailboxes)];
  const last = new Map<string, RecipientResult>();
  let pending = unique;
  for (let n = 1; pending.length > 0; n++) {
    const results = await attemptAll(attempt, pending);
    for (const r of results) last.set(r.recipient, r);
    pending = results.filter((r) => r.status === 'tempfail').map((r) => r.recipient);
    if (n >= policy.attempts || pending.length === 0) break;
    await sleep(policy.retryDelayMs * 2 ** (n - 1));
  }
  return unique.map((m) => last.get(m) ?? { recipient: m, status: 'tempfail', reply: 'not attempted' });
}

export type DeliveryVerdict =
  | { kind: 'delivered' }
  | { kind: 'tempfail' }
  | { kind: 'permfail'; reason: string }
  | { kind: 'partial'; delivered: string[]; remaining: string[] };

/** Step 3. `results` holds one entry per mailbox (deliverWithRetries' output). */
export function decideDelivery(results: readonly RecipientResult[]): DeliveryVerdict {
  const delivered = results.filter((r) => r.status === 'delivered').map((r) => r.recipient);
  const failed = results.filter((r) => r.status !== 'delivered');
  if (failed.length === 0) return { kind: 'delivered' };
  if (delivered.length > 0) return { kind: 'partial', delivered, remaining: failed.map((r) => r.recipient) };
  const firstTemp = failed.find((r) => r.status === 'tempfail');
  if (firstTemp) return { kind: 'tempfail' };
  return { kind: 'permfail', reason: permanentReason(failed[0]) };
}

/** "550 5.2.2 <a@b> Mailbox is full" → "5.2.2 <a@b> Mailbox is full" (Haraka adds its own code). */
function permanentReason(result: RecipientResult | undefined): string {
  const text = result?.reply.replace(/^\d{3}[ -]?/, '').trim() ?? '';
  return /^5\.\d{1,3}\.\d{1,3} /.test(text) ? text : `5.3.0 ${text || 'local delivery failed'}`;
}
