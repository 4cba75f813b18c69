import { resolveRecipient, type MailboxRecord, type RoutingDirectory } from './routing';

function directory(data: {
  domains: string[];
  mailboxes: MailboxRecord[];
  aliases?: Record<string, string>;
  catchAll?: Record<string, string[]>;
}): RoutingDirectory {
  const box = (a: string) => data.mailboxes.find((m) => m.address === a);
  return {
    isLocalDomain: async (d) => data.domains.includes(d),
    findMailbox: async (a) => box(a),
    findAliasTarget: async (a) => {
      const target = data.aliases?.[a];
      return target === undefined ? undefined : box(target);
    },
    catchAll: async (d) => (data.catchAll?.[d] ?? []).flatMap((a) => (box(a) ? [box(a)!] : [])),
  };
}

const dir = directory({
  domains: ['acme.test', 'other.test'],
  mailboxes: [
    { address: 'alice@acme.test', active: true },
    { address: 'bob@acme.test', active: true },
    { address: 'carol@acme.test', active: false },
    { address: 'dave@other.test', active: true },
  ],
  aliases: { 'al@acme.test': 'alice@acme.test', 'alice@other.test': 'alice@acme.test', 'old@acme.test': 'carol@acme.test' },
  catchAll: { 'other.test': ['dave@other.test', 'carol@acme.test'] },
});

describe('resolveRecipient', () => {
  it.each([
    ['alice@acme.test', { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'mailbox' }],
    ['ALICE@Acme.Test', { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'mailbox' }],
    ['al@acme.test', { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'alias' }],
    ['alice@other.test', { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'alias' }],
    ['alice+shop@acme.test', { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'mailbox' }],
    ['al+x+y@acme.test', { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'alias' }],
    ['nobody@acme.test', { kind: 'reject', reason: 'unknown' }],
    ['carol@acme.test', { kind: 'reject', reason: 'disabled' }],
    ['old@acme.test', { kind: 'reject', reason: 'disabled' }],
    ['nobody@other.test', { kind: 'deliver', mailboxes: ['dave@other.test'], via: 'catchall' }],
    ['someone@elsewhere.test', { kind: 'nonlocal' }],
    ['not-an-address', { kind: 'reject', reason: 'invalid' }],
  ])('%s', async (address, expected) => {
    expect(await resolveRecipient(address, dir)).toEqual(expected);
  });

  it('sends a disabled mailbox to the catch-all when the domain has one', async () => {
    const d = directory({
      domains: ['acme.test'],
      mailboxes: [{ address: 'carol@acme.test', active: false }, { address: 'bob@acme.test', active: true }],
      catchAll: { 'acme.test': ['bob@acme.test'] },
    });
    expect(await resolveRecipient('carol@acme.test', d)).toEqual({ kind: 'deliver', mailboxes: ['bob@acme.test'], via: 'catchall' });
  });

  it('bounces when every catch-all mailbox is disabled', async () => {
    const d = directory({
      domains: ['acme.test'],
      mailboxes: [{ address: 'carol@acme.test', active: false }],
      catchAll: { 'acme.test': ['carol@acme.test'] },
    });
    expect(await resolveRecipient('x@acme.test', d)).toEqual({ kind: 'reject', reason: 'unknown' });
  });

  describe('a domain with incoming mail off (send-only)', () => {
    const sendOnly: RoutingDirectory = {
      ...directory({
        domains: ['acme.test', 'other.test'],
        mailboxes: [{ address: 'alice@acme.test', active: true }, { address: 'dave@other.test', active: true }],
        aliases: { 'al@acme.test': 'alice@acme.test', 'alice@other.test': 'alice@acme.test' },
        catchAll: { 'acme.test': ['alice@acme.test'] },
      }),
      receivesMail: async (d) => d !== 'acme.test',
      findList: async (a) => (a === 'team@acme.test' ? { address: a, members: ['dave@other.test'], membersOnly: false, active: true } : undefined),
    };

    it.each(['alice@acme.test', 'al@acme.test', 'alice+tag@acme.test', 'team@acme.test', 'nobody@acme.test'])(
      'refuses %s (mailbox, alias, subaddress, list, catch-all alike)',
      async (address) => {
        expect(await resolveRecipient(address, sendOnly)).toEqual({ kind: 'reject', reason: 'no-incoming' });
      },
    );

    it('still routes the other domains, even an alias there pointing into the send-only domain', async () => {
      expect(await resolveRecipient('dave@other.test', sendOnly)).toEqual({ kind: 'deliver', mailboxes: ['dave@other.test'], via: 'mailbox' });
      expect(await resolveRecipient('alice@other.test', sendOnly)).toEqual({ kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'alias' });
    });

    it('is never relayed: an unknown domain stays nonlocal, the send-only one stays local', async () => {
      expect(await resolveRecipient('x@elsewhere.test', sendOnly)).toEqual({ kind: 'nonlocal' });
    });
  });
});
