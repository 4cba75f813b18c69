import { Srs, type ListRoute } from '@mail/core';
import { headerAddresses, planDelivery, rememberList, rememberRemoteBounce } from './list-delivery';
import { rememberRoute } from './notes';

const team: ListRoute = {
  kind: 'list',
  list: 'team@acme.test',
  membersOnly: false,
  members: [],
  mailboxes: ['alice@acme.test', 'bob@acme.test', 'carol@acme.test'],
  external: ['x@example.org', 'y@example.net'],
};

function notesFor(): Record<string, unknown> {
  const notes: Record<string, unknown> = {};
  rememberList(notes, 'Team@acme.test', team);
  rememberRoute(notes, 'dave@acme.test', ['dave@acme.test']);
  return notes;
}

describe('planDelivery', () => {
  const srs = new Srs({ secret: 's3cret' });

  it('expands lists next to ordinary recipients and forwards external members with SRS', () => {
    const plan = planDelivery(notesFor(), ['team@acme.test', 'dave@acme.test'], [], 'sender@example.com', srs);
    expect(plan.mailboxes.sort()).toEqual(['alice@acme.test', 'bob@acme.test', 'carol@acme.test', 'dave@acme.test']);
    expect(plan.forwards).toHaveLength(1);
    const [forward] = plan.forwards;
    expect(forward?.recipients).toEqual(['x@example.org', 'y@example.net']);
    expect(forward?.sender).toMatch(/^SRS0=.{4}=..=example\.com=sender@acme\.test$/);
    expect(srs.reverse(forward!.sender.split('@')[0]!)).toBe('sender@example.com');
  });

  it('skips members named in To or Cc (also with a +tag), local and external', () => {
    const plan = planDelivery(notesFor(), ['team@acme.test'], ['alice+x@acme.test', 'bob@acme.test', 'x@example.org'], 'a@b.test', srs);
    expect(plan.mailboxes).toEqual(['carol@acme.test']);
    expect(plan.forwards[0]?.recipients).toEqual(['y@example.net']);
  });

  it('keeps the envelope sender without SRS, and for the null sender', () => {
    expect(planDelivery(notesFor(), ['team@acme.test'], [], 'a@b.test', undefined).forwards[0]?.sender).toBe('a@b.test');
    expect(planDelivery(notesFor(), ['team@acme.test'], [], '', srs).forwards[0]?.sender).toBe('');
  });

  it('sends a bounce to an SRS address back to the remote original sender unchanged', () => {
    const notes: Record<string, unknown> = {};
    rememberRemoteBounce(notes, 'SRS0=abcd=AA=example.org=joe@acme.test', 'joe@example.org');
    expect(planDelivery(notes, ['srs0=abcd=aa=example.org=joe@acme.test'], [], '', srs)).toEqual({
      mailboxes: [],
      forwards: [{ sender: '', recipients: ['joe@example.org'] }],
    });
  });

  it('a list with only external members delivers nothing locally', () => {
    const notes: Record<string, unknown> = {};
    rememberList(notes, 'ext@acme.test', { ...team, mailboxes: [] });
    expect(planDelivery(notes, ['ext@acme.test'], [], 'a@b.test', undefined).mailboxes).toEqual([]);
  });
});

describe('headerAddresses', () => {
  it('reads name-addrs, groups and encoded words; skips what does not parse', () => {
    expect(
      headerAddresses([
        '"Alice" <Alice@Acme.test>, team: bob@acme.test, =?utf-8?Q?C=C3=A9line?= <celine@example.org>;',
        '<<broken',
        'x@example.org',
      ]),
    ).toEqual(['alice@acme.test', 'bob@acme.test', 'celine@example.org', 'x@example.org']);
  });
});
