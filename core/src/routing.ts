/**
 * Recipient routing: which mailboxes receive mail sent to an address.
 * The LDAP bridge runs this against the store; Haraka asks the bridge.
 */
import { formatAddress, parseAddress, stripSubaddress } from './address';
import { expandList, type ListRecord, type ListRoute } from './lists';

export interface MailboxRecord {
  address: string;
  active: boolean;
}

/** What routing needs to know about the directory (answered live from the store). */
export interface RoutingDirectory {
  isLocalDomain(domain: string): Promise<boolean>;
  /**
   * Whether a local domain receives mail (spec "Enable Email"); absent: every local
   * domain does. A send-only domain's mailboxes still log in and send.
   */
  receivesMail?(domain: string): Promise<boolean>;
  findMailbox(address: string): Promise<MailboxRecord | undefined>;
  /** The mailbox an alias points at, if the address is an alias. */
  findAliasTarget(address: string): Promise<MailboxRecord | undefined>;
  /** The catch-all mailboxes of a domain (empty: bounce). */
  catchAll(domain: string): Promise<MailboxRecord[]>;
  /** The mailing list at an address (absent: the directory has no lists). */
  findList?(address: string): Promise<ListRecord | undefined>;
}

export type Route =
  | { kind: 'deliver'; mailboxes: string[]; via: 'mailbox' | 'alias' | 'catchall' }
  | { kind: 'reject'; reason: 'unknown' | 'disabled' | 'invalid' | 'no-incoming' }
  | { kind: 'nonlocal' }
  | ListRoute;

export async function resolveRecipient(address: string, dir: RoutingDirectory): Promise<Route> {
  return resolveWithin(address, dir, []);
}

/** `listPath`: the lists being expanded around this address (see lists.ts). */
async function resolveWithin(address: string, dir: RoutingDirectory, listPath: readonly string[]): Promise<Route> {
  const parsed = parseAddress(address);
  if (!parsed) return { kind: 'reject', reason: 'invalid' };
  if (!(await dir.isLocalDomain(parsed.domain))) return { kind: 'nonlocal' };
  // Incoming off: every address of the domain (mailbox, alias, list, catch-all) is
  // refused, from outside and from local senders alike. Still local, so never relayed.
  if (dir.receivesMail && !(await dir.receivesMail(parsed.domain))) return { kind: 'reject', reason: 'no-incoming' };

  const exact = await findDirect(formatAddress(parsed.local, parsed.domain), dir);
  const base = stripSubaddress(parsed.local);
  // "name+tag@domain" reaches "name" (mailbox or alias) when "name+tag" itself is unknown.
  const found = exact ?? (base ? await findDirect(formatAddress(base, parsed.domain), dir) : undefined);

  if (found?.via === 'list') {
    if (found.list.active) return expandList(found.list, listPath, (member, path) => resolveWithin(member, dir, path));
  } else if (found?.mailbox.active) return { kind: 'deliver', mailboxes: [found.mailbox.address], via: found.via };

  // Unknown or disabled: the catch-all takes it if the domain has one, else bounce.
  // Not for list members: a removed member's list mail should not land in the catch-all.
  if (listPath.length > 0) return { kind: 'reject', reason: found ? 'disabled' : 'unknown' };
  const catchAll = (await dir.catchAll(parsed.domain)).filter((m) => m.active).map((m) => m.address);
  if (catchAll.length > 0) return { kind: 'deliver', mailboxes: [...new Set(catchAll)], via: 'catchall' };
  return { kind: 'reject', reason: found ? 'disabled' : 'unknown' };
}

async function findDirect(
  address: string,
  dir: RoutingDirectory,
): Promise<{ mailbox: MailboxRecord; via: 'mailbox' | 'alias' } | { list: ListRecord; via: 'list' } | undefined> {
  const mailbox = await dir.findMailbox(address);
  if (mailbox) return { mailbox, via: 'mailbox' };
  const target = await dir.findAliasTarget(address);
  if (target) return { mailbox: target, via: 'alias' };
  const list = await dir.findList?.(address);
  return list ? { list, via: 'list' } : undefined;
}
