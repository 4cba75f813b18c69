/**
 * The mail event log's store: its own SQLite file (`data/events.sqlite`, 0600), apart
 * from the directory store, so a busy log never slows a login and retention can drop
 * rows freely. Each source (Haraka's event file, Dovecot's log) is ingested with a
 * cursor saved in the same transaction as its events: a restart neither loses nor
 * repeats them.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const EVENT_TYPES = ['received', 'rejected', 'delivered', 'deferred', 'bounced', 'login', 'spam', 'admin'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventInput {
  ts: string;
  type: EventType;
  source: string;
  data: Record<string, unknown>;
}

export interface StoredEvent extends EventInput {
  id: number;
}

export interface EventQuery {
  types?: readonly EventType[];
  /** Case-insensitive substring of any field. */
  search?: string;
  page?: number;
  perPage?: number;
  /** Only events after this id (for --follow), oldest first. */
  afterId?: number;
}

export interface Cursor {
  inode: number;
  offset: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
  CREATE INDEX IF NOT EXISTS events_type_ts ON events(type, ts);
  CREATE TABLE IF NOT EXISTS cursors (
    source TEXT PRIMARY KEY,
    inode INTEGER NOT NULL,
    offset INTEGER NOT NULL
  );
`;

interface EventRow {
  id: number;
  ts: string;
  type: string;
  source: string;
  data: string;
}

export class EventStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    fs.chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  /** Adds events and, when given, moves `source`'s cursor — all or nothing. */
  add(events: readonly EventInput[], cursor?: { source: string } & Cursor): void {
    const insert = this.db.prepare('INSERT INTO events (ts, type, source, data) VALUES (?, ?, ?, ?)');
    const move = this.db.prepare(
      'INSERT INTO cursors (source, inode, offset) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET inode = excluded.inode, offset = excluded.offset',
    );
    this.db.transaction(() => {
      for (const e of events) insert.run(e.ts, e.type, e.source, JSON.stringify(e.data));
      if (cursor) move.run(cursor.source, cursor.inode, cursor.offset);
    })();
  }

  cursor(source: string): Cursor | undefined {
    return this.db.prepare<[string], Cursor>('SELECT inode, offset FROM cursors WHERE source = ?').get(source);
  }

  /** Newest first, paged; with `afterId`, the events after it, oldest first. */
  query(q: EventQuery = {}): { events: StoredEvent[]; total: number } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.types && q.types.length > 0) {
      where.push(`type IN (${q.types.map(() => '?').join(',')})`);
      params.push(...q.types);
    }
    if (q.search) {
      where.push("(lower(data) LIKE ? ESCAPE '\\' OR type = ?)");
      params.push(`%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`, q.search);
    }
    if (q.afterId !== undefined) {
      where.push('id > ?');
      params.push(q.afterId);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM events ${clause}`).get(...params) as { n: number }).n;
    const perPage = Math.min(Math.max(q.perPage ?? 50, 1), 1000);
    const offset = (Math.max(q.page ?? 1, 1) - 1) * perPage;
    const order = q.afterId !== undefined ? 'id ASC' : 'id DESC';
    const rows = this.db.prepare(`SELECT * FROM events ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...params, perPage, offset) as EventRow[];
    return { events: rows.map(toEvent), total };
  }

  /** Retention: drops events older than `before`; returns how many. */
  prune(before: Date): number {
    return this.db.prepare('DELETE FROM events WHERE ts < ?').run(before.toISOString()).changes;
  }
}

function toEvent(row: EventRow): StoredEvent {
  return { id: row.id, ts: row.ts, type: row.type as EventType, source: row.source, data: JSON.parse(row.data) as Record<string, unknown> };
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
