/** SQLite backend (better-sqlite3, WAL): the CLI, the API and the LDAP bridge share one file. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { OwnerType } from '@mail/core';
import { MIGRATIONS } from './migrations';
import { ListTable } from './sqlite-lists';
import { TokenTable } from './sqlite-tokens';
import { EventTable } from './sqlite-events';
import { describeConstraint, toDomain, toMailbox, toUser, type DomainDbRow, type MailboxDbRow, type UserDbRow } from './sqlite-rows';
import {
  StoreConflict,
  type AliasRow,
  type ApiTokenRow,
  type EventQuery,
  type EventRow,
  type NewEvent,
  type MailboxImportRow,
  type DomainRow,
  type ListPatch,
  type ListRow,
  type GroupRow,
  type MailboxPatch,
  type MailboxRow,
  type Store,
  type UserProfile,
  type UserRow,
} from './types';

const now = (): string => new Date().toISOString();

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly lists: ListTable;
  private readonly tokens: TokenTable;
  private readonly events: EventTable;

  constructor(file: string, options: { readonly?: boolean } = {}) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { readonly: options.readonly ?? false });
    // The store holds password hashes and relay credentials: owner only (WAL files inherit it).
    if (!options.readonly) fs.chmodSync(file, 0o600);
    this.db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.migrate();
    }
    this.db.pragma('foreign_keys = ON');
    this.lists = new ListTable(this.db);
    this.tokens = new TokenTable(this.db);
    this.events = new EventTable(this.db);
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`store schema version ${current} is newer than this program (${MIGRATIONS.length})`);
    }
    MIGRATIONS.slice(current).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${current + i + 1}`);
      })();
    });
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in a transaction and maps SQLite constraint errors to StoreConflict. */
  private write(fn: () => void): Promise<void> {
    try {
      this.db.transaction(fn)();
      return Promise.resolve();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_CONSTRAINT')) return Promise.reject(new StoreConflict(describeConstraint(err as Error)));
      return Promise.reject(err as Error);
    }
  }

  private expectChange(changes: number, what: string): void {
    if (changes === 0) throw new StoreConflict(`${what} does not exist`);
  }

  async listDomains(): Promise<DomainRow[]> {
    return this.db.prepare<[], DomainDbRow>('SELECT * FROM domains ORDER BY name').all().map(toDomain);
  }

  async getDomain(name: string): Promise<DomainRow | undefined> {
    const row = this.db.prepare<[string], DomainDbRow>('SELECT * FROM domains WHERE name = ?').get(name);
    return row && toDomain(row);
  }

  async listApiTokens(): Promise<ApiTokenRow[]> {
    return this.tokens.list();
  }

  async getApiTokenByHash(tokenHash: string): Promise<ApiTokenRow | undefined> {
    return this.tokens.byHash(tokenHash);
  }

  addApiToken(row: Omit<ApiTokenRow, 'createdAt'>): Promise<void> {
    return this.write(() => this.tokens.add(row, now()));
  }

  async removeApiToken(idOrName: string): Promise<boolean> {
    let removed = 0;
    await this.write(() => {
      removed = this.tokens.remove(idOrName);
    });
    return removed > 0;
  }

  addEvents(events: NewEvent[]): Promise<void> {
    return this.write(() => this.events.add(events));
  }

  async queryEvents(query: EventQuery): Promise<{ events: EventRow[]; total: number }> {
    return this.events.query(query);
  }

  async pruneEvents(before: string): Promise<number> {
    let removed = 0;
    await this.write(() => {
      removed = this.events.prune(before);
    });
    return removed;
  }

  importMailboxes(rows: MailboxImportRow[]): Promise<void> {
    return this.write(() => {
      for (const { mailbox, aliases } of rows) {
        this.insertMailbox(mailbox);
        this.insertAliases(mailbox.address, aliases);
      }
    });
  }

  async getServerSetting(key: string): Promise<string | undefined> {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM server_settings WHERE key = ?').get(key)?.value;
  }

  setServerSetting(key: string, valueJson: string | null): Promise<void> {
    return this.write(() => {
      if (valueJson === null) {
        this.db.prepare('DELETE FROM server_settings WHERE key = ?').run(key);
        return;
      }
      this.db
        .prepare('INSERT INTO server_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
        .run(key, valueJson, now());
    });
  }

  setDomainRelay(name: string, relayJson: string | null): Promise<void> {
    return this.write(() => {
      this.expectChange(this.db.prepare('UPDATE domains SET relay = ? WHERE name = ?').run(relayJson, name).changes, `domain ${name}`);
    });
  }

  setDomainSignature(name: string, text: string | null, html: string | null): Promise<void> {
    return this.write(() => {
      const info = this.db.prepare('UPDATE domains SET signature_text = ?, signature_html = ? WHERE name = ?').run(text, html, name);
      this.expectChange(info.changes, `domain ${name}`);
    });
  }

  addDomain(name: string): Promise<void> {
    return this.write(() => {
      this.db.prepare('INSERT INTO domains (name, created_at) VALUES (?, ?)').run(name, now());
    });
  }

  setDomainMasquerade(name: string, allowed: boolean): Promise<void> {
    return this.write(() => {
      const info = this.db.prepare('UPDATE domains SET masquerade = ? WHERE name = ?').run(allowed ? 1 : 0, name);
      this.expectChange(info.changes, `domain ${name}`);
    });
  }

  setDomainIncoming(name: string, enabled: boolean): Promise<void> {
    return this.write(() => {
      const info = this.db.prepare('UPDATE domains SET incoming = ? WHERE name = ?').run(enabled ? 1 : 0, name);
      this.expectChange(info.changes, `domain ${name}`);
    });
  }

  removeDomain(name: string): Promise<void> {
    return this.write(() => {
      this.expectChange(this.db.prepare('DELETE FROM domains WHERE name = ?').run(name).changes, `domain ${name}`);
    });
  }

  async listUsers(): Promise<UserRow[]> {
    return this.db.prepare<[], UserDbRow>('SELECT * FROM users ORDER BY username').all().map(toUser);
  }

  async getUser(username: string): Promise<UserRow | undefined> {
    const r = this.db.prepare<[string], UserDbRow>('SELECT * FROM users WHERE username = ?').get(username);
    return r && toUser(r);
  }

  setUserProfile(username: string, profile: UserProfile): Promise<void> {
    return this.write(() => {
      const info = this.db.prepare('UPDATE users SET email = ?, display_name = ? WHERE username = ?').run(profile.email, profile.displayName, username);
      this.expectChange(info.changes, `user ${username}`);
    });
  }

  addUser(username: string, passwordHash: string): Promise<void> {
    return this.write(() => {
      if (this.db.prepare('SELECT 1 FROM groups WHERE name = ?').get(username)) {
        throw new StoreConflict(`a group named ${username} exists`);
      }
      this.db.prepare('INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)').run(username, passwordHash, now());
    });
  }

  setUserPassword(username: string, passwordHash: string): Promise<void> {
    return this.write(() => {
      const info = this.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(passwordHash, username);
      this.expectChange(info.changes, `user ${username}`);
    });
  }

  removeUser(username: string): Promise<void> {
    return this.write(() => {
      this.refuseIfOwner('user', username);
      this.expectChange(this.db.prepare('DELETE FROM users WHERE username = ?').run(username).changes, `user ${username}`);
    });
  }

  private refuseIfOwner(ownerType: OwnerType, owner: string): void {
    const owned = this.db
      .prepare<[string, string], { address: string }>('SELECT address FROM mailboxes WHERE owner_type = ? AND owner = ?')
      .all(ownerType, owner);
    if (owned.length > 0) {
      throw new StoreConflict(`${ownerType} ${owner} owns mailboxes: ${owned.map((m) => m.address).join(', ')}`);
    }
  }

  async listGroups(): Promise<GroupRow[]> {
    const groups = this.db.prepare<[], { name: string }>('SELECT name FROM groups ORDER BY name').all();
    const members = this.db
      .prepare<[], { group_name: string; username: string }>('SELECT * FROM group_members ORDER BY username')
      .all();
    return groups.map((g) => ({ name: g.name, members: members.filter((m) => m.group_name === g.name).map((m) => m.username) }));
  }

  async getGroup(name: string): Promise<GroupRow | undefined> {
    if (!this.db.prepare('SELECT 1 FROM groups WHERE name = ?').get(name)) return undefined;
    const members = this.db
      .prepare<[string], { username: string }>('SELECT username FROM group_members WHERE group_name = ? ORDER BY username')
      .all(name);
    return { name, members: members.map((m) => m.username) };
  }

  addGroup(name: string, members: string[]): Promise<void> {
    return this.write(() => {
      if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(name)) {
        throw new StoreConflict(`a user named ${name} exists`);
      }
      this.db.prepare('INSERT INTO groups (name, created_at) VALUES (?, ?)').run(name, now());
      this.insertMembers(name, members);
    });
  }

  setGroupMembers(name: string, members: string[]): Promise<void> {
    return this.write(() => {
      if (!this.db.prepare('SELECT 1 FROM groups WHERE name = ?').get(name)) throw new StoreConflict(`group ${name} does not exist`);
      this.db.prepare('DELETE FROM group_members WHERE group_name = ?').run(name);
      this.insertMembers(name, members);
    });
  }

  private insertMembers(group: string, members: string[]): void {
    const insert = this.db.prepare('INSERT INTO group_members (group_name, username) VALUES (?, ?)');
    for (const member of new Set(members)) {
      if (!this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(member)) {
        throw new StoreConflict(`user ${member} does not exist`);
      }
      insert.run(group, member);
    }
  }

  removeGroup(name: string): Promise<void> {
    return this.write(() => {
      this.refuseIfOwner('group', name);
      this.expectChange(this.db.prepare('DELETE FROM groups WHERE name = ?').run(name).changes, `group ${name}`);
    });
  }

  async listMailboxes(domain?: string): Promise<MailboxRow[]> {
    const rows =
      domain === undefined
        ? this.db.prepare<[], MailboxDbRow>('SELECT * FROM mailboxes ORDER BY domain, name').all()
        : this.db.prepare<[string], MailboxDbRow>('SELECT * FROM mailboxes WHERE domain = ? ORDER BY name').all(domain);
    return rows.map(toMailbox);
  }

  async getMailbox(address: string): Promise<MailboxRow | undefined> {
    const row = this.db.prepare<[string], MailboxDbRow>('SELECT * FROM mailboxes WHERE address = ?').get(address);
    return row && toMailbox(row);
  }

  async mailboxesOwnedBy(ownerType: OwnerType, owner: string): Promise<MailboxRow[]> {
    return this.db
      .prepare<[string, string], MailboxDbRow>('SELECT * FROM mailboxes WHERE owner_type = ? AND owner = ? ORDER BY address')
      .all(ownerType, owner)
      .map(toMailbox);
  }

  addMailbox(row: Omit<MailboxRow, 'createdAt'>): Promise<void> {
    return this.write(() => this.insertMailbox(row));
  }

  private insertMailbox(row: Omit<MailboxRow, 'createdAt'>): void {
    this.refuseTakenAddress(row.address);
    this.db
      .prepare(
        `INSERT INTO mailboxes (address, name, domain, owner_type, owner, active, pop3, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.address, row.name, row.domain, row.ownerType, row.owner, row.active ? 1 : 0, row.pop3 ? 1 : 0, row.passwordHash, now());
  }

  /** Mailboxes and aliases share one address space. */
  private refuseTakenAddress(address: string, exceptAliasOf?: string): void {
    if (this.db.prepare('SELECT 1 FROM mailboxes WHERE address = ?').get(address)) {
      throw new StoreConflict(`${address} is already a mailbox`);
    }
    const alias = this.db.prepare<[string], { mailbox: string }>('SELECT mailbox FROM aliases WHERE address = ?').get(address);
    if (alias && alias.mailbox !== exceptAliasOf) throw new StoreConflict(`${address} is already an alias of ${alias.mailbox}`);
    if (this.lists.get(address)) throw new StoreConflict(`${address} is already a mailing list`);
  }

  updateMailbox(address: string, patch: MailboxPatch): Promise<void> {
    return this.write(() => {
      const current = this.db.prepare<[string], MailboxDbRow>('SELECT * FROM mailboxes WHERE address = ?').get(address);
      if (!current) throw new StoreConflict(`mailbox ${address} does not exist`);
      this.db
        .prepare('UPDATE mailboxes SET active = ?, pop3 = ?, password_hash = ? WHERE address = ?')
        .run(
          (patch.active ?? current.active === 1) ? 1 : 0,
          (patch.pop3 ?? current.pop3 === 1) ? 1 : 0,
          patch.passwordHash !== undefined ? patch.passwordHash : current.password_hash,
          address,
        );
    });
  }

  removeMailbox(address: string): Promise<void> {
    return this.write(() => {
      const info = this.db.prepare('DELETE FROM mailboxes WHERE address = ?').run(address);
      this.expectChange(info.changes, `mailbox ${address}`);
    });
  }

  async listAliases(filter: { mailbox?: string; domain?: string } = {}): Promise<AliasRow[]> {
    return this.db
      .prepare<{ mailbox: string | null; domain: string | null }, AliasRow>(
        `SELECT address, mailbox FROM aliases
         WHERE (@mailbox IS NULL OR mailbox = @mailbox) AND (@domain IS NULL OR domain = @domain)
         ORDER BY mailbox, address`,
      )
      .all({ mailbox: filter.mailbox?.toLowerCase() ?? null, domain: filter.domain?.toLowerCase() ?? null });
  }

  async getAlias(address: string): Promise<AliasRow | undefined> {
    return this.db.prepare<[string], AliasRow>('SELECT address, mailbox FROM aliases WHERE address = ?').get(address);
  }

  replaceAliases(mailbox: string, addresses: string[]): Promise<void> {
    return this.write(() => {
      if (!this.db.prepare('SELECT 1 FROM mailboxes WHERE address = ?').get(mailbox)) {
        throw new StoreConflict(`mailbox ${mailbox} does not exist`);
      }
      this.db.prepare('DELETE FROM aliases WHERE mailbox = ?').run(mailbox);
      this.insertAliases(mailbox, addresses);
    });
  }

  private insertAliases(mailbox: string, addresses: string[]): void {
    const insert = this.db.prepare('INSERT INTO aliases (address, domain, mailbox) VALUES (?, ?, ?)');
    for (const address of new Set(addresses)) {
      this.refuseTakenAddress(address, mailbox);
      insert.run(address, address.slice(address.lastIndexOf('@') + 1), mailbox);
    }
  }

  listLists(domain?: string): Promise<ListRow[]> {
    return Promise.resolve(this.lists.list(domain));
  }

  getList(address: string): Promise<ListRow | undefined> {
    return Promise.resolve(this.lists.get(address));
  }

  addList(row: Omit<ListRow, 'createdAt'>): Promise<void> {
    return this.write(() => {
      this.refuseTakenAddress(row.address);
      this.lists.add(row, now());
    });
  }

  updateList(address: string, patch: ListPatch): Promise<void> {
    return this.write(() => this.lists.update(address, patch));
  }

  removeList(address: string): Promise<void> {
    return this.write(() => this.lists.remove(address));
  }

  async getCatchAll(domain: string): Promise<string[]> {
    return this.db
      .prepare<[string], { mailbox: string }>('SELECT mailbox FROM catchall WHERE domain = ? ORDER BY mailbox')
      .all(domain)
      .map((r) => r.mailbox);
  }

  setCatchAll(domain: string, mailboxes: string[]): Promise<void> {
    return this.write(() => {
      if (!this.db.prepare('SELECT 1 FROM domains WHERE name = ?').get(domain)) throw new StoreConflict(`domain ${domain} does not exist`);
      this.db.prepare('DELETE FROM catchall WHERE domain = ?').run(domain);
      const insert = this.db.prepare('INSERT INTO catchall (domain, mailbox) VALUES (?, ?)');
      for (const mailbox of new Set(mailboxes)) insert.run(domain, mailbox);
    });
  }
}
