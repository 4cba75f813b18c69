/** The express app's own guarantees: internal errors and broken responses are a bare 500, never the details. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../config/settings';
import { dataPaths } from '../config/paths';
import { MailServices, ServerSettingsServices, TokenServices } from '../services';
import { SqliteStore } from '../store';
import { createApiApp } from './app';
import { obj, str, type Route } from './route';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-app-'));
const store = new SqliteStore(path.join(dir, 'store.sqlite'));
const tokens = new TokenServices(store);
let server: http.Server;
let token: string;
const logged: string[] = [];
const originalError = console.error;

const routes: Route[] = [
  {
    method: 'get', path: '/api/v1/boom', tag: 't', role: 'admin', summary: 'throws',
    handle: async () => {
      throw new Error('SQLITE_CORRUPT at /var/secret/path.js:12');
    },
  },
  {
    method: 'get', path: '/api/v1/liar', tag: 't', role: 'admin', summary: 'breaks its schema',
    response: obj({ name: str() }, ['name']),
    handle: async () => ({ name: 'x', passwordHash: 'scrypt$…' }),
  },
];

beforeAll(async () => {
  token = (await tokens.add('t', 'admin')).token;
  const paths = dataPaths(dir);
  const ctx = {
    services: new MailServices(store, paths),
    tokens,
    serverSettings: new ServerSettingsServices(store, 26214400, async () => undefined),
    settings: loadSettings(dir, { MAIL_HOSTNAME: 'mail.test' }),
  };
  server = http.createServer(createApiApp(routes, ctx, {}));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.error = (...args: unknown[]) => void logged.push(args.join(' '));
});
afterAll(async () => {
  console.error = originalError;
  await new Promise((resolve) => server.close(resolve));
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function get(route: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${route}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

it('answers an unexpected failure with a bare 500 and logs the details on the server only', async () => {
  const reply = await get('/api/v1/boom');
  expect(reply).toEqual({ status: 500, text: JSON.stringify({ error: 'internal error', code: 'internal', details: {} }) });
  expect(logged.join('\n')).toContain('SQLITE_CORRUPT');
});

it('never sends a response that breaks its declared schema (nothing extra leaks)', async () => {
  const reply = await get('/api/v1/liar');
  expect(reply.status).toBe(500);
  expect(reply.text).not.toContain('scrypt');
});
