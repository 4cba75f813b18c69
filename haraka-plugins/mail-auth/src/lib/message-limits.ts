/**
 * Per-message limits: the size limit's reply code and the recipient count.
 *
 * Haraka enforces the size itself (connection.ini `[max] bytes`, advertised as
 * `SIZE n` in EHLO per RFC 1870 §4) but answers an oversized message with
 * `550 Message too big!` — both at `MAIL FROM ... SIZE=n` and after DATA — and no hook
 * can change that code. RFC 1870 §6.1 and RFC 5321 §4.5.3.1.10 ask for 552 there
 * ("exceeded storage allocation"), which a client treats as a permanent, size-related
 * refusal rather than a policy one. `sizeReply` translates exactly that core reply.
 */
import { DSN } from '@mail/haraka-common';

/** RFC 5321 §4.5.3.1.8 asks for at least 100; the product allows 500 per message. */
export const MAX_RECIPIENTS = 500;

/** RFC 5321 §4.5.3.1.10: "452 Too many recipients"; RFC 3463 X.5.3. */
export const TOO_MANY_RECIPIENTS = new DSN(452, '4.5.3 Too many recipients');

/** The text Haraka 3.3.4's connection.js sends with its 550 for an oversized message. */
export const CORE_TOO_BIG_TEXT = 'Message too big!';

/** RFC 3463 X.3.4: "Message too big for system". */
export const TOO_BIG_TEXT = '5.3.4 Message size exceeds fixed maximum message size';

export interface Reply {
  code: number;
  message: unknown;
}

/** Haraka's oversize 550 becomes 552 5.3.4; every other reply passes unchanged. */
export function sizeReply(code: number, message: unknown): Reply {
  if (code === 550 && message === CORE_TOO_BIG_TEXT) return { code: 552, message: TOO_BIG_TEXT };
  return { code, message };
}

/** `count` includes the recipient being judged (Haraka adds it before the rcpt hook). */
export function tooManyRecipients(count: number): boolean {
  return count > MAX_RECIPIENTS;
}

/** RFC 1870 §6.1 / RFC 3463 X.3.4: the reply for a message above the live limit. */
export const TOO_BIG = new DSN(552, TOO_BIG_TEXT);

/**
 * Sets `SIZE n` among the EHLO keywords to the live limit (RFC 1870 §4), in place so
 * other plugins' keywords stay. Haraka core adds `SIZE` from connection.ini, which it
 * reads once at start; the live value replaces it.
 */
export function setSizeLimit(capabilities: string[], limit: number): void {
  const at = capabilities.findIndex((c) => /^SIZE(\s|$)/i.test(c));
  if (at >= 0) capabilities[at] = `SIZE ${limit}`;
  else capabilities.push(`SIZE ${limit}`);
}

/** `MAIL FROM:<…> SIZE=n` (RFC 1870 §6): true when the declared size is above the limit. */
export function declaredSizeTooBig(sizeParam: string | null | undefined, limit: number): boolean {
  if (sizeParam === null || sizeParam === undefined || !/^\d{1,20}$/.test(sizeParam)) return false;
  return Number(sizeParam) > limit;
}
