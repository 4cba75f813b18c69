/**
 * `"spamFilter": false` in config.json: no spamd is started or supervised, inbound mail is
 * delivered unscored (GTUBE lands in INBOX, no X-Spam-* added), and the rest of the inbound
 * path is unchanged (an unknown recipient is still refused).
 */
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import { PASSWORDS, populate } from './helpers/fixtures';
import { GTUBE, headerValue, sendInbound, waitForMessage } from './helpers/spam';
import { startTestStack, type TestStack } from './helpers/stack';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ spamFilter: false });
  await populate(t.services);
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

it('runs no spamd', () => {
  const state = JSON.parse(fs.readFileSync(dataPaths(t.dataDir).stateFile, 'utf8')) as { services: Record<string, unknown> };
  expect(Object.keys(state.services).sort()).toEqual(['dovecot', 'haraka', 'ldap-bridge']);
});

it('delivers GTUBE to INBOX without a spam verdict', async () => {
  const subject = `unfiltered ${Date.now()}`;
  const reply = await sendInbound(t.ports.smtp, { from: 'someone@remote.example', to: 'alice@acme.test', subject, body: GTUBE });
  expect(reply.code).toBe(250);
  const headers = await waitForMessage(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice, 'INBOX', subject);
  expect(headerValue(headers, 'X-Spam-Status')).toBeUndefined();
  expect(headerValue(headers, 'X-Spam-Flag')).toBeUndefined();
});

it('still refuses an unknown recipient', async () => {
  const reply = await sendInbound(t.ports.smtp, { from: 'someone@remote.example', to: 'nobody-here@acme.test', subject: 'x' });
  expect(reply.code).toBe(550);
});
