/** The collector reads only what was appended, only whole lines, survives a reopen, rereads a replaced file; pruning by age. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../store';
import { startEventCollector, type EventCollector } from './collector';

const T = '2026-12-06T03:59:23.340Z';
const delivered = (who: string): string => `${T} [INFO] [A.1] [mail-routing] lmtp mailbox=${who} status=delivered reply="250 ok"\n`;

let dir: string;
let store: SqliteStore;
let collector: EventCollector;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-'));
  store = new SqliteStore(path.join(dir, 'store.sqlite'));
  collector = startEventCollector(store, dir, 14);
});
afterEach(async () => {
  await collector.stop();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const actors = async (): Promise<(string | null)[]> => (await store.queryEvents({ offset: 0, limit: 100 })).events.map((e) => e.actor).reverse();

it('reads appended whole lines once, keeps its place across a restart, rereads a replaced file', async () => {
  const log = path.join(dir, 'haraka.log');
  fs.writeFileSync(log, `${delivered('a@x.test')}${delivered('b@x.test').slice(0, 30)}`);
  expect(await collector.collect()).toBe(1);
  fs.appendFileSync(log, delivered('b@x.test').slice(30));
  expect(await collector.collect()).toBe(1);
  expect(await collector.collect()).toBe(0);
  await collector.stop();
  collector = startEventCollector(store, dir, 14);
  fs.appendFileSync(log, delivered('c@x.test'));
  expect(await collector.collect()).toBe(1);
  fs.rmSync(log);
  fs.writeFileSync(log, delivered('d@x.test'));
  expect(await collector.collect()).toBe(1);
  expect(await actors()).toEqual(['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test']);
});

it('follows a rotation (FILE became FILE.1): the rest of FILE.1 first, then the new FILE, each line once', async () => {
  const log = path.join(dir, 'haraka.log');
  fs.writeFileSync(log, delivered('a@x.test'));
  expect(await collector.collect()).toBe(1);
  fs.appendFileSync(log, delivered('b@x.test'));
  fs.renameSync(log, `${log}.1`);
  // Rotated, the new file not written yet: b is read from FILE.1, and only once.
  expect(await collector.collect()).toBe(1);
  expect(await collector.collect()).toBe(0);
  fs.writeFileSync(log, delivered('c@x.test'));
  expect(await collector.collect()).toBe(1);
  // Rotated again with lines left in both files, the old .1 now .2.
  fs.appendFileSync(log, delivered('d@x.test'));
  fs.renameSync(`${log}.1`, `${log}.2`);
  fs.renameSync(log, `${log}.1`);
  fs.writeFileSync(log, delivered('e@x.test'));
  expect(await collector.collect()).toBe(2);
  expect(await actors()).toEqual(['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test']);
});

it('reads Dovecot logins too', async () => {
  fs.writeFileSync(path.join(dir, 'dovecot.log'), 'Dec 06 03:59:23 imap-login: Info: Login: user=<carol@acme.test>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, TLS\n');
  expect(await collector.collect()).toBe(1);
  expect(await actors()).toEqual(['carol@acme.test']);
});

it('prunes events older than the retention, keeps the rest', async () => {
  const old = new Date(Date.now() - 15 * 86_400_000).toISOString();
  const recent = new Date(Date.now() - 13 * 86_400_000).toISOString();
  const event = { type: 'admin' as const, source: 'api', actor: 'x', remote: null, message: 'm', details: {} };
  await store.addEvents([{ ...event, time: old, actor: 'old' }, { ...event, time: recent, actor: 'recent' }]);
  expect(await collector.prune()).toBe(1);
  expect(await actors()).toEqual(['recent']);
});

it('searches by type and text, newest first, with the total', async () => {
  const event = { time: T, source: 'api', remote: null, details: { route: '/x_y' } };
  await store.addEvents([
    { ...event, type: 'admin', actor: 'ops', message: 'POST /api/v1/domains' },
    { ...event, type: 'login', actor: 'alice@acme.test', message: 'imap login failed for alice@acme.test' },
    { ...event, type: 'admin', actor: 'ops', message: 'DELETE /api/v1/users/bob' },
  ]);
  const admin = await store.queryEvents({ types: ['admin'], offset: 0, limit: 1 });
  expect(admin.total).toBe(2);
  expect(admin.events.map((e) => e.message)).toEqual(['DELETE /api/v1/users/bob']);
  expect((await store.queryEvents({ search: 'ALICE', offset: 0, limit: 10 })).events.map((e) => e.type)).toEqual(['login']);
  // LIKE wildcards in the search are literal.
  expect((await store.queryEvents({ search: '%', offset: 0, limit: 10 })).total).toBe(0);
  expect((await store.queryEvents({ search: 'x_y', offset: 0, limit: 10 })).total).toBe(3);
});
