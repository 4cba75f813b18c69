import { checkSender, type SenderContext } from './sender';

const base: SenderContext = {
  authenticated: 'alice@acme.test',
  aliases: ['al@acme.test', 'alice@other.test'],
  masqueradeAllowedForMailboxDomain: false,
  senderDomain: { local: true, masqueradeAllowed: false },
};

describe('checkSender', () => {
  it.each([
    ['alice@acme.test', 'own'],
    ['Alice@ACME.test', 'own'],
    ['alice+news@acme.test', 'own'],
    ['al@acme.test', 'alias'],
    ['alice@other.test', 'alias'],
    ['', 'null-sender'],
  ])('allows %j (%s)', (from, reason) => {
    expect(checkSender(from, base)).toEqual({ allowed: true, reason });
  });

  it('refuses another mailbox', () => {
    expect(checkSender('bob@acme.test', base)).toEqual({ allowed: false });
    expect(checkSender('someone@gmail.test', { ...base, senderDomain: { local: false, masqueradeAllowed: false } })).toEqual({
      allowed: false,
    });
  });

  it('allows masquerading only when both domains agree', () => {
    const permissive = { ...base, masqueradeAllowedForMailboxDomain: true };
    expect(checkSender('x@gmail.test', { ...permissive, senderDomain: { local: false, masqueradeAllowed: false } })).toEqual({
      allowed: true,
      reason: 'masquerade',
    });
    expect(checkSender('bob@acme.test', permissive)).toEqual({ allowed: false });
    expect(checkSender('bob@acme.test', { ...permissive, senderDomain: { local: true, masqueradeAllowed: true } })).toEqual({
      allowed: true,
      reason: 'masquerade',
    });
  });
});
