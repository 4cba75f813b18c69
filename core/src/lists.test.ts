import { isListMember, type ListRecord } from './lists';
import { resolveRecipient, type MailboxRecord, type RoutingDirectory } from './routing';

const mailboxes: MailboxRecord[] = [
  { address: 'alice@acme.test', active: true },
  { address: 'bob@acme.test', active: true },
  { address: 'carol@acme.test', active: false },
  { address: 'dave@other.test', active: true },
];
const aliases: Record<string, string> = { 'al@acme.test': 'alice@acme.test' };

function directory(lists: ListRecord[], catchAll: string[] = []): RoutingDirectory {
  const box = (a: string) => mailboxes.find((m) => m.address === a);
  return {
    isLocalDomain: async (d) => d === 'acme.test' || d === 'other.test',
    findMailbox: async (a) => box(a),
    findAliasTarget: async (a) => (aliases[a] === undefined ? undefined : box(aliases[a])),
    catchAll: async () => catchAll.flatMap((a) => (box(a) ? [box(a)!] : [])),
    findList: async (a) => lists.find((l) => l.address === a),
  };
}

const list = (address: string, members: string[], extra: Partial<ListRecord> = {}): ListRecord => ({
  address,
  members,
  membersOnly: false,
  active: true,
  ...extra,
});

describe('list routing', () => {
  it('expands members: mailbox, alias, +tag, other local domain and external', async () => {
    const dir = directory([
      list('team@acme.test', ['alice@acme.test', 'al@acme.test', 'bob+lists@acme.test', 'dave@other.test', 'x@example.org']),
    ]);
    expect(await resolveRecipient('Team@acme.test', dir)).toEqual({
      kind: 'list',
      list: 'team@acme.test',
      membersOnly: false,
      members: ['alice@acme.test', 'al@acme.test', 'bob+lists@acme.test', 'dave@other.test', 'x@example.org'],
      mailboxes: ['alice@acme.test', 'bob@acme.test', 'dave@other.test'],
      external: ['x@example.org'],
    });
  });

  it('reaches the list with a +tag, and carries members-only', async () => {
    const dir = directory([list('team@acme.test', ['alice@acme.test'], { membersOnly: true })]);
    expect(await resolveRecipient('team+x@acme.test', dir)).toMatchObject({ kind: 'list', membersOnly: true, mailboxes: ['alice@acme.test'] });
  });

  it('skips local members that resolve nowhere, without asking the catch-all', async () => {
    const dir = directory([list('team@acme.test', ['carol@acme.test', 'gone@acme.test', 'bob@acme.test'])], ['alice@acme.test']);
    expect(await resolveRecipient('team@acme.test', dir)).toMatchObject({ mailboxes: ['bob@acme.test'], external: [] });
  });

  it('expands nested lists and survives loops', async () => {
    const dir = directory([
      list('a@acme.test', ['b@acme.test', 'alice@acme.test']),
      list('b@acme.test', ['a@acme.test', 'bob@acme.test', 'y@example.org']),
      list('self@acme.test', ['self+x@acme.test', 'bob@acme.test']),
    ]);
    expect(await resolveRecipient('a@acme.test', dir)).toMatchObject({
      mailboxes: ['bob@acme.test', 'alice@acme.test'],
      external: ['y@example.org'],
    });
    expect(await resolveRecipient('self@acme.test', dir)).toMatchObject({ mailboxes: ['bob@acme.test'] });
  });

  it('treats an inactive list like a disabled mailbox', async () => {
    const dir = directory([list('team@acme.test', ['alice@acme.test'], { active: false })]);
    expect(await resolveRecipient('team@acme.test', dir)).toEqual({ kind: 'reject', reason: 'disabled' });
  });

  it('a mailbox or alias wins over a list of the same address', async () => {
    const dir = directory([list('alice@acme.test', ['bob@acme.test'])]);
    expect(await resolveRecipient('alice@acme.test', dir)).toMatchObject({ kind: 'deliver', mailboxes: ['alice@acme.test'] });
  });
});

describe('isListMember', () => {
  const members = ['alice@acme.test', 'Bob+Lists@Example.org'];
  it.each([
    ['alice@acme.test', true],
    ['ALICE+news@Acme.Test', true],
    ['bob@example.org', true],
    ['bob+other@example.org', true],
    ['mallory@acme.test', false],
    ['', false],
  ])('%s → %s', (sender, expected) => {
    expect(isListMember(sender, members)).toBe(expected);
  });
});
