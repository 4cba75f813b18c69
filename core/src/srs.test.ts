import { execFileSync } from 'node:child_process';
import { isSrsLocalPart, Srs, SrsError, type SrsFailure } from './srs';

const SECRET = 'test-secret-4f9a';
const DAY = 86_400_000;

/**
 * python3-srs (Debian; a port of Shevek's Mail::SRS) as the independent implementation.
 * Each call runs `op` on the address with the same secret and maximum age.
 */
function pysrs(op: 'forward' | 'reverse', address: string, alias = ''): string {
  const script = [
    'import sys, SRS',
    `s = SRS.new(secret=${JSON.stringify(SECRET)}, maxage=21, hashlength=4)`,
    'op, addr, alias = sys.argv[1:4]',
    'print(s.forward(addr, alias) if op == "forward" else s.reverse(addr))',
  ].join('\n');
  // Debian's interpreter, where python3-srs is installed (not a pyenv shim).
  return execFileSync('/usr/bin/python3', ['-c', script, op, address, alias], { encoding: 'utf8' }).trim();
}

const localOf = (address: string): string => address.slice(0, address.lastIndexOf('@'));

function failure(fn: () => unknown): SrsFailure | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof SrsError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('SRS interoperates with python3-srs', () => {
  const srs = new Srs({ secret: SECRET });

  it.each(['alice@example.org', 'first.last+tag@sub.example.org', 'x=y@dash-ed.example'])(
    'our SRS0 for %s decodes with theirs, and is what they would write',
    (sender) => {
      const ours = srs.forward(sender, 'lists.acme.test');
      expect(ours).toMatch(/^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=/);
      expect(pysrs('reverse', ours)).toBe(sender);
      expect(ours).toBe(pysrs('forward', sender, 'lists.acme.test'));
    },
  );

  it('their SRS0 and SRS1 decode with ours', () => {
    const srs0 = pysrs('forward', 'bob@example.net', 'fwd.example');
    expect(srs.reverse(localOf(srs0))).toBe('bob@example.net');
    const srs1 = pysrs('forward', srs0, 'acme.test');
    expect(srs1.startsWith('SRS1=')).toBe(true);
    expect(srs.reverse(localOf(srs1))).toBe(srs0);
  });

  it('our SRS1 of an SRS0 address matches theirs and reverses with theirs', () => {
    const srs0 = srs.forward('carol@example.com', 'first.example');
    const ours = srs.forward(srs0, 'acme.test');
    expect(ours).toBe(pysrs('forward', srs0, 'acme.test'));
    expect(pysrs('reverse', ours)).toBe(srs0);
    // A third hop keeps the first forwarder.
    const third = srs.forward(ours, 'third.example');
    expect(third).toMatch(/^SRS1=....=first\.example==/);
    expect(srs.reverse(localOf(third))).toBe(srs0);
  });
});

describe('SRS verification', () => {
  const now = Date.UTC(2026, 10, 25);
  const srs = new Srs({ secret: SECRET, now: () => now });

  it('leaves the null sender and senders of the SRS domain alone', () => {
    expect(srs.forward('', 'acme.test')).toBe('');
    expect(srs.forward('alice@Acme.test', 'acme.test')).toBe('alice@Acme.test');
  });

  it('compares the hash case-insensitively', () => {
    const local = localOf(srs.forward('dave@example.org', 'acme.test'));
    expect(srs.reverse(local.toUpperCase().replace('SRS0', 'srs0'))).toBe('DAVE@EXAMPLE.ORG');
  });

  it('accepts + and - after the tag', () => {
    const local = localOf(srs.forward('dave@example.org', 'acme.test'));
    expect(srs.reverse(`SRS0+${local.slice(5)}`)).toBe('dave@example.org');
    expect(srs.reverse(`SRS0-${local.slice(5)}`)).toBe('dave@example.org');
  });

  it('refuses tampered, foreign and malformed addresses', () => {
    const local = localOf(srs.forward('dave@example.org', 'acme.test'));
    expect(failure(() => srs.reverse(local.replace('dave', 'eve')))).toBe('bad-hash');
    expect(failure(() => new Srs({ secret: 'other' }).reverse(local))).toBe('bad-hash');
    expect(failure(() => srs.reverse('SRS0=abcd=AA=example.org'))).toBe('malformed');
    expect(failure(() => srs.reverse('SRS0=abcd==example.org=x'))).toBe('malformed');
    expect(failure(() => srs.reverse('alice'))).toBe('malformed');
  });

  it('expires after 21 days, across the 1024-day wrap', () => {
    const local = localOf(srs.forward('dave@example.org', 'acme.test'));
    expect(new Srs({ secret: SECRET, now: () => now + 21 * DAY }).reverse(local)).toBe('dave@example.org');
    expect(failure(() => new Srs({ secret: SECRET, now: () => now + 22 * DAY }).reverse(local))).toBe('expired');
    const beforeWrap = Math.floor(now / DAY / 1024 + 1) * 1024 * DAY - DAY;
    const old = localOf(new Srs({ secret: SECRET, now: () => beforeWrap }).forward('x@example.org', 'acme.test'));
    expect(new Srs({ secret: SECRET, now: () => beforeWrap + 3 * DAY }).reverse(old)).toBe('x@example.org');
  });

  it('recognises SRS local parts', () => {
    expect(isSrsLocalPart('SRS0=x')).toBe(true);
    expect(isSrsLocalPart('srs1-x')).toBe(true);
    expect(isSrsLocalPart('srs2=x')).toBe(false);
    expect(isSrsLocalPart('srsx')).toBe(false);
  });
});
