import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from './sqlite';
import { StoreConflict } from './types';
import { MIGRATIONS } from './migrations';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
const file = path.join(dir, 'store.sqlite');
let store: SqliteStore;

const box = (address: string, owner = 'alice') => ({
  address,
  name: address.split('@')[0] ?? '',
  domain: address.split('@')[1] ?? '',
  ownerType: 'user' as const,
  owner,
  active: true,
  pop3: false,
  passwordHash: null,
});

beforeAll(async () => {
  store = new SqliteStore(file);
  await store.addDomain('acme.test');
  await store.addDomain('other.test');
  await store.addUser('alice', 'hash');
  await store.addMailbox(box('alice@acme.test'));
  await store.addMailbox(box('bob@acme.test'));
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('records the schema version and keeps data when reopened', async () => {
  store.close();
  store = new SqliteStore(file);
  expect((await store.listMailboxes()).map((m) => m.address)).toEqual(['alice@acme.test', 'bob@acme.test']);
  const readonly = new SqliteStore(file, { readonly: true });
  expect(await readonly.getDomain('acme.test')).toMatchObject({ name: 'acme.test', masquerade: false });
  readonly.close();
  expect(MIGRATIONS.length).toBeGreaterThan(0);
});

it('filters aliases by mailbox and domain', async () => {
  await store.replaceAliases('alice@acme.test', ['al@acme.test', 'alice@other.test']);
  expect(await store.listAliases({ domain: 'other.test' })).toEqual([{ address: 'alice@other.test', mailbox: 'alice@acme.test' }]);
  expect(await store.listAliases({ mailbox: 'bob@acme.test' })).toEqual([]);
  expect((await store.listAliases()).map((a) => a.address)).toEqual(['al@acme.test', 'alice@other.test']);
});

it('replaces an alias set all or nothing', async () => {
  await expect(store.replaceAliases('alice@acme.test', ['new@acme.test', 'bob@acme.test'])).rejects.toBeInstanceOf(StoreConflict);
  expect((await store.listAliases({ mailbox: 'alice@acme.test' })).map((a) => a.address)).toEqual(['al@acme.test', 'alice@other.test']);
});

it('keeps mailboxes and aliases in one address space', async () => {
  await expect(store.addMailbox(box('al@acme.test'))).rejects.toBeInstanceOf(StoreConflict);
  await expect(store.replaceAliases('bob@acme.test', ['al@acme.test'])).rejects.toThrow(/alias of alice/);
});

it('refuses to remove a user who owns mailboxes or a domain in use', async () => {
  await expect(store.removeUser('alice')).rejects.toThrow(/owns mailboxes/);
  await expect(store.removeDomain('acme.test')).rejects.toBeInstanceOf(StoreConflict);
});

it('removing a mailbox removes its aliases and catch-all entries', async () => {
  await store.setCatchAll('other.test', ['alice@acme.test', 'bob@acme.test']);
  await store.removeMailbox('alice@acme.test');
  expect(await store.listAliases()).toEqual([]);
  expect(await store.getCatchAll('other.test')).toEqual(['bob@acme.test']);
  await expect(store.removeMailbox('alice@acme.test')).rejects.toThrow(/does not exist/);
});

it('stores, replaces and removes a server-wide setting', async () => {
  expect(await store.getServerSetting('dnsbl')).toBeUndefined();
  await store.setServerSetting('dnsbl', '["zen.spamhaus.org"]');
  await store.setServerSetting('dnsbl', '["bl.example"]');
  expect(await store.getServerSetting('dnsbl')).toBe('["bl.example"]');
  await store.setServerSetting('dnsbl', null);
  expect(await store.getServerSetting('dnsbl')).toBeUndefined();
});

describe('importMailboxes', () => {
  it('writes every mailbox with its aliases, or nothing when one row conflicts', async () => {
    const rows = [
      { mailbox: box('imp1@acme.test'), aliases: ['i1@other.test'] },
      { mailbox: box('imp2@acme.test'), aliases: ['i1@other.test'] },
    ];
    await expect(store.importMailboxes(rows)).rejects.toThrow(StoreConflict);
    expect(await store.getMailbox('imp1@acme.test')).toBeUndefined();
    expect(await store.getAlias('i1@other.test')).toBeUndefined();
    await store.importMailboxes(rows.slice(0, 1));
    expect(await store.getAlias('i1@other.test')).toEqual({ address: 'i1@other.test', mailbox: 'imp1@acme.test' });
  });
});

describe('API tokens', () => {
  it('stores, finds by hash, refuses a duplicate name, removes by id or name', async () => {
    await store.addApiToken({ id: 'aaaa', name: 'one', role: 'admin', tokenHash: 'h1' });
    expect(await store.getApiTokenByHash('h1')).toMatchObject({ id: 'aaaa', name: 'one', role: 'admin' });
    await expect(store.addApiToken({ id: 'bbbb', name: 'one', role: 'admin', tokenHash: 'h2' })).rejects.toThrow(StoreConflict);
    expect(await store.removeApiToken('one')).toBe(true);
    expect(await store.removeApiToken('aaaa')).toBe(false);
    expect(await store.listApiTokens()).toEqual([]);
  });
});
