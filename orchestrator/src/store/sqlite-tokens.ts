/** API tokens in SQLite; called inside SqliteStore's transactions. */
import type Database from 'better-sqlite3';
import type { ApiTokenRow } from './types';

interface TokenDbRow {
  id: string;
  name: string;
  role: ApiTokenRow['role'];
  token_hash: string;
  created_at: string;
}

const toToken = (r: TokenDbRow): ApiTokenRow => ({
  id: r.id,
  name: r.name,
  role: r.role,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
});

export class TokenTable {
  constructor(private readonly db: Database.Database) {}

  list(): ApiTokenRow[] {
    return this.db.prepare<[], TokenDbRow>('SELECT * FROM api_tokens ORDER BY name').all().map(toToken);
  }

  byHash(tokenHash: string): ApiTokenRow | undefined {
    const row = this.db.prepare<[string], TokenDbRow>('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash);
    return row && toToken(row);
  }

  add(row: Omit<ApiTokenRow, 'createdAt'>, createdAt: string): void {
    this.db
      .prepare('INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.role, row.tokenHash, createdAt);
  }

  /** By id or by name; the number of rows removed. */
  remove(idOrName: string): number {
    return this.db.prepare('DELETE FROM api_tokens WHERE id = ? OR name = ?').run(idOrName, idOrName).changes;
  }
}
