/**
 * Masquerade protection for submission: "one user cannot send email pretending to be
 * another user" (spec: Security). MAIL FROM must be the authenticated mailbox or one of
 * its aliases (with or without a +tag), unless masquerading is allowed.
 */
import { baseAddress, parseAddress } from './address';

export interface SenderContext {
  /** The mailbox the client authenticated as. */
  authenticated: string;
  /** Its aliases (any domain). */
  aliases: readonly string[];
  /** Masquerading is allowed on the authenticated mailbox's domain. */
  masqueradeAllowedForMailboxDomain: boolean;
  /** For a sender address on one of our domains: whether that domain allows masquerading. */
  senderDomain: { local: boolean; masqueradeAllowed: boolean };
}

export type SenderVerdict = { allowed: true; reason: 'own' | 'alias' | 'null-sender' | 'masquerade' } | { allowed: false };

export function checkSender(mailFrom: string, ctx: SenderContext): SenderVerdict {
  if (mailFrom === '') return { allowed: true, reason: 'null-sender' }; // RFC 5321 §4.5.5 bounces
  const sender = baseAddress(mailFrom);
  if (sender && sender === baseAddress(ctx.authenticated)) return { allowed: true, reason: 'own' };
  if (sender && ctx.aliases.some((alias) => baseAddress(alias) === sender)) return { allowed: true, reason: 'alias' };
  // Masquerading needs the sender's own domain to agree when it is one of ours, so a
  // permissive domain cannot be used to spoof a protected one.
  const domainAgrees = !ctx.senderDomain.local || ctx.senderDomain.masqueradeAllowed;
  if (parseAddress(mailFrom) && ctx.masqueradeAllowedForMailboxDomain && domainAgrees) {
    return { allowed: true, reason: 'masquerade' };
  }
  return { allowed: false };
}
