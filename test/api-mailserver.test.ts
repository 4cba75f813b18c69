/**
 * The server-wide filtering settings through the REST API, as `npm start` serves it:
 * DNSBL zones reach Haraka's dns-list config, the sender block list and custom
 * SpamAssassin rules are linted and act on the next message (it lands in Spam), a rule
 * set the linter refuses is a 422 and changes nothing; only a superadmin may touch them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataPaths, TokenServices } from '@mail/orchestrator';
import { harakaConfigDir } from '../orchestrator/src/render/haraka';
import { PASSWORDS, populate, subjects } from './helpers/fixtures';
import { SmtpClient, testMessage } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let t: TestStack;
let superadmin: string;
let admin: string;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
  superadmin = fs.readFileSync(dataPaths(t.dataDir).apiToken, 'utf8').trim();
  admin = (await new TokenServices(t.services.store).add('ops', 'admin')).token;
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

async function call(method: string, route: string, body?: unknown, token = superadmin): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${t.ports.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function deliver(from: string, subject: string): Promise<number | undefined> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const sent = await client.send(from, ['alice@acme.test'], testMessage({ from, to: 'alice@acme.test', subject }));
  await client.quit();
  return sent.data?.code;
}

describe('dnsbl_config', () => {
  it('defaults to zen.spamhaus.org, and a change reaches Haraka', async () => {
    expect(await call('GET', '/api/v1/mailserver/dnsbl_config')).toEqual({ status: 200, body: { zones: ['zen.spamhaus.org'] } });
    expect(await call('POST', '/api/v1/mailserver/dnsbl_config', { zones: ['bl.example.org', 'zen.spamhaus.org'] })).toMatchObject({ status: 200 });
    const ini = fs.readFileSync(path.join(harakaConfigDir(dataPaths(t.dataDir)), 'dns-list.ini'), 'utf8');
    expect(ini).toMatch(/^zones=bl\.example\.org,zen\.spamhaus\.org$/m);
  });

  it('refuses a bad zone (422), an unknown field (400) and an admin token (403), changing nothing', async () => {
    expect((await call('POST', '/api/v1/mailserver/dnsbl_config', { zones: ['not a zone'] })).status).toBe(422);
    expect((await call('POST', '/api/v1/mailserver/dnsbl_config', { zones: ['x.example'], extra: 1 })).status).toBe(400);
    expect((await call('POST', '/api/v1/mailserver/dnsbl_config', { zones: ['x.example'] }, admin)).status).toBe(403);
    expect((await call('GET', '/api/v1/mailserver/dnsbl_config')).body).toEqual({ zones: ['bl.example.org', 'zen.spamhaus.org'] });
  });
});

describe('spam_acl and spam_custom_config', () => {
  it('files mail from a blocked sender into Spam with USER_IN_BLACKLIST', async () => {
    const set = await call('POST', '/api/v1/mailserver/spam_acl', { blocklist: ['*@pushy.example'], allowlist: ['friend@good.example'] });
    expect(set).toEqual({ status: 200, body: { blocklist: ['*@pushy.example'], allowlist: ['friend@good.example'] } });
    expect(await deliver('sales@pushy.example', 'api-blocked')).toBe(250);
    await waitFor('the blocked message in Spam', async () =>
      (await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice, 'Spam')).includes('api-blocked') || undefined,
    );
  });

  it('applies linted custom rules at once, and keeps them when a broken set is refused', async () => {
    const rules = 'header API_DISCOUNT Subject =~ /\\bdiscount\\b/i\nscore API_DISCOUNT 100\ndescribe API_DISCOUNT no discounts\n';
    expect(await call('POST', '/api/v1/mailserver/spam_custom_config', { config: rules })).toEqual({ status: 200, body: { config: rules } });
    expect(await deliver('shop@fine.example', 'big discount today')).toBe(250);
    await waitFor('the discount message in Spam', async () =>
      (await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice, 'Spam')).includes('big discount today') || undefined,
    );
    const broken = await call('POST', '/api/v1/mailserver/spam_custom_config', { config: 'header BROKEN Subject =~ /(unclosed/\nscore BROKEN 1\n' });
    expect(broken.status).toBe(422);
    expect(broken.body).toMatchObject({ code: 'invalid' });
    expect((await call('GET', '/api/v1/mailserver/spam_custom_config')).body).toEqual({ config: rules });
    expect((await call('GET', '/api/v1/mailserver/spam_acl', undefined, admin)).status).toBe(403);
  });
});
