/** Mailing lists in SQLite; called inside SqliteStore's transactions. */
import type Database from 'better-sqlite3';
import { StoreConflict, type ListPatch, type ListRow } from './types';

interface ListDbRow {
  address: string;
  name: string;
  domain: string;
  members_only: number;
  active: number;
  created_at: string;
}

export class ListTable {
  constructor(private readonly db: Database.Database) {}

  list(domain?: string): ListRow[] {
    const rows =
      domain === undefined
        ? this.db.prepare<[], ListDbRow>('SELECT * FROM mailing_lists ORDER BY domain, name').all()
        : this.db.prepare<[string], ListDbRow>('SELECT * FROM mailing_lists WHERE domain = ? ORDER BY name').all(domain);
    return rows.map((r) => this.toList(r));
  }

  get(address: string): ListRow | undefined {
    const row = this.db.prepare<[string], ListDbRow>('SELECT * FROM mailing_lists WHERE address = ?').get(address);
    return row && this.toList(row);
  }

  add(row: Omit<ListRow, 'createdAt'>, createdAt: string): void {
    this.db
      .prepare('INSERT INTO mailing_lists (address, name, domain, members_only, active, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.address, row.name, row.domain, row.membersOnly ? 1 : 0, row.active ? 1 : 0, createdAt);
    this.setMembers(row.address, row.members);
  }

  update(address: string, patch: ListPatch): void {
    const current = this.get(address);
    if (!current) throw new StoreConflict(`mailing list ${address} does not exist`);
    this.db
      .prepare('UPDATE mailing_lists SET members_only = ?, active = ? WHERE address = ?')
      .run((patch.membersOnly ?? current.membersOnly) ? 1 : 0, (patch.active ?? current.active) ? 1 : 0, address);
    if (patch.members) this.setMembers(address, patch.members);
  }

  remove(address: string): void {
    const info = this.db.prepare('DELETE FROM mailing_lists WHERE address = ?').run(address);
    if (info.changes === 0) throw new StoreConflict(`mailing list ${address} does not exist`);
  }

  private setMembers(address: string, members: string[]): void {
    this.db.prepare('DELETE FROM list_members WHERE list = ?').run(address);
    const insert = this.db.prepare('INSERT INTO list_members (list, member) VALUES (?, ?)');
    for (const member of new Set(members)) insert.run(address, member);
  }

  private toList(r: ListDbRow): ListRow {
    const members = this.db
      .prepare<[string], { member: string }>('SELECT member FROM list_members WHERE list = ? ORDER BY member')
      .all(r.address)
      .map((m) => m.member);
    return {
      address: r.address,
      name: r.name,
      domain: r.domain,
      membersOnly: r.members_only === 1,
      active: r.active === 1,
      members,
      createdAt: r.created_at,
    };
  }
}
