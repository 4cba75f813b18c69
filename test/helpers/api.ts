/** The REST API on a free loopback port over a real SqliteStore in a temp dir (no mail stack). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  dataPaths,
  loadSettings,
  MailServices,
  SqliteStore,
  startApiServer,
  TokenServices,
  type ApiServer,
  type RelayVerifier,
} from '@mail/orchestrator';

export interface ApiReply {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface TestApi {
  url: string;
  dataDir: string;
  store: SqliteStore;
  services: MailServices;
  admin: string;
  superadmin: string;
  /** How often the server settings were applied (re-rendered). */
  applied: number;
  call(method: string, route: string, options?: { token?: string | null; body?: unknown; csv?: string; contentType?: string }): Promise<ApiReply>;
  stop(): Promise<void>;
}

export async function startTestApi(verifyRelay?: RelayVerifier): Promise<TestApi> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-api-'));
  const paths = dataPaths(dataDir);
  const store = new SqliteStore(paths.store);
  const tokens = new TokenServices(store);
  const admin = (await tokens.add('test-admin', 'admin')).token;
  const superadmin = (await tokens.add('test-super', 'superadmin')).token;
  const settings = loadSettings(dataDir, { MAIL_HOSTNAME: 'mail.test' });
  let server: ApiServer | undefined;
  const api: TestApi = {
    url: '',
    dataDir,
    store,
    services: new MailServices(store, paths),
    admin,
    superadmin,
    applied: 0,
    async call(method, route, options = {}) {
      const token = options.token === undefined ? admin : options.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers['authorization'] = `Bearer ${token}`;
      let body: string | undefined;
      if (options.csv !== undefined) {
        headers['content-type'] = 'text/csv';
        body = options.csv;
      } else if (options.body !== undefined) {
        headers['content-type'] = options.contentType ?? 'application/json';
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      }
      const res = await fetch(`${api.url}${route}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async stop() {
      await server?.close();
      store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  server = await startApiServer({
    store, paths, settings, host: '127.0.0.1', port: 0,
    applyServerSettings: async () => void (api.applied += 1),
    ...(verifyRelay ? { verifyRelay } : {}),
  });
  api.url = `http://127.0.0.1:${server.port}`;
  return api;
}

/** Every row of every table of the store, read through a second read-only connection. */
export function storeTables(dataDir: string): Record<string, unknown[]> {
  const db = new Database(dataPaths(dataDir).store, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}
