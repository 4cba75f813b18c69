import { Srs, type ListRoute, type Route } from '@mail/core';
import { HookCode } from '@mail/haraka-common';
import { membersOnlyRefusal, resolveSrsBounce } from './list-policy';

const route: ListRoute = {
  kind: 'list',
  list: 'team@acme.test',
  membersOnly: true,
  members: ['alice@acme.test', 'x@example.org'],
  mailboxes: ['alice@acme.test'],
  external: ['x@example.org'],
};

describe('membersOnlyRefusal', () => {
  it('lets members post, with a +tag and in any case', () => {
    expect(membersOnlyRefusal(route, 'Alice+lists@ACME.test', 'team@acme.test')).toBeUndefined();
    expect(membersOnlyRefusal(route, 'x@example.org', 'team@acme.test')).toBeUndefined();
  });

  it('refuses others with 550 5.7.1 and a clear text', () => {
    expect(membersOnlyRefusal(route, 'mallory@example.com', 'team@acme.test')).toEqual({
      code: HookCode.DENY,
      message: '5.7.1 <team@acme.test>: only members may post to this list, and <mallory@example.com> is not a member',
    });
    expect(membersOnlyRefusal(route, '', 'team@acme.test')?.message).toMatch(/null sender/);
  });

  it('lets anyone post to an open list', () => {
    expect(membersOnlyRefusal({ ...route, membersOnly: false }, 'mallory@example.com', 'team@acme.test')).toBeUndefined();
  });
});

describe('resolveSrsBounce', () => {
  const srs = new Srs({ secret: 'k' });
  const routes: Record<string, Route> = {
    'alice@acme.test': { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'mailbox' },
    'gone@acme.test': { kind: 'reject', reason: 'unknown' },
  };
  const lookup = async (a: string): Promise<Route> =>
    routes[a.toLowerCase()] ?? (a.toLowerCase().endsWith('@acme.test') ? { kind: 'reject', reason: 'unknown' } : { kind: 'nonlocal' });
  const local = (address: string): string => address.slice(0, address.lastIndexOf('@'));

  it('routes a bounce to the local original sender', async () => {
    const encoded = local(srs.forward('alice@acme.test', 'lists.acme.test'));
    expect(await resolveSrsBounce(encoded, 'r', srs, lookup)).toEqual({ kind: 'local', original: 'alice@acme.test', mailboxes: ['alice@acme.test'] });
  });

  it('sends a bounce for a remote sender back out', async () => {
    const encoded = local(srs.forward('joe@example.org', 'acme.test'));
    expect(await resolveSrsBounce(encoded, 'r', srs, lookup)).toEqual({ kind: 'remote', original: 'joe@example.org' });
  });

  it('decodes our SRS1 down to our own SRS0', async () => {
    const srs0 = srs.forward('alice@acme.test', 'other.test');
    const srs1 = local(srs.forward(srs0.replace('@other.test', '@acme.test'), 'acme.test'));
    expect(await resolveSrsBounce(srs1, 'r', srs, lookup)).toMatchObject({ kind: 'local', original: 'alice@acme.test' });
  });

  it('refuses tampered addresses, vanished senders, and everything without a secret', async () => {
    const encoded = local(srs.forward('joe@example.org', 'acme.test'));
    const tampered = await resolveSrsBounce(encoded.replace('joe', 'eve'), 'r@acme.test', srs, lookup);
    expect(tampered).toEqual({ kind: 'refuse', answer: { code: HookCode.DENY, message: expect.stringMatching(/^5\.7\.1 <r@acme\.test>: invalid SRS/) } });
    const gone = local(srs.forward('gone@acme.test', 'x.test'));
    expect(await resolveSrsBounce(gone, 'r', srs, lookup)).toMatchObject({ kind: 'refuse' });
    expect(await resolveSrsBounce(encoded, 'r', undefined, lookup)).toMatchObject({ kind: 'refuse' });
  });
});
