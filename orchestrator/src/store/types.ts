/**
 * The store interface. Each method is one atomic operation so that a backend
 * (SQLite today, PostgreSQL later) can implement it in one transaction.
 */
import type { OwnerType } from '@mail/core';

export interface DomainRow {
  name: string;
  /** Masquerading allowed (FROM validation off). Off by default. */
  masquerade: boolean;
  /** Receives mail from outside (MX, and local submission to it); off = send-only. On by default. */
  incoming: boolean;
  /** Outbound relay settings as JSON (owned by the relay service); null = direct delivery. */
  relay: string | null;
  /** Per-domain signature appended to outbound mail; null = none. */
  signatureText: string | null;
  signatureHtml: string | null;
  createdAt: string;
}

export interface ListRow {
  address: string;
  name: string;
  domain: string;
  /** Only members may post; others get a 5xx. */
  membersOnly: boolean;
  active: boolean;
  members: string[];
  createdAt: string;
}

export type ListPatch = Partial<Pick<ListRow, 'members' | 'membersOnly' | 'active'>>;

export interface UserRow {
  username: string;
  passwordHash: string;
  /** Contact address (not a mailbox of ours necessarily); null = none. */
  email: string | null;
  displayName: string | null;
  createdAt: string;
}

export type UserProfile = Pick<UserRow, 'email' | 'displayName'>;

export interface GroupRow {
  name: string;
  members: string[];
}

export interface MailboxRow {
  address: string;
  name: string;
  domain: string;
  ownerType: OwnerType;
  owner: string;
  active: boolean;
  pop3: boolean;
  /** Only app-owned mailboxes carry their own password. */
  passwordHash: string | null;
  createdAt: string;
}

export interface AliasRow {
  address: string;
  mailbox: string;
}

export type MailboxPatch = Partial<Pick<MailboxRow, 'active' | 'pop3' | 'passwordHash'>>;

export type ApiRole = 'admin' | 'superadmin';

export interface ApiTokenRow {
  /** Public identifier (shown by `mailctl token list`); not a secret. */
  id: string;
  name: string;
  role: ApiRole;
  /** SHA-256 of the secret, hex; the secret itself is never stored. */
  tokenHash: string;
  createdAt: string;
}

/** One mailbox of an import batch, with its aliases (full addresses). */
export interface MailboxImportRow {
  mailbox: Omit<MailboxRow, 'createdAt'>;
  aliases: string[];
}

export const EVENT_TYPES = ['delivery', 'outbound', 'rejection', 'login', 'lockout', 'spam', 'admin'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One entry of the event log. */
export interface EventRow {
  id: number;
  /** ISO 8601, UTC. */
  time: string;
  type: EventType;
  /** Who reported it: haraka, dovecot, ldap-bridge, api, mailctl. */
  source: string;
  /** The user, mailbox or API token concerned, when known. */
  actor: string | null;
  /** The client's IP address, when known. */
  remote: string | null;
  message: string;
  details: Record<string, unknown>;
}

export type NewEvent = Omit<EventRow, 'id'>;

export interface EventQuery {
  types?: EventType[];
  /** Substring of the message, actor, remote address or details (case-insensitive). */
  search?: string;
  /** Only events with a larger id (`mailctl events --follow`). */
  afterId?: number;
  offset: number;
  limit: number;
}

/** A constraint the store refused (duplicate, missing parent, still referenced). */
export class StoreConflict extends Error {}

export interface Store {
  close(): void;

  listDomains(): Promise<DomainRow[]>;
  getDomain(name: string): Promise<DomainRow | undefined>;
  addDomain(name: string): Promise<void>;
  setDomainMasquerade(name: string, allowed: boolean): Promise<void>;
  setDomainIncoming(name: string, enabled: boolean): Promise<void>;
  removeDomain(name: string): Promise<void>;
  setDomainRelay(name: string, relayJson: string | null): Promise<void>;
  setDomainSignature(name: string, text: string | null, html: string | null): Promise<void>;

  listUsers(): Promise<UserRow[]>;
  getUser(username: string): Promise<UserRow | undefined>;
  addUser(username: string, passwordHash: string): Promise<void>;
  setUserPassword(username: string, passwordHash: string): Promise<void>;
  setUserProfile(username: string, profile: UserProfile): Promise<void>;
  removeUser(username: string): Promise<void>;

  listGroups(): Promise<GroupRow[]>;
  getGroup(name: string): Promise<GroupRow | undefined>;
  addGroup(name: string, members: string[]): Promise<void>;
  setGroupMembers(name: string, members: string[]): Promise<void>;
  removeGroup(name: string): Promise<void>;

  listMailboxes(domain?: string): Promise<MailboxRow[]>;
  getMailbox(address: string): Promise<MailboxRow | undefined>;
  mailboxesOwnedBy(ownerType: OwnerType, owner: string): Promise<MailboxRow[]>;
  addMailbox(row: Omit<MailboxRow, 'createdAt'>): Promise<void>;
  updateMailbox(address: string, patch: MailboxPatch): Promise<void>;
  /** Removes the mailbox with its aliases and catch-all entries. */
  removeMailbox(address: string): Promise<void>;

  listAliases(filter?: { mailbox?: string; domain?: string }): Promise<AliasRow[]>;
  getAlias(address: string): Promise<AliasRow | undefined>;
  /** Replaces every alias of a mailbox with `addresses` (empty: none). */
  replaceAliases(mailbox: string, addresses: string[]): Promise<void>;

  listLists(domain?: string): Promise<ListRow[]>;
  getList(address: string): Promise<ListRow | undefined>;
  addList(row: Omit<ListRow, 'createdAt'>): Promise<void>;
  updateList(address: string, patch: ListPatch): Promise<void>;
  removeList(address: string): Promise<void>;

  getCatchAll(domain: string): Promise<string[]>;
  setCatchAll(domain: string, mailboxes: string[]): Promise<void>;

  listApiTokens(): Promise<ApiTokenRow[]>;
  getApiTokenByHash(tokenHash: string): Promise<ApiTokenRow | undefined>;
  addApiToken(row: Omit<ApiTokenRow, 'createdAt'>): Promise<void>;
  /** By id or name; false when there was none. */
  removeApiToken(idOrName: string): Promise<boolean>;

  /** Adds every mailbox with its aliases in one transaction: all or nothing. */
  importMailboxes(rows: MailboxImportRow[]): Promise<void>;

  addEvents(events: NewEvent[]): Promise<void>;
  /** Newest first; `total` counts every match. */
  queryEvents(query: EventQuery): Promise<{ events: EventRow[]; total: number }>;
  /** Removes events older than `before` (ISO time); the number removed. */
  pruneEvents(before: string): Promise<number>;

  /** A server-wide setting's JSON text; undefined when never set (the owner's default applies). */
  getServerSetting(key: string): Promise<string | undefined>;
  /** Stores a server-wide setting's JSON text; null removes it (back to the default). */
  setServerSetting(key: string, valueJson: string | null): Promise<void>;
}
