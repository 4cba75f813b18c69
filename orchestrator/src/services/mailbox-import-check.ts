/**
 * Checks a whole mailbox import before anything is written: every problem of every
 * row is collected with its line (CSV) or entry number (JSON), so an operator fixes
 * the file in one pass. Only a batch with no problem reaches the store.
 */
import { aliasNameError, formatAddress, isDomainName, mailboxNameError, OWNER_TYPES, usernameError, type OwnerType } from '@mail/core';
import type { MailboxImportRow, Store } from '../store';

/** One entry as read from the file, before any check. */
export interface ImportEntry {
  /** CSV: the file line the record starts on; JSON: the 1-based index in the array. */
  line: number;
  name: string;
  domain: string;
  owner: string;
  ownerType: string;
  aliases: { name: string; domain: string }[];
  active: boolean;
}

export interface ImportProblem {
  line: number;
  message: string;
}

export interface CheckedImport {
  rows: MailboxImportRow[];
  problems: ImportProblem[];
}

/** Addresses claimed so far in this batch (mailboxes and aliases share one space). */
type Claims = Map<string, number>;

export async function checkImport(
  store: Store,
  entries: ImportEntry[],
  onProgress?: (done: number, total: number) => void,
): Promise<CheckedImport> {
  const rows: MailboxImportRow[] = [];
  const problems: ImportProblem[] = [];
  const claims: Claims = new Map();
  for (const [i, entry] of entries.entries()) {
    const found = await checkEntry(store, entry, claims);
    if (typeof found === 'string') problems.push({ line: entry.line, message: found });
    else rows.push(found);
    onProgress?.(i + 1, entries.length);
  }
  return { rows, problems };
}

async function checkEntry(store: Store, entry: ImportEntry, claims: Claims): Promise<MailboxImportRow | string> {
  const ownerType = OWNER_TYPES.find((t) => t === entry.ownerType.trim().toLowerCase());
  if (!ownerType) return `owner type '${entry.ownerType}' must be one of ${OWNER_TYPES.join(', ')}`;
  const name = entry.name.trim().toLowerCase();
  const domain = entry.domain.trim().toLowerCase();
  const nameProblem = mailboxNameError(name, ownerType);
  if (nameProblem) return `${name}@${domain}: ${nameProblem}`;
  const address = formatAddress(name, domain);
  const problem =
    (await domainProblem(store, domain)) ??
    (await addressProblem(store, address, claims, entry.line)) ??
    (await ownerProblem(store, ownerType, entry.owner.trim()));
  if (problem) return problem;
  const aliases: string[] = [];
  for (const alias of entry.aliases) {
    const checked = await checkAlias(store, alias, claims, entry.line);
    if (checked.problem) return `alias ${checked.address}: ${checked.problem}`;
    aliases.push(checked.address);
  }
  const mailbox = { address, name, domain, ownerType, owner: entry.owner.trim(), active: entry.active, pop3: false, passwordHash: null };
  return { mailbox, aliases };
}

async function domainProblem(store: Store, domain: string): Promise<string | undefined> {
  if (!isDomainName(domain)) return `'${domain}' is not a valid domain name`;
  return (await store.getDomain(domain)) ? undefined : `domain ${domain} does not exist`;
}

async function addressProblem(store: Store, address: string, claims: Claims, line: number): Promise<string | undefined> {
  const earlier = claims.get(address);
  if (earlier !== undefined) return `${address} is already used on line ${earlier}`;
  claims.set(address, line);
  if (await store.getMailbox(address)) return `${address} is already a mailbox`;
  const alias = await store.getAlias(address);
  if (alias) return `${address} is already an alias of ${alias.mailbox}`;
  if (await store.getList(address)) return `${address} is already a mailing list`;
  return undefined;
}

async function ownerProblem(store: Store, ownerType: OwnerType, owner: string): Promise<string | undefined> {
  if (owner === '') return 'the owner is empty';
  if (ownerType === 'user') return (await store.getUser(owner)) ? undefined : `user ${owner} does not exist`;
  if (ownerType === 'group') return (await store.getGroup(owner)) ? undefined : `group ${owner} does not exist`;
  const problem = usernameError(owner);
  return problem ? `app '${owner}': ${problem}` : undefined;
}

async function checkAlias(
  store: Store,
  alias: { name: string; domain: string },
  claims: Claims,
  line: number,
): Promise<{ address: string; problem?: string }> {
  const name = alias.name.trim().toLowerCase();
  const domain = alias.domain.trim().toLowerCase();
  const address = `${name}@${domain}`;
  const problem = aliasNameError(name) ?? (await domainProblem(store, domain)) ?? (await addressProblem(store, address, claims, line));
  return problem ? { address, problem } : { address: formatAddress(name, domain) };
}
