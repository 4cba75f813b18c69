/**
 * Log rotation with the real stack: `"logRotation": { "maxMegabytes": 1, "keep": 2 }`, then
 * enough inbound mail that haraka.log is rotated more than once while the event log is
 * reading it. Every delivery is in the event log exactly once (the collector finishes
 * haraka.log.1 before it starts the new file), and no more than `keep` old files are left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataPaths } from '@mail/orchestrator';
import { populate } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let t: TestStack;
const MESSAGES = 1600; // ~1.9 KB of haraka.log each: ~3 MB, so at least two rotations
const SESSIONS = 4;
const TO = 'alice@acme.test';

beforeAll(async () => {
  t = await startTestStack({ spamFilter: false, logRotation: { maxMegabytes: 1, keep: 2 } });
  await populate(t.services);
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

async function session(first: number, count: number): Promise<number> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo('rotation.test');
  let accepted = 0;
  for (let n = first; n < first + count; n++) {
    const sent = await client.send('load@remote.example', [TO], testMessage({ from: 'load@remote.example', to: TO, subject: `rotation ${n}` }));
    if (sent.data?.code === 250) accepted++;
  }
  await client.quit();
  return accepted;
}

it('rotates haraka.log and the event log still has every delivery once', async () => {
  const per = MESSAGES / SESSIONS;
  const accepted = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => session(i * per, per)));
  expect(accepted.reduce((a, b) => a + b, 0)).toBe(MESSAGES);
  const logs = dataPaths(t.dataDir).logs;
  const files = fs.readdirSync(logs).filter((f) => f.startsWith('haraka.log')).sort();
  expect(files).toEqual(['haraka.log', 'haraka.log.1', 'haraka.log.2']);
  for (const f of files) expect(fs.statSync(path.join(logs, f)).size).toBeLessThan(2 * 1024 * 1024);
  // The collector reads every second; all deliveries arrive, none twice.
  const total = async (): Promise<number> => (await t.services.store.queryEvents({ types: ['delivery'], search: TO, offset: 0, limit: 1 })).total;
  await waitFor(`${MESSAGES} delivery events`, async () => ((await total()) >= MESSAGES ? true : undefined), 60_000);
  await new Promise((resolve) => setTimeout(resolve, 2500)); // two more collector ticks
  expect(await total()).toBe(MESSAGES);
}, 300_000);
