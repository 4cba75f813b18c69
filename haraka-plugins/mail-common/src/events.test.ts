import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emitEvent, eventsFlushed } from './events';

it('appends one JSON line per event, in order, with a timestamp', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'events-')), 'haraka.jsonl');
  emitEvent({ type: 'received', from: 'a@x.test' }, file);
  emitEvent({ type: 'rejected', rcpt: 'b@x.test' }, file);
  await eventsFlushed();
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.map((l) => l['type'])).toEqual(['received', 'rejected']);
  expect(lines[0]).toMatchObject({ source: 'haraka', from: 'a@x.test' });
  expect(Date.parse(String(lines[0]?.['ts']))).not.toBeNaN();
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
});

it('does nothing without a file and survives one it cannot write', async () => {
  emitEvent({ type: 'login' }, undefined);
  emitEvent({ type: 'login' }, '/nonexistent-dir/x.jsonl');
  await expect(eventsFlushed()).resolves.toBeUndefined();
});
