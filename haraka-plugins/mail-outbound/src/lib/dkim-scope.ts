/**
 * Which messages haraka-plugin-dkim may sign. It signs whatever reaches the
 * queue_outbound hook and logs an error for a domain without a key; we want exactly
 * the mail our users submitted from a domain we hold a key for (DKIM, RFC 6376 §1:
 * the signer takes responsibility for the message — not for mail merely passing
 * through). Pure.
 */

export type DkimScope = { sign: true } | { sign: false; reason: string };

export function dkimScope(facts: { authenticated: boolean; senderDomain: string; keyFound: boolean }): DkimScope {
  if (!facts.authenticated) return { sign: false, reason: 'not submitted by an authenticated user' };
  if (facts.senderDomain === '') return { sign: false, reason: 'null sender' };
  if (!facts.keyFound) return { sign: false, reason: `no DKIM key for ${facts.senderDomain}` };
  return { sign: true };
}

/**
 * The domain whose key signs: the envelope sender's. Server-generated mail from Sieve
 * (a vacation reply, RFC 5230 §5.6) has the null sender; it is signed for the domain of
 * its From: address — the mailbox that is away — when `fromHeader` is given (only for
 * Dovecot's internal submissions). '' = nothing to sign for.
 */
export function signingDomain(facts: { envelopeDomain: string; fromHeader?: string | undefined }): string {
  if (facts.envelopeDomain !== '' || facts.fromHeader === undefined) return facts.envelopeDomain;
  // One address, `Name <local@domain>` or `local@domain` (RFC 5322 §3.6.2).
  const match = /<?[^\s<>@]+@([A-Za-z0-9.-]+)>?\s*$/.exec(facts.fromHeader.trim());
  return match?.[1]?.toLowerCase() ?? '';
}

/**
 * The key directories haraka-plugin-dkim would try for a domain, most specific first:
 * the domain and its parents down to two labels (its get_key_dir).
 */
export function keyDomainCandidates(domain: string): string[] {
  const labels = domain.toLowerCase().split('.');
  const candidates: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) candidates.push(labels.slice(i).join('.'));
  return candidates;
}
