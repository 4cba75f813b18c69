/**
 * Compares what the load generator was told (250, 4xx, lost connections) with what the
 * maildirs hold, and names every discrepancy. The rules (DESIGN: "a message the server
 * acknowledged with 250 is never lost"; SMTP is at-least-once, RFC 5321 §4.1.1.4/RFC 1047):
 *   - missing: acknowledged, but absent from a recipient's mailbox — never allowed;
 *   - duplicates after an ambiguous attempt (connection lost after the final ".",
 *     so the client could not know the server had it) — allowed, counted apart;
 *   - any other duplicate — not allowed.
 */
import type { LoadMessage } from './load-generator';
import type { MaildirScan } from './maildir';

export interface LoadReport {
  messages: number;
  acknowledged: number;
  refusedPermanently: number;
  gaveUp: number;
  /** Messages that got at least one 4xx reply before their 250. */
  retriedAfter4xx: number;
  /** Messages that lost at least one connection before their 250. */
  retriedAfterLostConnection: number;
  /** Messages with a connection lost between the final "." and its reply. */
  ambiguous: number;
  /** (message, mailbox) pairs holding exactly one copy. */
  storedOnce: number;
  missing: string[];
  duplicatesAfterAmbiguous: string[];
  duplicatesUnexplained: string[];
  /** Tokens of this run found in a mailbox that was not a recipient of that message (or never sent). */
  misdelivered: string[];
  truncated: string[];
  /** "451 at end-of-data" → how often (every 4xx seen, by step). */
  tempfailReplies: Record<string, number>;
  /** Attempts per lost-connection step, e.g. "lost at end-of-data" → 3. */
  lostConnections: Record<string, number>;
}

const tally = (into: Record<string, number>, key: string): void => {
  into[key] = (into[key] ?? 0) + 1;
};

export function buildReport(messages: readonly LoadMessage[], scans: ReadonlyMap<string, MaildirScan>, runId: string): LoadReport {
  const report: LoadReport = {
    messages: messages.length,
    acknowledged: 0,
    refusedPermanently: 0,
    gaveUp: 0,
    retriedAfter4xx: 0,
    retriedAfterLostConnection: 0,
    ambiguous: 0,
    storedOnce: 0,
    missing: [],
    duplicatesAfterAmbiguous: [],
    duplicatesUnexplained: [],
    misdelivered: [],
    truncated: [...scans.values()].flatMap((s) => s.truncated),
    tempfailReplies: {},
    lostConnections: {},
  };
  for (const message of messages) countMessage(report, message, scans);
  const byToken = new Map(messages.map((m) => [m.token, m]));
  for (const [mailbox, scan] of scans) {
    for (const token of scan.copies.keys()) {
      if (!token.startsWith(`${runId}-`)) continue;
      if (!byToken.get(token)?.recipients.map((r) => r.toLowerCase()).includes(mailbox)) report.misdelivered.push(`${token} in ${mailbox}`);
    }
  }
  return report;
}

function countMessage(report: LoadReport, message: LoadMessage, scans: ReadonlyMap<string, MaildirScan>): void {
  if (message.outcome === 'acknowledged') report.acknowledged++;
  if (message.outcome === 'refused') report.refusedPermanently++;
  if (message.outcome === 'gave-up' || message.outcome === 'pending') report.gaveUp++;
  const tempfails = message.attempts.filter((a) => a.code !== undefined && a.code >= 400 && a.code < 500);
  const lost = message.attempts.filter((a) => a.code === undefined && a.error !== undefined);
  tempfails.forEach((a) => tally(report.tempfailReplies, `${a.code} at ${a.stage}`));
  lost.forEach((a) => tally(report.lostConnections, `lost at ${a.stage}`));
  if (tempfails.length > 0) report.retriedAfter4xx++;
  if (lost.length > 0) report.retriedAfterLostConnection++;
  const ambiguous = lost.some((a) => a.stage === 'end-of-data');
  if (ambiguous) report.ambiguous++;
  for (const mailbox of message.recipients.map((r) => r.toLowerCase())) {
    const copies = scans.get(mailbox)?.copies.get(message.token) ?? 0;
    const label = `${message.token} in ${mailbox} (${copies} copies, attempts: ${describeAttempts(message)})`;
    if (copies === 1) report.storedOnce++;
    else if (copies === 0 && message.outcome === 'acknowledged') report.missing.push(label);
    else if (copies > 1) (ambiguous ? report.duplicatesAfterAmbiguous : report.duplicatesUnexplained).push(label);
  }
}

function describeAttempts(message: LoadMessage): string {
  return message.attempts.map((a) => (a.code !== undefined ? `${a.code}@${a.stage}` : `lost@${a.stage}`)).join(',');
}

/** The counts for a log line (the lists only when they are not empty). */
export function summarize(report: LoadReport): string {
  const counts = Object.entries(report).map(([k, v]) => `${k}=${Array.isArray(v) ? v.length : JSON.stringify(v)}`);
  const lists = Object.entries(report)
    .filter(([, v]) => Array.isArray(v) && v.length > 0)
    .map(([k, v]) => `${k}:\n  ${(v as string[]).slice(0, 20).join('\n  ')}`);
  return [counts.join(' '), ...lists].join('\n');
}
