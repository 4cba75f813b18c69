/** The directory client against an LDAP server that answers like the bridge's README says. */
import { startFakeBridge, type BridgeData, type FakeBridge } from '../testing/fake-bridge';
import { DirectoryUnavailableError, LdapDirectory } from './directory';

const DATA: BridgeData = {
  servicePassword: 'service-secret',
  mailboxes: {
    'alice@example.test': { password: 'alice-pw', aliases: ['info@example.test', 'al@other.test'] },
    'bob@example.test': { password: 'bob-pw', active: false },
    'a+b@example.test': { password: 'plus-pw' },
  },
  domains: {
    'example.test': { masquerade: true, signature: { text: '-- \nExample', html: '<p>Example</p>' } },
    'other.test': { relay: '{"provider":"noop"}' },
    'broken.test': { relay: '{"provider":"smtp"' },
  },
};

function directory(bridge: FakeBridge, password = DATA.servicePassword): LdapDirectory {
  return new LdapDirectory({ url: bridge.url, baseDn: 'dc=cloudron', bindPassword: password, timeoutMs: 2000 });
}

describe('LdapDirectory', () => {
  let bridge: FakeBridge;
  let dir: LdapDirectory;
  beforeAll(async () => {
    bridge = await startFakeBridge(DATA);
    dir = directory(bridge);
  });
  afterAll(async () => {
    await dir.close();
    await bridge.close();
  });

  it('routes mailboxes, aliases, +tags, disabled, unknown and foreign addresses', async () => {
    expect(await dir.route('Alice@Example.test')).toEqual({ kind: 'deliver', mailboxes: ['alice@example.test'], via: 'mailbox' });
    expect(await dir.route('info@example.test')).toEqual({ kind: 'deliver', mailboxes: ['alice@example.test'], via: 'alias' });
    expect(await dir.route('alice+news@example.test')).toEqual({ kind: 'deliver', mailboxes: ['alice@example.test'], via: 'mailbox' });
    expect(await dir.route('bob@example.test')).toEqual({ kind: 'reject', reason: 'disabled' });
    expect(await dir.route('nobody@example.test')).toEqual({ kind: 'reject', reason: 'unknown' });
    // Never asked (ldapjs drops the connection on an empty assertion value).
    expect(await dir.route('')).toEqual({ kind: 'reject', reason: 'unknown' });
    expect(await dir.route('someone@elsewhere.test')).toEqual({ kind: 'nonlocal' });
  });

  it('escapes filter values (RFC 4515)', async () => {
    expect(await dir.route('x*)(mail=*@example.test')).toEqual({ kind: 'reject', reason: 'invalid' });
  });

  it('reads a mailbox with its aliases and its domain masquerade flag', async () => {
    expect(await dir.mailbox('alice@example.test')).toEqual({
      address: 'alice@example.test',
      active: true,
      aliases: ['info@example.test', 'al@other.test'],
      domainMasquerade: true,
    });
    expect(await dir.mailbox('nobody@example.test')).toBeUndefined();
  });

  it('reads domains', async () => {
    expect(await dir.domain('Example.TEST')).toEqual({ name: 'example.test', domainMasquerade: true });
    expect(await dir.domain('other.test')).toEqual({ name: 'other.test', domainMasquerade: false });
    expect(await dir.domain('elsewhere.test')).toBeUndefined();
  });

  it('reads domain signatures', async () => {
    expect(await dir.domainSignature('Example.TEST')).toEqual({ text: '-- \nExample', html: '<p>Example</p>' });
    expect(await dir.domainSignature('other.test')).toEqual({ text: null, html: null });
    expect(await dir.domainSignature('elsewhere.test')).toBeUndefined();
  });

  it('reads domain relays: absent is direct, a broken one is an error', async () => {
    expect(await dir.domainRelay('example.test')).toEqual({ provider: 'direct' });
    expect(await dir.domainRelay('other.test')).toEqual({ provider: 'noop' });
    expect(await dir.domainRelay('elsewhere.test')).toBeUndefined();
    await expect(dir.domainRelay('broken.test')).rejects.toThrow(/mailRelay/);
  });

  it('checks submission logins by binding on ou=sendmail', async () => {
    expect(await dir.checkSendLogin('alice@example.test', 'alice-pw')).toBe(true);
    expect(await dir.checkSendLogin('alice@example.test', 'wrong')).toBe(false);
    expect(await dir.checkSendLogin('bob@example.test', 'bob-pw')).toBe(false); // disabled
    expect(await dir.checkSendLogin('info@example.test', 'alice-pw')).toBe(false); // an alias is no login
    expect(await dir.checkSendLogin('a+b@example.test', 'plus-pw')).toBe(true);
    expect(bridge.binds).toContain('cn=a\\2bb@example.test,ou=sendmail,dc=cloudron');
  });

  it('never sends an empty password (that would be an unauthenticated bind)', async () => {
    const before = bridge.binds.length;
    expect(await dir.checkSendLogin('alice@example.test', '')).toBe(false);
    expect(bridge.binds.length).toBe(before);
  });

  it('reports a refused service bind as unavailable, not as "no such user"', async () => {
    const wrong = directory(bridge, 'not-the-password');
    await expect(wrong.route('alice@example.test')).rejects.toThrow(DirectoryUnavailableError);
    await wrong.close();
  });
});

describe('LdapDirectory when the bridge is down', () => {
  it('throws DirectoryUnavailableError for searches and logins alike', async () => {
    const bridge = await startFakeBridge(DATA);
    const dir = directory(bridge);
    await bridge.close();
    await expect(dir.route('alice@example.test')).rejects.toThrow(DirectoryUnavailableError);
    await expect(dir.checkSendLogin('alice@example.test', 'alice-pw')).rejects.toThrow(DirectoryUnavailableError);
    await dir.close();
  });

  it('reconnects once the bridge is back (e.g. after a restart)', async () => {
    const first = await startFakeBridge(DATA);
    const dir = directory(first);
    expect((await dir.route('alice@example.test')).kind).toBe('deliver');
    await first.close(); // drops the directory's connection too
    const second = await startFakeBridge(DATA, 'dc=cloudron', first.port);
    expect((await dir.route('alice@example.test')).kind).toBe('deliver');
    await dir.close();
    await second.close();
  });
});
