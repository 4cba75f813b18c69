import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventStore, type EventInput } from './store';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-store-'));
let store: EventStore;
const ev = (ts: string, type: EventInput['type'], data: Record<string, unknown>): EventInput => ({ ts, type, source: 'test', data });

beforeEach(() => {
  store = new EventStore(path.join(dir, `${Date.now()}-${Math.random()}.sqlite`));
  store.add([
    ev('2026-12-01T10:00:00.000Z', 'received', { from: 'joe@sender.test', to: ['alice@acme.test'] }),
    ev('2026-12-02T10:00:00.000Z', 'rejected', { rcpt: 'nobody@acme.test', reason: '550 5.1.1 no such user' }),
    ev('2026-12-03T10:00:00.000Z', 'login', { service: 'imap', user: 'alice@acme.test', success: false }),
  ]);
});
afterEach(() => store.close());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('lists newest first, filters by type and by text in any field (no LIKE wildcards)', () => {
  expect(store.query().events.map((e) => e.type)).toEqual(['login', 'rejected', 'received']);
  expect(store.query({ types: ['received', 'login'] }).total).toBe(2);
  expect(store.query({ search: 'NOBODY' }).events.map((e) => e.type)).toEqual(['rejected']);
  expect(store.query({ search: '%' }).total).toBe(0);
  expect(store.query({ search: 'login' }).total).toBe(1);
});

it('pages, and follows after an id oldest first', () => {
  expect(store.query({ perPage: 2, page: 2 }).events.map((e) => e.type)).toEqual(['received']);
  const first = store.query({ perPage: 1, page: 3 }).events[0];
  expect(store.query({ afterId: first?.id ?? 0 }).events.map((e) => e.type)).toEqual(['rejected', 'login']);
});

it('prunes what is older than the retention and keeps cursors with their events', () => {
  expect(store.prune(new Date('2026-12-02T12:00:00Z'))).toBe(2);
  expect(store.query().total).toBe(1);
  store.add([ev('2026-12-04T00:00:00.000Z', 'admin', { actor: 'x' })], { source: 'haraka', inode: 7, offset: 42 });
  expect(store.cursor('haraka')).toEqual({ inode: 7, offset: 42 });
  expect(fs.statSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.sqlite')) ?? '')).mode & 0o777).toBe(0o600);
});
