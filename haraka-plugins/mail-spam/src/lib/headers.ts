/**
 * The X-Spam-* headers this server writes, in SpamAssassin's own shape so mail clients
 * and filters that know SpamAssassin read them as usual. Incoming X-Spam-* headers are
 * dropped first: only ours may decide the Spam folder (the Sieve global script reads
 * X-Spam-Flag).
 */
import type { SpamVerdict } from './spamc';

export const STATUS_HEADER = 'X-Spam-Status';
export const FLAG_HEADER = 'X-Spam-Flag';
export const SCORE_HEADER = 'X-Spam-Score';

// RFC 5322 §2.1.1: lines at most 998 characters; keep the header well inside it.
const MAX_TESTS_LENGTH = 900;

/** Names of headers to drop before scanning (case-insensitive, RFC 5322 §1.2.2). */
export function isSpamHeader(name: string): boolean {
  return /^x-spam-/i.test(name);
}

function testsList(tests: string[]): string {
  let list = '';
  for (const test of tests) {
    const next = list === '' ? test : `${list},${test}`;
    if (next.length > MAX_TESTS_LENGTH) return `${list},...`;
    list = next;
  }
  return list === '' ? 'none' : list;
}

/** `Yes, score=1000.0 required=5.0 tests=GTUBE,...` as SpamAssassin writes it. */
export function spamHeaders(verdict: SpamVerdict): [string, string][] {
  const status = `${verdict.isSpam ? 'Yes' : 'No'}, score=${verdict.score.toFixed(1)} required=${verdict.required.toFixed(1)} tests=${testsList(verdict.tests)}`;
  return [
    [STATUS_HEADER, status],
    [FLAG_HEADER, verdict.isSpam ? 'YES' : 'NO'],
    [SCORE_HEADER, verdict.score.toFixed(1)],
  ];
}

/** `not scanned (spamd unavailable: connect ECONNREFUSED 127.0.0.1:2783)`: printable ASCII only. */
export function notScannedStatus(reason: string): string {
  const clean = reason.replace(/[^\x20-\x7e]/g, ' ').replace(/[()]/g, '').slice(0, 200).trim();
  return `not scanned (${clean})`;
}

/** The envelope sender as SpamAssassin reads it (X-Envelope-From is among its sender headers). */
export function envelopeFromLine(mailFrom: string): string {
  const clean = mailFrom.replace(/[^\x21-\x7e]/g, '');
  return `X-Envelope-From: <${clean}>\r\n`;
}

/** Whether a score is refused outright (the reject threshold; null never). */
export function shouldReject(score: number, rejectThreshold: number | null): boolean {
  return rejectThreshold !== null && score >= rejectThreshold;
}
