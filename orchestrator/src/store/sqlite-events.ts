/** The event log in SQLite; called inside SqliteStore's transactions. */
import type Database from 'better-sqlite3';
import type { EventQuery, EventRow, NewEvent } from './types';

interface EventDbRow {
  id: number;
  time: string;
  type: EventRow['type'];
  source: string;
  actor: string | null;
  remote: string | null;
  message: string;
  details: string;
}

const toEvent = (r: EventDbRow): EventRow => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> });

/** `%` and `_` in a search are literal characters, not wildcards. */
const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class EventTable {
  constructor(private readonly db: Database.Database) {}

  add(events: NewEvent[]): void {
    const insert = this.db.prepare(
      'INSERT INTO events (time, type, source, actor, remote, message, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const e of events) insert.run(e.time, e.type, e.source, e.actor, e.remote, e.message, JSON.stringify(e.details));
  }

  query(q: EventQuery): { events: EventRow[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.types && q.types.length > 0) {
      where.push(`type IN (${q.types.map(() => '?').join(', ')})`);
      args.push(...q.types);
    }
    if (q.search) {
      where.push(
        "(lower(message) LIKE ? ESCAPE '\\' OR lower(coalesce(actor, '')) LIKE ? ESCAPE '\\' OR coalesce(remote, '') LIKE ? ESCAPE '\\' OR lower(details) LIKE ? ESCAPE '\\')",
      );
      const pattern = likePattern(q.search);
      args.push(pattern, pattern, pattern, pattern);
    }
    if (q.afterId !== undefined) {
      where.push('id > ?');
      args.push(q.afterId);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM events ${clause}`).get(...args)?.n ?? 0;
    const rows = this.db
      .prepare<(string | number)[], EventDbRow>(`SELECT * FROM events ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset);
    return { events: rows.map(toEvent), total };
  }

  prune(before: string): number {
    return this.db.prepare('DELETE FROM events WHERE time < ?').run(before).changes;
  }
}
