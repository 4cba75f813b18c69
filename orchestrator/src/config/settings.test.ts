/** config.json → Settings: the defaults, the switches this file documents, and refusals. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadSettings } from './settings';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const load = (config: unknown): ReturnType<typeof loadSettings> => {
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return loadSettings(dir, {});
};

it('defaults: spam filtering on, logs rotated at 50 MB keeping 5', () => {
  expect(load({})).toMatchObject({ spamFilter: true, logRotation: { maxMegabytes: 50, keep: 5 } });
});

it('takes spamFilter and logRotation (a partial logRotation keeps the other default)', () => {
  expect(load({ spamFilter: false, logRotation: { keep: 2 } })).toMatchObject({ spamFilter: false, logRotation: { maxMegabytes: 50, keep: 2 } });
});

it.each([
  [{ spamFilter: 'no' }, /spamFilter/],
  [{ logRotation: { keep: 0 } }, /logRotation/],
  [{ logRotation: { maxMegabytes: 1.5 } }, /logRotation/],
  [{ logRotation: { size: 10 } }, /logRotation/],
])('refuses %j', (config, message) => {
  expect(() => load(config)).toThrow(ConfigError);
  expect(() => load(config)).toThrow(message);
});
