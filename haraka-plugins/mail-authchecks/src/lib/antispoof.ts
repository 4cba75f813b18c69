/**
 * Anti-spoof (product specification, "Cloudron has an anti-spoof feature"): mail that
 * arrives unauthenticated on the MX claiming one of our own domains — in the
 * envelope sender or in From: — is refused, unless the connecting IP passes SPF for
 * that domain (a backup MX listed in the domain's SPF record forwards mail in).
 * A permissive `~all`/`?all` is not enough: only an SPF `pass` (RFC 7208 §2.6.3)
 * for the client IP counts.
 */

export interface SpoofCheck {
  /** The domain claimed (envelope sender or From: domain), lower-case. */
  domain: string;
  /** Which identity claimed it, for the log and the reply. */
  identity: 'envelope sender' | 'From header';
  local: boolean;
  /** The SPF result for this domain and the client IP, lower-case (RFC 8601 §2.7.2 names). */
  spf: string | undefined;
}

export type SpoofVerdict = { refuse: false } | { refuse: true; reason: string };

export function antiSpoofVerdict(check: SpoofCheck): SpoofVerdict {
  if (!check.local || check.spf === 'pass') return { refuse: false };
  return {
    refuse: true,
    reason: `${check.identity} domain ${check.domain} is local, but this client is not authenticated and SPF does not pass for it (${check.spf ?? 'none'})`,
  };
}

/** The domain of an address (`a@B.example` → `b.example`), '' when it has none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).trim().replace(/>$/, '').toLowerCase();
}
