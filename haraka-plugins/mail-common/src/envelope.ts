/** Envelope addresses as plain strings. */
import type { HarakaAddress } from './haraka';

/**
 * `user@domain` of an envelope path, the domain lower-cased (Haraka's `host`);
 * the bare `postmaster` of RFC 5321 §4.1.1.3 stays as it is; '' for `<>`.
 */
export function envelopeAddress(path: HarakaAddress): string {
  if (path.isNull()) return '';
  return path.host ? `${path.user}@${path.host}` : path.user;
}
