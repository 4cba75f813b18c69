/**
 * The REST API against a real server (express on a free loopback port) over a real
 * SqliteStore: every route's happy path and its refusals (bad body, unknown field,
 * missing auth, wrong role, not found, conflict), and the error shape.
 */
import { populate } from './helpers/fixtures';
import { startTestApi, type ApiReply, type TestApi } from './helpers/api';

let api: TestApi;
const verified: string[] = [];

beforeAll(async () => {
  api = await startTestApi(async (relay) => {
    verified.push(relay.host);
    if (relay.host === 'broken.example') throw Object.assign(new Error('x'), { response: '535 5.7.8 authentication failed' });
  });
  await populate(api.services);
});
afterAll(async () => {
  await api?.stop();
});

function expectError(reply: ApiReply, status: number, code: string): void {
  expect(reply.status).toBe(status);
  const body = reply.body as { error: unknown; code: unknown; details: unknown };
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'error']);
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe('string');
  // Never internals: no stack frames, no server paths.
  expect(reply.text).not.toMatch(/\bat .+\.js:\d+|\/dist\/|node_modules/);
}

describe('authentication and roles', () => {
  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const reply = await api.call('GET', '/api/v1/domains', { token: null });
    expectError(reply, 401, 'unauthorized');
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses an unknown or malformed token with 401', async () => {
    expectError(await api.call('GET', '/api/v1/domains', { token: 'mt_0123456789abcdef_' + 'A'.repeat(43) }), 401, 'unauthorized');
    expectError(await api.call('GET', '/api/v1/domains', { token: 'nonsense' }), 401, 'unauthorized');
  });

  it('refuses an admin token on a superadmin route with 403, allows the superadmin', async () => {
    expectError(await api.call('GET', '/api/v1/mailserver/max_email_size'), 403, 'forbidden');
    expect((await api.call('GET', '/api/v1/mailserver/max_email_size', { token: api.superadmin })).status).toBe(200);
  });

  it('stops accepting a token once it is removed', async () => {
    const { TokenServices } = await import('@mail/orchestrator');
    const tokens = new TokenServices(api.store);
    const { token } = await tokens.add('short-lived', 'admin');
    expect((await api.call('GET', '/api/v1/domains', { token })).status).toBe(200);
    await tokens.remove('short-lived');
    expectError(await api.call('GET', '/api/v1/domains', { token }), 401, 'unauthorized');
  });
});

describe('request checks', () => {
  it('answers bad JSON with 400 bad_json', async () => {
    expectError(await api.call('POST', '/api/v1/domains', { body: '{"domain":' }), 400, 'bad_json');
  });

  it('refuses unknown fields, naming them', async () => {
    const reply = await api.call('POST', '/api/v1/domains', { body: { domain: 'x.test', enabled: true } });
    expectError(reply, 400, 'validation_failed');
    expect((reply.body as { error: string }).error).toContain('body.enabled');
  });

  it('refuses wrong types without coercing them (a body is taken as sent)', async () => {
    expectError(await api.call('POST', '/api/v1/mail/acme.test/mailboxes/bob', { body: { active: 'no' } }), 400, 'validation_failed');
    expect((await api.services.getMailbox('bob@acme.test')).active).toBe(true);
  });

  it('refuses bad query values and unknown query parameters', async () => {
    expectError(await api.call('GET', '/api/v1/mail/acme.test/mailboxes?per_page=0'), 400, 'validation_failed');
    expectError(await api.call('GET', '/api/v1/mail/acme.test/mailboxes?color=red'), 400, 'validation_failed');
  });

  it('refuses a body that is not JSON with 415', async () => {
    expectError(await api.call('POST', '/api/v1/domains', { body: 'domain=x.test', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    expectError(await api.call('GET', '/api/v1/nothing-here'), 404, 'not_found');
  });
});

describe('users and groups', () => {
  it('adds, lists, reads, re-passwords and removes a user', async () => {
    expect(await api.call('POST', '/api/v1/users', { body: { username: 'dave', password: 'dave-secret-1' } })).toMatchObject({ status: 201, body: { id: 'dave' } });
    const list = (await api.call('GET', '/api/v1/users')).body as { users: { id: string; groupIds: string[] }[] };
    expect(list.users.find((u) => u.id === 'alice')?.groupIds).toEqual(['team']);
    expect((await api.call('GET', '/api/v1/users/dave')).body).toMatchObject({ id: 'dave', username: 'dave', groupIds: [] });
    expect((await api.call('POST', '/api/v1/users/dave/password', { body: { password: 'dave-secret-2' } })).status).toBe(204);
    expect(await api.services.authenticateUser('dave', 'dave-secret-2')).toBe(true);
    expect((await api.call('DELETE', '/api/v1/users/dave')).status).toBe(204);
    expectError(await api.call('GET', '/api/v1/users/dave'), 404, 'not_found');
  });

  it('keeps a profile (email, displayName), updated field by field', async () => {
    const added = await api.call('POST', '/api/v1/users', { body: { username: 'erin', password: 'erin-secret-1', email: 'Erin@Example.org', displayName: 'Erin E.' } });
    expect(added.status).toBe(201);
    expect((await api.call('GET', '/api/v1/users/erin')).body).toMatchObject({ email: 'erin@example.org', displayName: 'Erin E.' });
    expect((await api.call('POST', '/api/v1/users/erin', { body: { displayName: null } })).body).toMatchObject({ email: 'erin@example.org', displayName: null });
    expectError(await api.call('POST', '/api/v1/users/erin', { body: { email: 'not-an-address' } }), 422, 'invalid');
    expectError(await api.call('POST', '/api/v1/users', { body: { username: 'fay', password: 'fay-secret-12', email: 'nope' } }), 422, 'invalid');
    expect(await api.store.getUser('fay')).toBeUndefined();
    expectError(await api.call('POST', '/api/v1/users/ghost', { body: { displayName: 'x' } }), 404, 'not_found');
    expectError(await api.call('POST', '/api/v1/users/erin', { body: { username: 'x' } }), 400, 'validation_failed');
  });

  it('refuses a duplicate (409), a bad name (422), a missing password (400), an unknown user (404)', async () => {
    expectError(await api.call('POST', '/api/v1/users', { body: { username: 'alice', password: 'whatever-123' } }), 409, 'conflict');
    expectError(await api.call('POST', '/api/v1/users', { body: { username: 'Bad Name', password: 'whatever-123' } }), 422, 'invalid');
    expectError(await api.call('POST', '/api/v1/users', { body: { username: 'erin' } }), 400, 'validation_failed');
    expectError(await api.call('POST', '/api/v1/users/nobody/password', { body: { password: 'whatever-123' } }), 404, 'not_found');
    expectError(await api.call('DELETE', '/api/v1/users/nobody'), 404, 'not_found');
  });

  it('refuses to remove a user who owns a mailbox (409)', async () => {
    expectError(await api.call('DELETE', '/api/v1/users/carol'), 409, 'conflict');
  });

  it('adds a group, sets its members, removes it', async () => {
    expect((await api.call('POST', '/api/v1/groups', { body: { name: 'ops', userIds: ['alice'] } })).status).toBe(201);
    expect((await api.call('PUT', '/api/v1/groups/ops/members', { body: { userIds: ['bob', 'carol'] } })).status).toBe(204);
    expect((await api.call('GET', '/api/v1/groups/ops')).body).toEqual({ id: 'ops', name: 'ops', userIds: ['bob', 'carol'] });
    const groups = (await api.call('GET', '/api/v1/groups')).body as { groups: { id: string }[] };
    expect(groups.groups.map((g) => g.id)).toEqual(['ops', 'team']);
    expectError(await api.call('PUT', '/api/v1/groups/ops/members', { body: { userIds: ['ghost'] } }), 404, 'not_found');
    expectError(await api.call('POST', '/api/v1/groups', { body: { name: 'ops' } }), 409, 'conflict');
    expect((await api.call('DELETE', '/api/v1/groups/ops')).status).toBe(204);
    expectError(await api.call('GET', '/api/v1/groups/ops'), 404, 'not_found');
  });
});

describe('domains', () => {
  it('adds, lists, reads and removes a domain', async () => {
    expect(await api.call('POST', '/api/v1/domains', { body: { domain: 'New.Test' } })).toMatchObject({ status: 201, body: { domain: 'new.test' } });
    const list = (await api.call('GET', '/api/v1/domains')).body as { domains: { domain: string }[] };
    expect(list.domains.map((d) => d.domain)).toEqual(['acme.test', 'new.test', 'other.test']);
    // A new domain receives mail (incoming on) unless switched off: see the README.
    expect((await api.call('GET', '/api/v1/domains/new.test')).body).toMatchObject({ domain: 'new.test', incoming: true });
    expect((await api.call('DELETE', '/api/v1/domains/new.test')).status).toBe(204);
    expectError(await api.call('GET', '/api/v1/domains/new.test'), 404, 'not_found');
  });

  it('refuses a duplicate (409), an invalid name (422), removing a domain in use (409)', async () => {
    expectError(await api.call('POST', '/api/v1/domains', { body: { domain: 'acme.test' } }), 409, 'conflict');
    expectError(await api.call('POST', '/api/v1/domains', { body: { domain: 'not a domain' } }), 422, 'invalid');
    expectError(await api.call('DELETE', '/api/v1/domains/acme.test'), 409, 'conflict');
  });
});

describe('mailboxes and aliases', () => {
  it('lists a page, filtered by search', async () => {
    const all = (await api.call('GET', '/api/v1/mail/acme.test/mailboxes')).body as { mailboxes: { name: string }[]; total: number };
    expect(all.mailboxes.map((m) => m.name)).toEqual(['alice', 'bob', 'carol', 'team']);
    const page = (await api.call('GET', '/api/v1/mail/acme.test/mailboxes?page=2&per_page=3')).body as typeof all;
    expect(page).toMatchObject({ total: 4, mailboxes: [{ name: 'team' }] });
    const found = (await api.call('GET', '/api/v1/mail/acme.test/mailboxes?search=al')).body as typeof all;
    expect(found.mailboxes.map((m) => m.name)).toEqual(['alice']);
    expectError(await api.call('GET', '/api/v1/mail/nowhere.test/mailboxes'), 404, 'not_found');
  });

  it('adds, reads, updates and removes a mailbox', async () => {
    const added = await api.call('POST', '/api/v1/mail/acme.test/mailboxes', {
      body: { name: 'sales', ownerId: 'team', ownerType: 'group', enablePop3: true },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ mailbox: { name: 'sales', domain: 'acme.test', ownerId: 'team', ownerType: 'group', active: true, enablePop3: true } });
    const updated = await api.call('POST', '/api/v1/mail/acme.test/mailboxes/sales', { body: { active: false } });
    expect(updated.body).toMatchObject({ active: false, enablePop3: true });
    expect((await api.call('GET', '/api/v1/mail/acme.test/mailboxes/sales')).body).toMatchObject({ active: false });
    expect((await api.call('DELETE', '/api/v1/mail/acme.test/mailboxes/sales', { body: { deleteMails: true } })).body).toEqual({
      deleteMails: true,
      archived: false,
    });
    expectError(await api.call('GET', '/api/v1/mail/acme.test/mailboxes/sales'), 404, 'not_found');
  });

  it('gives an app mailbox a generated password, once', async () => {
    const added = await api.call('POST', '/api/v1/mail/acme.test/mailboxes', { body: { name: 'crm.app', ownerId: 'crm', ownerType: 'app' } });
    const { credentials } = added.body as { credentials: { username: string; password: string; generated: boolean } };
    expect(credentials).toMatchObject({ username: 'crm.app@acme.test', generated: true });
    expect(await api.services.authenticateMailbox('crm.app@acme.test', credentials.password)).toBe(true);
    expect(JSON.stringify((await api.call('GET', '/api/v1/mail/acme.test/mailboxes/crm.app')).body)).not.toContain(credentials.password);
  });

  it('refuses a taken address (409), a bad name (422), an unknown owner (404), a missing field (400)', async () => {
    const add = (body: object) => api.call('POST', '/api/v1/mail/acme.test/mailboxes', { body });
    expectError(await add({ name: 'al', ownerId: 'bob', ownerType: 'user' }), 409, 'conflict');
    expectError(await add({ name: 'bad name', ownerId: 'bob', ownerType: 'user' }), 422, 'invalid');
    expectError(await add({ name: 'zed', ownerId: 'ghost', ownerType: 'user' }), 404, 'not_found');
    expectError(await add({ name: 'zed', ownerType: 'user' }), 400, 'validation_failed');
    expectError(await add({ name: 'zed', ownerId: 'bob', ownerType: 'robot' }), 400, 'validation_failed');
  });

  it('reads and replaces aliases as {name, domain}', async () => {
    expect((await api.call('GET', '/api/v1/mail/acme.test/mailboxes/alice/aliases')).body).toEqual({
      aliases: [{ name: 'al', domain: 'acme.test' }, { name: 'alice', domain: 'other.test' }],
    });
    const put = await api.call('PUT', '/api/v1/mail/acme.test/mailboxes/carol/aliases', { body: { aliases: [{ name: 'c', domain: 'other.test' }] } });
    expect(put.body).toEqual({ aliases: [{ name: 'c', domain: 'other.test' }] });
    expect((await api.services.getMailbox('carol@acme.test')).aliases).toEqual(['c@other.test']);
    expectError(await api.call('PUT', '/api/v1/mail/acme.test/mailboxes/carol/aliases', { body: { aliases: [{ name: 'al', domain: 'acme.test' }] } }), 409, 'conflict');
    expectError(await api.call('PUT', '/api/v1/mail/acme.test/mailboxes/carol/aliases', { body: { aliases: [{ name: 'x' }] } }), 400, 'validation_failed');
    expectError(await api.call('PUT', '/api/v1/mail/acme.test/mailboxes/ghost/aliases', { body: { aliases: [] } }), 404, 'not_found');
    expect((await api.services.getMailbox('carol@acme.test')).aliases).toEqual(['c@other.test']);
  });
});

describe('mailing lists', () => {
  it('adds, reads, updates and removes a list', async () => {
    const added = await api.call('POST', '/api/v1/mail/acme.test/lists', { body: { name: 'all', members: ['alice@acme.test', 'x@example.org'], membersOnly: true } });
    expect(added).toMatchObject({ status: 201, body: { name: 'all', domain: 'acme.test', membersOnly: true, active: true } });
    expect(((await api.call('GET', '/api/v1/mail/acme.test/lists')).body as { lists: unknown[] }).lists).toHaveLength(1);
    const updated = await api.call('POST', '/api/v1/mail/acme.test/lists/all', { body: { members: ['bob@acme.test'], active: false } });
    expect(updated.body).toEqual({ name: 'all', domain: 'acme.test', members: ['bob@acme.test'], membersOnly: true, active: false });
    expect((await api.call('GET', '/api/v1/mail/acme.test/lists/all')).body).toMatchObject({ members: ['bob@acme.test'] });
    expect((await api.call('DELETE', '/api/v1/mail/acme.test/lists/all')).status).toBe(204);
    expectError(await api.call('GET', '/api/v1/mail/acme.test/lists/all'), 404, 'not_found');
  });

  it('refuses a taken address (409), no members (422), an unknown field (400)', async () => {
    expectError(await api.call('POST', '/api/v1/mail/acme.test/lists', { body: { name: 'bob', members: ['alice@acme.test'] } }), 409, 'conflict');
    expectError(await api.call('POST', '/api/v1/mail/acme.test/lists', { body: { name: 'empty', members: [] } }), 422, 'invalid');
    expectError(await api.call('POST', '/api/v1/mail/acme.test/lists', { body: { name: 'l', members: ['a@b.test'], owner: 'x' } }), 400, 'validation_failed');
  });
});

describe('per-domain settings', () => {
  it('catch_all: reads and sets; an unknown mailbox is 404', async () => {
    expect((await api.call('GET', '/api/v1/mail/other.test/catch_all')).body).toEqual({ addresses: ['bob@acme.test'] });
    expect((await api.call('POST', '/api/v1/mail/other.test/catch_all', { body: { addresses: ['carol@acme.test'] } })).body).toEqual({ addresses: ['carol@acme.test'] });
    expectError(await api.call('POST', '/api/v1/mail/other.test/catch_all', { body: { addresses: ['ghost@acme.test'] } }), 404, 'not_found');
    expect(await api.services.getCatchAll('other.test')).toEqual(['carol@acme.test']);
  });

  it('enable: incoming mail on by default, switched off and on again, shown by the domain read', async () => {
    expect((await api.call('GET', '/api/v1/mail/other.test/enable')).body).toEqual({ enabled: true });
    expect((await api.call('POST', '/api/v1/mail/Other.Test/enable', { body: { enabled: false } })).body).toEqual({ enabled: false });
    expect((await api.store.getDomain('other.test'))?.incoming).toBe(false);
    expect((await api.call('GET', '/api/v1/domains/other.test')).body).toMatchObject({ domain: 'other.test', incoming: false });
    const listed = (await api.call('GET', '/api/v1/domains')).body as { domains: { domain: string; incoming: boolean }[] };
    expect(listed.domains.map((d) => [d.domain, d.incoming])).toEqual([['acme.test', true], ['other.test', false]]);
    expect((await api.call('POST', '/api/v1/mail/other.test/enable', { body: { enabled: true } })).body).toEqual({ enabled: true });
    expect((await api.call('GET', '/api/v1/mail/other.test/enable')).body).toEqual({ enabled: true });
  });

  it('enable: refuses a bad body (400) and an unknown domain (404), changing nothing', async () => {
    for (const body of [{}, { enabled: 'no' }, { enabled: false, extra: 1 }]) {
      expectError(await api.call('POST', '/api/v1/mail/acme.test/enable', { body }), 400, 'validation_failed');
    }
    expectError(await api.call('POST', '/api/v1/mail/ghost.test/enable', { body: { enabled: false } }), 404, 'not_found');
    expectError(await api.call('GET', '/api/v1/mail/ghost.test/enable'), 404, 'not_found');
    expect((await api.store.getDomain('acme.test'))?.incoming).toBe(true);
  });

  it('mail_from_validation: on by default, off allows masquerading', async () => {
    expect((await api.call('GET', '/api/v1/mail/acme.test/mail_from_validation')).body).toEqual({ enabled: true });
    expect((await api.call('POST', '/api/v1/mail/acme.test/mail_from_validation', { body: { enabled: false } })).body).toEqual({ enabled: false });
    expect((await api.store.getDomain('acme.test'))?.masquerade).toBe(true);
    expectError(await api.call('POST', '/api/v1/mail/acme.test/mail_from_validation', { body: {} }), 400, 'validation_failed');
    expectError(await api.call('GET', '/api/v1/mail/ghost.test/mail_from_validation'), 404, 'not_found');
  });

  it('relay: verified before it is stored, the password masked on read', async () => {
    const bad = await api.call('POST', '/api/v1/mail/acme.test/relay', {
      body: { provider: 'smtp', host: 'broken.example', port: 587, username: 'u', password: 'p' },
    });
    expectError(bad, 422, 'invalid');
    expect((bad.body as { error: string }).error).toContain('535 5.7.8');
    expect((await api.call('GET', '/api/v1/mail/acme.test/relay')).body).toEqual({ provider: 'direct' });
    const good = await api.call('POST', '/api/v1/mail/acme.test/relay', {
      body: { provider: 'smtp', host: 'relay.example', port: 587, username: 'u', password: 'the-secret' },
    });
    expect(good.body).toMatchObject({ provider: 'smtp', host: 'relay.example', password: '********' });
    expect((await api.call('GET', '/api/v1/mail/acme.test/relay')).text).not.toContain('the-secret');
    expect(verified).toEqual(['broken.example', 'relay.example']);
    expectError(await api.call('POST', '/api/v1/mail/acme.test/relay', { body: { provider: 'pigeon' } }), 400, 'validation_failed');
    expectError(await api.call('POST', '/api/v1/mail/acme.test/relay', { body: { provider: 'smtp', host: 'relay.example' } }), 422, 'invalid');
  });

  it('banner: the domain signature', async () => {
    expect((await api.call('GET', '/api/v1/mail/acme.test/banner')).body).toEqual({ text: null, html: null });
    const set = await api.call('POST', '/api/v1/mail/acme.test/banner', { body: { text: '-- \nAcme', html: '<p>Acme</p>' } });
    expect(set.body).toEqual({ text: '-- \nAcme', html: '<p>Acme</p>' });
    expect((await api.store.getDomain('acme.test'))?.signatureText).toBe('-- \nAcme');
    expectError(await api.call('POST', '/api/v1/mail/acme.test/banner', { body: { text: 'x' } }), 400, 'validation_failed');
    expectError(await api.call('POST', '/api/v1/mail/acme.test/banner', { body: { text: 'a\u0000b', html: null } }), 422, 'invalid');
  });
});

describe('mailserver settings', () => {
  it('max_email_size: read, set (applied at once), range-checked', async () => {
    const su = { token: api.superadmin };
    expect((await api.call('GET', '/api/v1/mailserver/max_email_size', su)).body).toEqual({ size: 26214400 });
    const before = api.applied;
    expect((await api.call('POST', '/api/v1/mailserver/max_email_size', { ...su, body: { size: 10485760 } })).body).toEqual({ size: 10485760 });
    expect(api.applied).toBe(before + 1);
    expect((await api.call('GET', '/api/v1/mailserver/max_email_size', su)).body).toEqual({ size: 10485760 });
    expectError(await api.call('POST', '/api/v1/mailserver/max_email_size', { ...su, body: { size: 10 } }), 400, 'validation_failed');
    expectError(await api.call('POST', '/api/v1/mailserver/max_email_size', { body: { size: 2048 } }), 403, 'forbidden');
    expect(await api.store.getServerSetting('maxMessageSize')).toBe('10485760');
  });
});

describe('mailbox export and import', () => {
  it('exports JSON and CSV (one domain or all)', async () => {
    const json = (await api.call('GET', '/api/v1/mailboxes/export?domain=other.test')).body;
    expect(json).toEqual([]);
    const csv = await api.call('GET', '/api/v1/mailboxes/export?format=csv&domain=acme.test');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\n')[0]).toBe('name,domain,owner,owner type,space separated aliases,active');
    expect(csv.text).toContain('\nalice,acme.test,alice,user,al@acme.test alice@other.test,true\n');
    expectError(await api.call('GET', '/api/v1/mailboxes/export?format=xml'), 400, 'validation_failed');
    expectError(await api.call('GET', '/api/v1/mailboxes/export?domain=ghost.test'), 404, 'not_found');
  });

  it('imports JSON and CSV; one bad row refuses the whole file (422, every bad line listed)', async () => {
    const good = { name: 'imp1', domain: 'other.test', owner: 'bob', ownerType: 'user', aliases: [{ name: 'i1', domain: 'other.test' }], active: true };
    const bad = await api.call('POST', '/api/v1/mailboxes/import', { body: [good, { ...good, name: 'imp2', owner: 'ghost', aliases: [] }] });
    expectError(bad, 422, 'invalid');
    expect((bad.body as { details: unknown }).details).toEqual({ problems: [{ line: 2, message: 'user ghost does not exist' }] });
    expect(await api.store.getMailbox('imp1@other.test')).toBeUndefined();
    expect(await api.call('POST', '/api/v1/mailboxes/import', { body: [good] })).toMatchObject({ status: 200, body: { imported: 1 } });
    expect((await api.services.getMailbox('imp1@other.test')).aliases).toEqual(['i1@other.test']);
    const csv = await api.call('POST', '/api/v1/mailboxes/import', { csv: 'imp3,other.test,team,group\nbot.app,other.test,bot,app\n' });
    expect(csv.body).toMatchObject({ imported: 2, generatedPasswords: [{ address: 'bot.app@other.test' }] });
    // Entries are checked by the import, so a bad JSON entry is named by its number like a CSV line.
    const extra = await api.call('POST', '/api/v1/mailboxes/import', { body: [{ ...good, extra: 1 }] });
    expectError(extra, 422, 'invalid');
    expect((extra.body as { details: { problems: { line: number }[] } }).details.problems.map((p) => p.line)).toEqual([1]);
    expectError(await api.call('POST', '/api/v1/mailboxes/import', { body: [good] }), 422, 'invalid');
  });
});

describe('event log', () => {
  it('records every change made through the API with the token’s name, never the body', async () => {
    const reply = await api.call('GET', '/api/v1/mailserver/eventlog?types=admin&search=/api/v1/users&per_page=100', { token: api.superadmin });
    expect(reply.status).toBe(200);
    const { eventlogs, total } = reply.body as { eventlogs: { type: string; source: string; actor: string; message: string }[]; total: number };
    expect(eventlogs).toContainEqual(expect.objectContaining({ type: 'admin', source: 'api', actor: 'test-admin', message: 'POST /api/v1/users/dave/password' }));
    expect(total).toBe(eventlogs.length);
    expect(reply.text).not.toContain('dave-secret');
  });

  it('is for superadmins only; refuses unknown types', async () => {
    expectError(await api.call('GET', '/api/v1/mailserver/eventlog'), 403, 'forbidden');
    expectError(await api.call('GET', '/api/v1/mailserver/eventlog?types=admin,bogus', { token: api.superadmin }), 422, 'invalid');
    expectError(await api.call('GET', '/api/v1/mailserver/eventlog?types=ADMIN', { token: api.superadmin }), 400, 'validation_failed');
  });
});

describe('the OpenAPI document', () => {
  it('is served without a token and matches the committed docs/openapi.json', async () => {
    const { renderOpenApi } = await import('@mail/orchestrator/dist/api/write-openapi');
    const reply = await api.call('GET', '/api/v1/openapi.json', { token: null });
    expect(reply.status).toBe(200);
    expect(`${JSON.stringify(reply.body, null, 2)}\n`).toBe(renderOpenApi());
  });
});

