import { DirectoryProtocolError, escapeDnValue, parseDomain, parseMailbox, parseRoute } from './ldap-entries';

describe('parseRoute', () => {
  it('reads attribute names in any case and removes duplicate mailboxes', () => {
    const entry = { dn: 'cn=x', routekind: 'deliver', MAILROUTINGADDRESS: ['A@x.test', 'a@x.test', 'b@x.test'], routeVia: 'catchall' };
    expect(parseRoute(entry)).toEqual({ kind: 'deliver', mailboxes: ['a@x.test', 'b@x.test'], via: 'catchall' });
  });

  it('reads rejections and foreign addresses', () => {
    expect(parseRoute({ dn: 'cn=x', routeKind: 'reject', routeReason: 'disabled' })).toEqual({ kind: 'reject', reason: 'disabled' });
    expect(parseRoute({ dn: 'cn=x', routeKind: 'reject', routeReason: 'no-incoming' })).toEqual({ kind: 'reject', reason: 'no-incoming' });
    expect(parseRoute({ dn: 'cn=x', routeKind: 'nonlocal' })).toEqual({ kind: 'nonlocal' });
  });

  it('reads list routes, which may deliver to nobody', () => {
    const entry = {
      dn: 'cn=x',
      routeKind: 'list',
      listAddress: 'Team@acme.test',
      listMembersOnly: 'TRUE',
      listMember: ['a@acme.test', 'X@example.org'],
      mailRoutingAddress: 'a@acme.test',
      mailForwardingAddress: 'X@example.org',
    };
    expect(parseRoute(entry)).toEqual({
      kind: 'list',
      list: 'team@acme.test',
      membersOnly: true,
      members: ['a@acme.test', 'x@example.org'],
      mailboxes: ['a@acme.test'],
      external: ['x@example.org'],
    });
    expect(parseRoute({ dn: 'cn=x', routeKind: 'list', listAddress: 'l@x.test' })).toMatchObject({ mailboxes: [], external: [] });
  });

  it('refuses answers outside the contract', () => {
    for (const entry of [
      { dn: 'cn=x' },
      { dn: 'cn=x', routeKind: 'teleport' },
      { dn: 'cn=x', routeKind: 'deliver', routeVia: 'mailbox' },
      { dn: 'cn=x', routeKind: 'deliver', mailRoutingAddress: 'a@x.test', routeVia: 'magic' },
      { dn: 'cn=x', routeKind: 'reject', routeReason: 'because' },
    ]) {
      expect(() => parseRoute(entry)).toThrow(DirectoryProtocolError);
    }
  });
});

describe('parseMailbox / parseDomain', () => {
  it('reads LDAP booleans strictly', () => {
    const box = parseMailbox({ dn: 'cn=a', mail: 'A@x.test', active: 'TRUE', mailAlternateAddress: 'Info@x.test', domainMasquerade: 'FALSE' });
    expect(box).toEqual({ address: 'a@x.test', active: true, aliases: ['info@x.test'], domainMasquerade: false });
    expect(() => parseMailbox({ dn: 'cn=a', mail: 'a@x.test', active: 'yes' })).toThrow(DirectoryProtocolError);
    expect(parseMailbox({ dn: 'cn=a', mail: 'a@x.test' }).active).toBe(false);
  });

  it('reads a domain by domain or cn', () => {
    expect(parseDomain({ dn: 'cn=x', cn: 'X.test', domainMasquerade: 'TRUE' })).toEqual({ name: 'x.test', domainMasquerade: true });
    expect(parseDomain({ dn: 'cn=x', domain: 'y.test' })).toEqual({ name: 'y.test', domainMasquerade: false });
  });
});

describe('escapeDnValue (RFC 4514 §2.4)', () => {
  it('hex-escapes the special characters, a leading "#"/space and a trailing space', () => {
    expect(escapeDnValue('alice@x.test')).toBe('alice@x.test');
    expect(escapeDnValue('a+b@x.test')).toBe('a\\2bb@x.test');
    expect(escapeDnValue('"a,b;c<d>e\\f"')).toBe('\\22a\\2cb\\3bc\\3cd\\3ee\\5cf\\22');
    expect(escapeDnValue('#a b ')).toBe('\\23a b\\20');
    expect(escapeDnValue(' a')).toBe('\\20a');
    expect(escapeDnValue('a\u0000b')).toBe('a\\00b');
  });
});
