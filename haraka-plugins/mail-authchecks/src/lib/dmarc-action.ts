/**
 * What to do with a message after DMARC (RFC 7489 §6.3, §6.6.4): the domain owner's
 * policy applies only to a failure, and only to `pct` percent of the failures.
 */

export type DmarcAction = 'accept' | 'quarantine' | 'reject';

export interface DmarcOutcome {
  /** pass | fail | none | temperror | permerror | neutral */
  result: string;
  /** The policy that applies (p, or sp for a subdomain); undefined when there is no record. */
  policy: string | undefined;
  pct: number | undefined;
}

/** `roll` in [0, 100): the sample for `pct` (RFC 7489 §6.6.4). */
export function dmarcAction(outcome: DmarcOutcome, roll: number): DmarcAction {
  if (outcome.result !== 'fail') return 'accept';
  // A failure outside the sample gets the next weaker policy (reject → quarantine → none).
  const sampled = roll < (outcome.pct ?? 100);
  if (outcome.policy === 'reject') return sampled ? 'reject' : 'quarantine';
  if (outcome.policy === 'quarantine' && sampled) return 'quarantine';
  return 'accept';
}
