import type { Route } from '@mail/core';
import { lmtpRecipients } from './local-mx';

describe('lmtpRecipients (queue entries for our own domains)', () => {
  it('leaves other domains to the MX lookup', () => {
    expect(lmtpRecipients(['bob@remote.test'], [{ kind: 'nonlocal' }])).toBeUndefined();
    expect(lmtpRecipients([], [])).toBeUndefined();
  });

  it('routes each recipient to its mailboxes, each once', () => {
    const routes: Route[] = [
      { kind: 'deliver', mailboxes: ['alice@acme.test'], via: 'alias' },
      { kind: 'deliver', mailboxes: ['Alice@acme.test', 'bob@acme.test'], via: 'catchall' },
    ];
    expect(lmtpRecipients(['al@acme.test', 'x@acme.test'], routes)).toEqual(['alice@acme.test', 'bob@acme.test']);
  });

  it('keeps an address that routes nowhere, so LMTP refuses it and the sender hears of it', () => {
    expect(lmtpRecipients(['gone@acme.test'], [{ kind: 'reject', reason: 'unknown' }])).toEqual(['gone@acme.test']);
  });

  it("hands Haraka's DSN to a user of a send-only domain (incoming off) to Dovecot, which still has the mailbox", () => {
    expect(lmtpRecipients(['alice@acme.test'], [{ kind: 'reject', reason: 'no-incoming' }])).toEqual(['alice@acme.test']);
  });
});
