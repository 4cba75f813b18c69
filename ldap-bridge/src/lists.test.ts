/** Mailing lists: `ou=mailinglists` entries and list routes (README.md). */
import { Client, type Entry } from 'ldapts';
import { BASE_DN, SERVICE_DN, startFixture, type BridgeFixture } from './testing';

let f: BridgeFixture;
let ldap: Client;

beforeAll(async () => {
  f = await startFixture();
  // example.com: alice@ (alias al@), carol@ disabled; other.org: bob@ with a catch-all.
  await f.services.lists.add({
    address: 'news@example.com',
    members: ['al@example.com', 'bob+lists@other.org', 'carol@example.com', 'x@remote.test'],
    membersOnly: true,
  });
  await f.services.lists.add({ address: 'all@example.com', members: ['news@example.com', 'team@example.com'] });
  ldap = new Client({ url: f.url });
  await ldap.bind(SERVICE_DN, f.servicePassword);
});
afterAll(async () => {
  await ldap.unbind();
  await f.close();
});

const values = (value: Entry[string] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => v.toString()).sort();

async function one(base: string, filter: string): Promise<Entry> {
  const { searchEntries } = await ldap.search(base, { filter, scope: 'sub' });
  expect(searchEntries).toHaveLength(1);
  return searchEntries[0] as Entry;
}

describe('ou=mailinglists', () => {
  it('publishes each list as a mailGroup with its members', async () => {
    const entry = await one(`ou=mailinglists,${BASE_DN}`, '(mail=NEWS@example.com)');
    expect(entry.dn).toBe(`cn=news@example.com,ou=mailinglists,${BASE_DN}`);
    expect(values(entry['objectClass'])).toEqual(['mailGroup']);
    expect(values(entry['mgrpRFC822MailMember'])).toEqual([
      'al@example.com',
      'bob+lists@other.org',
      'carol@example.com',
      'x@remote.test',
    ]);
    expect(entry['listMembersOnly']).toBe('TRUE');
  });

  it('lists every list on a subtree search', async () => {
    const { searchEntries } = await ldap.search(`ou=mailinglists,${BASE_DN}`, { filter: '(objectClass=mailGroup)', scope: 'sub' });
    expect(searchEntries.map((e) => e.dn).sort()).toEqual([
      `cn=all@example.com,ou=mailinglists,${BASE_DN}`,
      `cn=news@example.com,ou=mailinglists,${BASE_DN}`,
    ]);
  });
});

describe('list routes', () => {
  it('resolve local members to mailboxes, skip disabled ones, and keep external members apart', async () => {
    const entry = await one(`ou=routes,${BASE_DN}`, '(mail=news+x@example.com)');
    expect(entry['routeKind']).toBe('list');
    expect(entry['listAddress']).toBe('news@example.com');
    expect(entry['listMembersOnly']).toBe('TRUE');
    expect(values(entry['mailRoutingAddress'])).toEqual(['alice@example.com', 'bob@other.org']);
    expect(values(entry['mailForwardingAddress'])).toEqual(['x@remote.test']);
    expect(values(entry['listMember'])).toHaveLength(4);
  });

  it('expand nested lists', async () => {
    const entry = await one(`ou=routes,${BASE_DN}`, '(mail=all@example.com)');
    expect(entry['listMembersOnly']).toBe('FALSE');
    expect(values(entry['mailRoutingAddress'])).toEqual(['alice@example.com', 'bob@other.org', 'team@example.com']);
    expect(values(entry['mailForwardingAddress'])).toEqual(['x@remote.test']);
  });

  it('follow changes at once', async () => {
    await f.services.lists.update('news@example.com', { members: ['alice@example.com'], membersOnly: false });
    const entry = await one(`ou=routes,${BASE_DN}`, '(mail=news@example.com)');
    expect(values(entry['mailRoutingAddress'])).toEqual(['alice@example.com']);
    expect(entry['mailForwardingAddress']).toBeUndefined();
    expect(entry['listMembersOnly']).toBe('FALSE');
  });
});
