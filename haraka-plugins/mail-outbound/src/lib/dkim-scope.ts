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
 * The key directories haraka-plugin-dkim would try for a domain, most specific first:
 * the domain and its parents down to two labels (its get_key_dir).
 */
export function keyDomainCandidates(domain: string): string[] {
  const labels = domain.toLowerCase().split('.');
  const candidates: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) candidates.push(labels.slice(i).join('.'));
  return candidates;
}
