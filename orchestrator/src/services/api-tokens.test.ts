/** API tokens: only a hash is stored; the first token file is kept, or replaced once revoked. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../store';
import { hashToken, TokenServices } from './api-tokens';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-'));
const store = new SqliteStore(path.join(dir, 'store.sqlite'));
const tokens = new TokenServices(store);
const file = path.join(dir, 'api-admin.token');
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('stores only the SHA-256 of a token, verifies it, forgets it on removal', async () => {
  const { token, info } = await tokens.add('ci', 'admin');
  expect(token).toMatch(/^mt_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/);
  expect((await store.listApiTokens())[0]?.tokenHash).toBe(hashToken(token));
  expect(JSON.stringify(await store.listApiTokens())).not.toContain(token.slice(20));
  expect(await tokens.verify(token)).toEqual(info);
  expect(await tokens.verify(`${token.slice(0, -1)}x`)).toBeUndefined();
  await tokens.remove(info.id);
  expect(await tokens.verify(token)).toBeUndefined();
});

it('makes the first token once (0600, superadmin), and a new one after it was revoked', async () => {
  const first = await tokens.ensureFirstToken(file);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(await tokens.verify(first)).toMatchObject({ name: 'admin', role: 'superadmin' });
  expect(await tokens.ensureFirstToken(file)).toBe(first);
  await tokens.remove('admin');
  const second = await tokens.ensureFirstToken(file);
  expect(second).not.toBe(first);
  expect(await tokens.verify(first)).toBeUndefined();
  expect(fs.readFileSync(file, 'utf8')).toBe(`${second}\n`);
});
