/** Recipient routing as Haraka asks for it: one search per RCPT at `ou=routes,<base>`. */
import { Client, type Entry } from 'ldapts';
import { BASE_DN, SERVICE_DN, startFixture, type BridgeFixture } from './testing';

let f: BridgeFixture;
let ldap: Client;
const ROUTES = `ou=routes,${BASE_DN}`;

beforeAll(async () => {
  f = await startFixture();
  ldap = new Client({ url: f.url });
  await ldap.bind(SERVICE_DN, f.servicePassword);
});
afterAll(async () => {
  await ldap.unbind();
  await f.close();
});

interface RouteView {
  dn: string;
  kind: string;
  mailboxes: string[];
  via?: string;
  reason?: string;
}

const list = (value: Entry[string] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => v.toString()).sort();

/** The one entry the search must answer, reduced to what Haraka reads. */
async function route(address: string, attribute: 'mail' | 'cn' = 'mail'): Promise<RouteView> {
  const { searchEntries } = await ldap.search(ROUTES, { filter: `(${attribute}=${address})`, scope: 'sub' });
  expect(searchEntries).toHaveLength(1);
  const [entry] = searchEntries as [Entry];
  const view: RouteView = { dn: entry.dn, kind: String(entry['routeKind']), mailboxes: list(entry['mailRoutingAddress']) };
  if (entry['routeVia'] !== undefined) view.via = String(entry['routeVia']);
  if (entry['routeReason'] !== undefined) view.reason = String(entry['routeReason']);
  return view;
}

describe('routes', () => {
  it('answers a lookup without waiting for the client\'s delayed ACK (TCP_NODELAY)', async () => {
    // With Nagle's algorithm on, the SearchResultDone written after the entry waited for the
    // client's delayed ACK: every lookup took ≥ 40 ms (Linux's minimum delayed-ACK time).
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const started = performance.now();
      await route('alice@example.com');
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    expect(times[4]).toBeLessThan(25);
  });

  it('delivers a mailbox to itself', async () => {
    expect(await route('alice@example.com')).toEqual({
      dn: `cn=alice@example.com,${ROUTES}`,
      kind: 'deliver',
      mailboxes: ['alice@example.com'],
      via: 'mailbox',
    });
  });

  it('delivers aliases, cross-domain ones included, to their mailbox', async () => {
    expect(await route('al@example.com')).toMatchObject({ kind: 'deliver', mailboxes: ['alice@example.com'], via: 'alias' });
    expect(await route('alice@other.org')).toMatchObject({ kind: 'deliver', mailboxes: ['alice@example.com'], via: 'alias' });
  });

  it('delivers +tag addresses to the base mailbox or alias', async () => {
    expect(await route('alice+news@example.com')).toMatchObject({ kind: 'deliver', mailboxes: ['alice@example.com'], via: 'mailbox' });
    expect(await route('al+x@example.com')).toMatchObject({ kind: 'deliver', mailboxes: ['alice@example.com'], via: 'alias' });
  });

  it("uses the domain's catch-all for unknown addresses", async () => {
    expect(await route('whoever@other.org')).toEqual({
      dn: `cn=whoever@other.org,${ROUTES}`,
      kind: 'deliver',
      mailboxes: ['bob@other.org'],
      via: 'catchall',
    });
  });

  it('rejects disabled, unknown and invalid addresses, with the reason', async () => {
    expect(await route('carol@example.com')).toEqual({ dn: `cn=carol@example.com,${ROUTES}`, kind: 'reject', mailboxes: [], reason: 'disabled' });
    expect(await route('nobody@example.com')).toMatchObject({ kind: 'reject', mailboxes: [], reason: 'unknown' });
    expect(await route('not-an-address')).toMatchObject({ kind: 'reject', reason: 'invalid' });
  });

  it('answers nonlocal for other domains', async () => {
    expect(await route('someone@remote.test')).toEqual({ dn: `cn=someone@remote.test,${ROUTES}`, kind: 'nonlocal', mailboxes: [] });
  });

  it('matches the address case-insensitively, by mail or cn', async () => {
    expect(await route('Alice@Example.COM')).toMatchObject({ kind: 'deliver', mailboxes: ['alice@example.com'] });
    expect(await route('al@example.com', 'cn')).toMatchObject({ kind: 'deliver', via: 'alias' });
  });

  it('answers a base-scope read of the route DN', async () => {
    const { searchEntries } = await ldap.search(`cn=bob\\+x@other.org,${ROUTES}`, { scope: 'base' });
    expect(searchEntries.map((e) => [e.dn, e['routeKind'], e['mailRoutingAddress']])).toEqual([
      [`cn=bob\\2bx@other.org,${ROUTES}`, 'deliver', 'bob@other.org'],
    ]);
  });

  it('is not enumerable and stays out of subtree searches from above', async () => {
    expect((await ldap.search(ROUTES, { scope: 'one' })).searchEntries).toEqual([]);
    const fromBase = await ldap.search(BASE_DN, { scope: 'sub', filter: '(mail=alice@example.com)' });
    expect(fromBase.searchEntries.map((e) => e.dn).sort()).toEqual(
      ['mailboxes', 'recvmail', 'sendmail'].map((ou) => `cn=alice@example.com,ou=${ou},${BASE_DN}`),
    );
  });

  it('follows changes at once', async () => {
    expect(await route('new@example.com')).toMatchObject({ kind: 'reject', reason: 'unknown' });
    await f.services.setCatchAll('example.com', ['alice@example.com']);
    expect(await route('new@example.com')).toMatchObject({ kind: 'deliver', via: 'catchall', mailboxes: ['alice@example.com'] });
    expect(await route('carol@example.com')).toMatchObject({ kind: 'deliver', via: 'catchall', mailboxes: ['alice@example.com'] });
    await f.services.setCatchAll('example.com', []);
    await f.services.setMailboxActive('carol@example.com', true);
    expect(await route('carol@example.com')).toMatchObject({ kind: 'deliver', via: 'mailbox', mailboxes: ['carol@example.com'] });
    await f.services.setMailboxActive('carol@example.com', false);
    expect(await route('carol@example.com')).toMatchObject({ kind: 'reject', reason: 'disabled' });
  });

  it('refuses every address of a domain while its incoming mail is off, at once', async () => {
    await f.services.setIncoming('other.org', false);
    for (const address of ['bob@other.org', 'bob+x@other.org', 'alice@other.org', 'whoever@other.org']) {
      expect(await route(address)).toMatchObject({ kind: 'reject', reason: 'no-incoming', mailboxes: [] });
    }
    // The other domain is untouched; the domain entry says so too.
    expect(await route('alice@example.com')).toMatchObject({ kind: 'deliver', mailboxes: ['alice@example.com'] });
    const { searchEntries } = await ldap.search(`cn=other.org,ou=domains,${BASE_DN}`, { scope: 'base' });
    expect(searchEntries[0]?.['domainIncoming']).toBe('FALSE');
    await f.services.setIncoming('other.org', true);
    expect(await route('bob@other.org')).toMatchObject({ kind: 'deliver', mailboxes: ['bob@other.org'] });
  });
});
