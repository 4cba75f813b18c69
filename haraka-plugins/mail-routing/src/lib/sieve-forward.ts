/**
 * The envelope sender of a Sieve `redirect` leaving for another domain. Dovecot keeps
 * the original sender as MAIL FROM (sieve_redirect_envelope_from = sender) and names
 * the redirecting mailbox in `X-Sieve-Redirected-From` (Pigeonhole adds it and hides
 * any copy it received). Forwarding with a foreign sender would fail SPF at the
 * receiver, so the sender is rewritten with SRS in the redirecting mailbox's domain,
 * as for lists (core/src/srs.ts). Pure: the caller trusts the header only on Dovecot's
 * internal submissions.
 */
import { parseAddress, type Srs } from '@mail/core';

export function sieveForwardSender(sender: string, redirectedFrom: readonly string[], srs: Srs | undefined): string {
  // The null sender (vacation replies, RFC 5230 §5.6) is never rewritten.
  if (srs === undefined || sender === '') return sender;
  for (const value of redirectedFrom) {
    const domain = parseAddress(value.trim().replace(/^<(.*)>$/, '$1'))?.domain;
    if (domain !== undefined) return srs.forward(sender, domain);
  }
  return sender;
}
