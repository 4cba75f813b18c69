/**
 * Recipient routing: which mailboxes receive mail sent to an address.
 * The LDAP bridge runs this against the store; Haraka asks the bridge.
 */
import { formatAddress, parseAddress, stripSubaddress } from './address';

export interface MailboxRecord {
  address: string;
  active: boolean;
}

/** What routing needs to know about the directory (answered live from the store). */
export interface RoutingDirectory {
  isLocalDomain(domain: string): Promise<boolean>;
  findMailbox(address: string): Promise<MailboxRecord | undefined>;
  /** The mailbox an alias points at, if the address is an alias. */
  findAliasTarget(address: string): Promise<MailboxRecord | undefined>;
  /** The catch-all mailboxes of a domain (empty: bounce). */
  catchAll(domain: string): Promise<MailboxRecord[]>;
}

export type Route =
  | { kind: 'deliver'; mailboxes: string[]; via: 'mailbox' | 'alias' | 'catchall' }
  | { kind: 'reject'; reason: 'unknown' | 'disabled' | 'invalid' }
  | { kind: 'nonlocal' };

export async function resolveRecipient(address: string, dir: RoutingDirectory): Promise<Route> {
  const parsed = parseAddress(address);
  if (!parsed) return { kind: 'reject', reason: 'invalid' };
  if (!(await dir.isLocalDomain(parsed.domain))) return { kind: 'nonlocal' };

  const exact = await findDirect(formatAddress(parsed.local, parsed.domain), dir);
  const base = stripSubaddress(parsed.local);
  // "name+tag@domain" reaches "name" (mailbox or alias) when "name+tag" itself is unknown.
  const found = exact ?? (base ? await findDirect(formatAddress(base, parsed.domain), dir) : undefined);

  if (found?.mailbox.active) return { kind: 'deliver', mailboxes: [found.mailbox.address], via: found.via };

  // Unknown or disabled: the catch-all takes it if the domain has one, else bounce.
  const catchAll = (await dir.catchAll(parsed.domain)).filter((m) => m.active).map((m) => m.address);
  if (catchAll.length > 0) return { kind: 'deliver', mailboxes: [...new Set(catchAll)], via: 'catchall' };
  return { kind: 'reject', reason: found ? 'disabled' : 'unknown' };
}

async function findDirect(
  address: string,
  dir: RoutingDirectory,
): Promise<{ mailbox: MailboxRecord; via: 'mailbox' | 'alias' } | undefined> {
  const mailbox = await dir.findMailbox(address);
  if (mailbox) return { mailbox, via: 'mailbox' };
  const target = await dir.findAliasTarget(address);
  return target ? { mailbox: target, via: 'alias' } : undefined;
}
