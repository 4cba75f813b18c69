import { matchesFilter, requiredValues } from './filter';
import type { Entry, FilterNode } from './protocol';

const entry: Entry = {
  dn: 'cn=alice@example.com,ou=mailboxes,dc=cloudron',
  attributes: {
    objectClass: ['mailbox'],
    mail: ['alice@example.com'],
    mailAlternateAddress: ['al@example.com', 'Alice@Other.org'],
    active: ['TRUE'],
    quota: ['250'],
  },
};

const eq = (attribute: string, value: string): FilterNode => ({ kind: 'equal', attribute, value });
const unsupported: FilterNode = { kind: 'unsupported' };
const sub = (attribute: string, initial: string, any: string[], final: string): FilterNode => ({
  kind: 'substring',
  attribute,
  initial,
  any,
  final,
});

describe('matchesFilter', () => {
  it('ignores the case of attribute names and values', () => {
    expect(matchesFilter(eq('MAIL', 'Alice@Example.COM'), entry)).toBe(true);
    expect(matchesFilter(eq('mailalternateaddress', 'alice@other.org'), entry)).toBe(true);
    expect(matchesFilter(eq('active', 'true'), entry)).toBe(true);
    expect(matchesFilter(eq('mail', 'bob@example.com'), entry)).toBe(false);
  });

  it('tests presence', () => {
    expect(matchesFilter({ kind: 'present', attribute: 'objectclass' }, entry)).toBe(true);
    expect(matchesFilter({ kind: 'present', attribute: 'pop3' }, entry)).toBe(false);
  });

  it('matches substrings in order and without overlap', () => {
    expect(matchesFilter(sub('mail', 'ali', ['@'], '.com'), entry)).toBe(true);
    expect(matchesFilter(sub('mail', '', ['example', 'alice'], ''), entry)).toBe(false);
    expect(matchesFilter(sub('mail', 'alice@example.co', [], 'com'), entry)).toBe(false);
    expect(matchesFilter(sub('mail', '', [], '@EXAMPLE.com'), entry)).toBe(true);
  });

  it('orders numbers numerically and strings lexically', () => {
    expect(matchesFilter({ kind: 'greaterOrEqual', attribute: 'quota', value: '100' }, entry)).toBe(true);
    expect(matchesFilter({ kind: 'lessOrEqual', attribute: 'quota', value: '99' }, entry)).toBe(false);
    expect(matchesFilter({ kind: 'lessOrEqual', attribute: 'mail', value: 'b' }, entry)).toBe(true);
  });

  it('treats what it cannot evaluate as Undefined, also under NOT (RFC 4511 §4.5.1.7)', () => {
    expect(matchesFilter(unsupported, entry)).toBe(false);
    expect(matchesFilter({ kind: 'not', child: unsupported }, entry)).toBe(false);
    expect(matchesFilter({ kind: 'or', children: [unsupported, eq('mail', 'alice@example.com')] }, entry)).toBe(true);
    expect(matchesFilter({ kind: 'and', children: [unsupported, eq('mail', 'nobody')] }, entry)).toBe(false);
    expect(matchesFilter({ kind: 'not', child: { kind: 'and', children: [unsupported, eq('mail', 'nobody')] } }, entry)).toBe(true);
  });

  it('gives empty AND true and empty OR false (RFC 4526)', () => {
    expect(matchesFilter({ kind: 'and', children: [] }, entry)).toBe(true);
    expect(matchesFilter({ kind: 'or', children: [] }, entry)).toBe(false);
  });
});

describe('requiredValues', () => {
  const keys = new Set(['mail', 'cn']);

  it('pins the key from an equality, also inside AND', () => {
    expect(requiredValues(eq('Mail', 'A@B.C'), keys)).toEqual(['a@b.c']);
    const dovecot: FilterNode = { kind: 'and', children: [eq('objectClass', 'mailbox'), eq('cn', 'x@y.z')] };
    expect(requiredValues(dovecot, keys)).toEqual(['x@y.z']);
  });

  it('unites the alternatives of an OR only when every branch pins the key', () => {
    expect(requiredValues({ kind: 'or', children: [eq('mail', 'a@b.c'), eq('cn', 'd@e.f'), eq('mail', 'a@b.c')] }, keys)).toEqual([
      'a@b.c',
      'd@e.f',
    ]);
    expect(requiredValues({ kind: 'or', children: [eq('mail', 'a@b.c'), eq('owner', 'alice')] }, keys)).toBeUndefined();
    expect(requiredValues({ kind: 'or', children: [] }, keys)).toEqual([]);
  });

  it('does not pin through NOT, presence or other attributes', () => {
    expect(requiredValues({ kind: 'not', child: eq('mail', 'a@b.c') }, keys)).toBeUndefined();
    expect(requiredValues({ kind: 'present', attribute: 'mail' }, keys)).toBeUndefined();
    expect(requiredValues(eq('mailAlternateAddress', 'a@b.c'), keys)).toBeUndefined();
    expect(requiredValues(sub('mail', 'a', [], ''), keys)).toBeUndefined();
  });
});
