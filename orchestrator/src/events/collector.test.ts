import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventCollector, parseHarakaEvent, type EventSource } from './collector';
import { EventStore } from './store';

let dir: string;
let store: EventStore;
let file: string;
const line = (type: string, n: number): string => `${JSON.stringify({ ts: '2026-12-06T00:00:00.000Z', type, source: 'haraka', n })}\n`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-collector-'));
  store = new EventStore(path.join(dir, 'events.sqlite'));
  file = path.join(dir, 'haraka-events.jsonl');
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const source = (extra: Partial<EventSource> = {}): EventSource => ({ name: 'haraka', file, parse: parseHarakaEvent, ...extra });
const ns = () => store.query({ perPage: 1000 }).events.map((e) => e.data['n']).reverse();

it('ingests complete lines once, across polls and a new collector (restart)', () => {
  fs.writeFileSync(file, line('received', 1) + line('bogus-type', 2) + 'not json\n' + line('rejected', 3) + '{"ts":"2026');
  new EventCollector(store, [source()], 14).poll();
  expect(ns()).toEqual([1, 3]);
  fs.appendFileSync(file, `-12-06T00:00:00.000Z","type":"login","n":4}\n`);
  const again = new EventCollector(store, [source()], 14);
  again.poll();
  again.poll();
  expect(ns()).toEqual([1, 3, 4]);
});

it('starts over on a replaced or truncated file', () => {
  fs.writeFileSync(file, line('received', 1) + line('received', 2));
  new EventCollector(store, [source()], 14).poll();
  fs.writeFileSync(file, line('received', 3));
  new EventCollector(store, [source()], 14).poll();
  expect(ns()).toEqual([1, 2, 3]);
});

it('rotates a fully read file above the size limit, losing nothing', () => {
  fs.writeFileSync(file, line('received', 1) + line('received', 2));
  const collector = new EventCollector(store, [source({ rotateAboveBytes: 10 })], 14);
  collector.poll();
  expect(fs.existsSync(file)).toBe(false);
  fs.appendFileSync(file, line('received', 3));
  collector.poll();
  expect(ns()).toEqual([1, 2, 3]);
});

it('prunes events older than the retention', () => {
  fs.writeFileSync(file, line('received', 1));
  const now = Date.parse('2026-12-21T00:00:00Z');
  new EventCollector(store, [source()], 30, () => now).poll();
  expect(ns()).toEqual([1]);
  fs.appendFileSync(file, line('received', 2));
  new EventCollector(store, [source()], 14, () => now).poll();
  expect(ns()).toEqual([]);
});
