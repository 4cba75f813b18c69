/**
 * Reading the LDAP bridge's answers (ldap-bridge/README.md) into plain values.
 * Pure: no network, no ldapts; the directory client feeds entries in.
 */
import { parseRelay, type Relay, type Route } from '@mail/core';

/** An entry as ldapts returns it: attribute name → value(s). Names may come in any case. */
export type RawEntry = { dn: string } & Record<string, unknown>;

/** The bridge answered something the contract does not allow: a bridge bug, not "no". */
export class DirectoryProtocolError extends Error {
  override name = 'DirectoryProtocolError';
}

/** Attribute names are case-insensitive (RFC 4512 §2.5). */
export class Attributes {
  private readonly byName = new Map<string, string[]>();

  constructor(readonly entry: RawEntry) {
    for (const [name, value] of Object.entries(entry)) {
      if (name === 'dn') continue;
      const list = Array.isArray(value) ? value : [value];
      this.byName.set(name.toLowerCase(), list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))));
    }
  }

  all(name: string): string[] {
    return this.byName.get(name.toLowerCase()) ?? [];
  }

  one(name: string): string | undefined {
    return this.all(name)[0];
  }

  required(name: string): string {
    const value = this.one(name);
    if (value === undefined) throw new DirectoryProtocolError(`${this.entry.dn}: missing ${name}`);
    return value;
  }

  /** LDAP Boolean syntax is `TRUE` / `FALSE` (RFC 4517 §3.3.3); absent counts as false. */
  flag(name: string): boolean {
    const value = this.one(name);
    if (value === undefined || value === 'FALSE') return false;
    if (value === 'TRUE') return true;
    throw new DirectoryProtocolError(`${this.entry.dn}: ${name} is not TRUE/FALSE`);
  }
}

const ROUTE_VIA = ['mailbox', 'alias', 'catchall'] as const;
const ROUTE_REASONS = ['unknown', 'disabled', 'invalid', 'no-incoming'] as const;

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw new DirectoryProtocolError(`unexpected ${what} '${value}'`);
  return found;
}

/** `ou=routes` entry → the core routing verdict. */
export function parseRoute(entry: RawEntry): Route {
  const attrs = new Attributes(entry);
  const kind = attrs.required('routeKind');
  switch (kind) {
    case 'deliver': {
      const mailboxes = [...new Set(attrs.all('mailRoutingAddress').map((m) => m.toLowerCase()))];
      if (mailboxes.length === 0) throw new DirectoryProtocolError(`${entry.dn}: deliver without mailRoutingAddress`);
      return { kind: 'deliver', mailboxes, via: oneOf(ROUTE_VIA, attrs.required('routeVia'), 'routeVia') };
    }
    case 'reject':
      return { kind: 'reject', reason: oneOf(ROUTE_REASONS, attrs.required('routeReason'), 'routeReason') };
    case 'nonlocal':
      return { kind: 'nonlocal' };
    case 'list':
      return parseListRoute(entry, attrs);
    default:
      throw new DirectoryProtocolError(`${entry.dn}: unexpected routeKind '${kind}'`);
  }
}

/**
 * A mailing list's route (ldap-bridge/README.md): the list may deliver to nobody
 * (every member gone), so neither address attribute is required.
 */
function parseListRoute(entry: RawEntry, attrs: Attributes): Route {
  const lower = (name: string): string[] => [...new Set(attrs.all(name).map((m) => m.toLowerCase()))];
  return {
    kind: 'list',
    list: attrs.required('listAddress').toLowerCase(),
    membersOnly: attrs.flag('listMembersOnly'),
    members: lower('listMember'),
    mailboxes: lower('mailRoutingAddress'),
    external: lower('mailForwardingAddress'),
  };
}

export interface MailboxEntry {
  address: string;
  active: boolean;
  /** Its aliases, any domain (`mailAlternateAddress`). */
  aliases: string[];
  /** The mailbox's domain allows masquerading. */
  domainMasquerade: boolean;
}

export function parseMailbox(entry: RawEntry): MailboxEntry {
  const attrs = new Attributes(entry);
  return {
    address: attrs.required('mail').toLowerCase(),
    active: attrs.flag('active'),
    aliases: attrs.all('mailAlternateAddress').map((a) => a.toLowerCase()),
    domainMasquerade: attrs.flag('domainMasquerade'),
  };
}

export interface DomainEntry {
  name: string;
  domainMasquerade: boolean;
}

export function parseDomain(entry: RawEntry): DomainEntry {
  const attrs = new Attributes(entry);
  return {
    name: (attrs.one('domain') ?? attrs.required('cn')).toLowerCase(),
    domainMasquerade: attrs.flag('domainMasquerade'),
  };
}

/** A domain's signature for submitted mail (haraka-plugin-mail-signature); null = that part gets none. */
export interface DomainSignature {
  text: string | null;
  html: string | null;
}

export function parseDomainSignature(entry: RawEntry): DomainSignature {
  const attrs = new Attributes(entry);
  return { text: attrs.one('mailSignatureText') ?? null, html: attrs.one('mailSignatureHtml') ?? null };
}

/** `mailRelay` read with the same rules the orchestrator stored it by; absent = direct. */
export function parseDomainRelay(entry: RawEntry): Relay {
  try {
    return parseRelay(new Attributes(entry).one('mailRelay'));
  } catch (err) {
    throw new DirectoryProtocolError(`${entry.dn}: mailRelay: ${(err as Error).message}`);
  }
}

// RFC 4514 §2.4: characters that must be escaped anywhere in an attribute value of a DN.
const DN_SPECIAL = new Set(['"', '+', ',', ';', '<', '>', '\\', '\0']);

/**
 * Escapes one RDN value for `cn=<value>,ou=sendmail,…`, e.g. `a+b@x` → `a\2bb@x`.
 * Uses the hex form of RFC 4514 §2.4 (`\2b`), not `\+`: ldapjs 3's DN parser (the
 * bridge's) reads `\+b` as the hex byte 0x0b.
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  const hex = (c: string): string => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return chars
    .map((c, i) => {
      if (DN_SPECIAL.has(c)) return hex(c);
      // A leading space or '#', and a trailing space, are escaped too.
      if ((i === 0 && (c === ' ' || c === '#')) || (i === chars.length - 1 && c === ' ')) return hex(c);
      return c;
    })
    .join('');
}
