/**
 * The headers this server owns on inbound mail (RFC 8601 Authentication-Results and
 * our `X-Mailserver-*` fields): which incoming ones must go, and the values we add.
 */

/** Every header we add starts with this; an incoming one is a forgery and is removed. */
export const SERVER_HEADER_PREFIX = 'x-mailserver-';
export const RDNS_HEADER = 'X-Mailserver-Rdns';
export const QUARANTINE_HEADER = 'X-Mailserver-Quarantine';

/** Drops RFC 5322 §3.2.2 comments (nested parentheses, quoted pairs) from a header value. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && depth > 0) {
      i++;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}

/**
 * RFC 8601 §2.2: `authres-header-field = authserv-id [ CFWS authres-version ] ...`.
 * The authserv-id is the first token of the value; undefined when there is none.
 */
export function authservId(value: string): string | undefined {
  const token = stripComments(value).trim().split(/[\s;]/)[0];
  return token === undefined || token === '' ? undefined : token.replace(/^"|"$/g, '');
}

/**
 * RFC 8601 §5: an MTA MUST remove an Authentication-Results field that claims its own
 * authserv-id before adding its own (a sender could otherwise forge our verdict).
 */
export function claimsOurName(value: string, hostname: string): boolean {
  return authservId(value)?.toLowerCase() === hostname.toLowerCase();
}

export function isServerHeader(name: string): boolean {
  return name.toLowerCase().startsWith(SERVER_HEADER_PREFIX);
}

export type RdnsStatus = 'pass' | 'none' | 'mismatch' | 'temperror';

/** `X-Mailserver-Rdns: pass|none|mismatch|temperror (<client ip>)` (the contract with the spam rules). */
export function rdnsHeaderValue(status: RdnsStatus, ip: string): string {
  return `${status} (${ip})`;
}

/** One `method=result …` entry, one line, no characters that could end or fold the header. */
export function resultEntry(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}
