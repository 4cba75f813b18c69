/**
 * When AUTH is offered and accepted (RFC 4954), and when MAIL needs it. AUTH exists
 * only on the submission ports (never on the MX port), only inside TLS (passwords
 * never cross the wire in clear: RFC 8314 §3, RFC 4954 §4), and only with PLAIN and
 * LOGIN — CRAM-MD5 needs the plain password on the server, which we never keep.
 */
import { DSN } from '@mail/haraka-common';

export const AUTH_METHODS = ['PLAIN', 'LOGIN'] as const;

export interface SessionFacts {
  /** The local port is one of the submission ports. */
  submissionPort: boolean;
  /** TLS is up (STARTTLS done, or the implicit-TLS port). */
  tls: boolean;
  authenticated: boolean;
  /** MAIL FROM has been given and the transaction is still open. */
  inTransaction: boolean;
}

/** Whether EHLO lists `AUTH PLAIN LOGIN`. */
export function offersAuth(session: SessionFacts): boolean {
  return session.submissionPort && session.tls && !session.authenticated;
}

export interface Refusal {
  code: number;
  text: string;
}

/** Why an AUTH command is refused before any credentials are looked at, if it is. */
export function refuseAuthCommand(session: SessionFacts): Refusal | undefined {
  // RFC 5321 §4.2.4: 502 command not implemented (here).
  if (!session.submissionPort) return { code: 502, text: '5.5.1 AUTH is not available on this port' };
  // RFC 4954 §6: 538 5.7.11 Encryption required for requested authentication mechanism.
  if (!session.tls) return { code: 538, text: '5.7.11 Encryption required: use STARTTLS first' };
  // RFC 4954 §4: after a successful AUTH, further AUTH commands get 503.
  if (session.authenticated) return { code: 503, text: '5.5.1 Already authenticated' };
  // RFC 4954 §4: AUTH is not permitted during a mail transaction.
  if (session.inTransaction) return { code: 503, text: '5.5.1 AUTH not permitted during a mail transaction' };
  return undefined;
}

/** RFC 4954 §6: 530 5.7.0 Authentication required. */
export const AUTH_REQUIRED = new DSN(530, '5.7.0 Authentication required');

/** RFC 4954 §6: 454 4.7.0 Temporary authentication failure (the bridge could not say). */
export const AUTH_TEMPFAIL: Refusal = { code: 454, text: '4.7.0 Temporary authentication failure, please try again later' };
