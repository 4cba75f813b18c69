/**
 * The one non-mailbox login of the submission ports: Dovecot's Sieve (redirect,
 * vacation) hands its mail to Haraka through the `sieve-sendmail` program, which
 * authenticates as this name with a secret only the orchestrator, Haraka and the mail
 * user can read. The name has no '@', so no mailbox can ever be called this.
 */
import crypto from 'node:crypto';
import type { Connection } from './haraka';

export const INTERNAL_SUBMITTER = 'mailserver-sieve';

/** mail-auth's connection note (STYLE 2): `{ user, internal? }` once AUTH succeeded. */
export const AUTH_NOTE = 'mail_auth';

export interface AuthNote {
  user: string;
  /** Set for INTERNAL_SUBMITTER: Sieve mail from Dovecot, any envelope sender. */
  internal?: true;
}

export function authNote(connection: Pick<Connection, 'notes'>): AuthNote | undefined {
  const note = connection.notes[AUTH_NOTE] as Partial<AuthNote> | undefined;
  return typeof note?.user === 'string' ? (note as AuthNote) : undefined;
}

export function isInternalSubmission(connection: Pick<Connection, 'notes'>): boolean {
  return authNote(connection)?.internal === true;
}

/**
 * The internal login: the right secret (compared in constant time), from this very
 * machine (loopback, or our own address when the listeners bind to a public one).
 * An empty configured secret turns the login off.
 */
export function internalLoginAllowed(facts: { password: string; expected: string; remoteIp: string | null; localIp: string | null }): boolean {
  if (facts.expected === '') return false;
  const digest = (s: string): Buffer => crypto.createHash('sha256').update(s).digest();
  const secretMatches = crypto.timingSafeEqual(digest(facts.password), digest(facts.expected));
  const ip = facts.remoteIp ?? '';
  const sameHost = ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.') || (ip !== '' && ip === facts.localIp);
  return secretMatches && sameHost;
}
