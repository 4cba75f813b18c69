/** The masquerade decision wired to directory answers (the rule itself: core/src/sender.ts). */
import { HookCode, type DomainEntry, type MailboxEntry } from '@mail/haraka-common';
import { answerForSender, describeDecision, judgeSender, type SenderDirectory } from './sender-check';

function directory(mailboxes: MailboxEntry[], domains: DomainEntry[]): SenderDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    mailbox: async (address) => (asked.push(`mailbox:${address}`), mailboxes.find((m) => m.address === address)),
    domain: async (name) => (asked.push(`domain:${name}`), domains.find((d) => d.name === name)),
  };
}

const alice: MailboxEntry = { address: 'alice@example.test', active: true, aliases: ['info@example.test', 'al@other.test'], domainMasquerade: false };
const carol: MailboxEntry = { address: 'carol@open.test', active: true, aliases: [], domainMasquerade: true };
const DOMAINS: DomainEntry[] = [
  { name: 'example.test', domainMasquerade: false },
  { name: 'other.test', domainMasquerade: false },
  { name: 'open.test', domainMasquerade: true },
];
const dir = directory([alice, carol, { ...alice, address: 'gone@example.test', active: false }], DOMAINS);

describe('judgeSender', () => {
  it.each([
    ['alice@example.test', 'own'],
    ['Alice+news@Example.test', 'own'],
    ['info@example.test', 'alias'],
    ['al@other.test', 'alias'],
    ['', 'null-sender'],
  ])('lets alice send as <%s> (%s)', async (from, reason) => {
    expect(await judgeSender(from, 'alice@example.test', dir)).toEqual({ allowed: true, reason });
  });

  it('refuses another mailbox of her domain, and a foreign address, when her domain does not allow masquerading', async () => {
    expect(await judgeSender('bob@example.test', 'alice@example.test', dir)).toEqual({ allowed: false });
    expect(await judgeSender('ceo@bank.test', 'alice@example.test', dir)).toEqual({ allowed: false });
  });

  it('lets a masquerading domain send as foreign addresses, but not as a protected domain of ours', async () => {
    expect(await judgeSender('anyone@bank.test', 'carol@open.test', dir)).toEqual({ allowed: true, reason: 'masquerade' });
    expect(await judgeSender('dave@open.test', 'carol@open.test', dir)).toEqual({ allowed: true, reason: 'masquerade' });
    expect(await judgeSender('alice@example.test', 'carol@open.test', dir)).toEqual({ allowed: false });
  });

  it('refuses a mailbox that is gone or disabled since the login', async () => {
    expect(await judgeSender('gone@example.test', 'gone@example.test', dir)).toEqual({ allowed: false, noMailbox: true });
    expect(await judgeSender('x@example.test', 'deleted@example.test', dir)).toEqual({ allowed: false, noMailbox: true });
  });

  it('asks the directory for the mailbox and the sender domain only', async () => {
    const counting = directory([alice], DOMAINS);
    await judgeSender('info@example.test', 'alice@example.test', counting);
    await judgeSender('', 'alice@example.test', counting);
    expect(counting.asked).toEqual(['mailbox:alice@example.test', 'domain:example.test', 'mailbox:alice@example.test']);
  });

  it('lets a directory failure through (the hook answers 4xx)', async () => {
    const broken: SenderDirectory = { mailbox: () => Promise.reject(new Error('down')), domain: async () => undefined };
    await expect(judgeSender('a@x.test', 'a@x.test', broken)).rejects.toThrow('down');
  });
});

describe('answerForSender', () => {
  it('continues for an allowed sender and refuses the rest with 550 5.7.1', () => {
    expect(answerForSender({ allowed: true, reason: 'alias' }, 'info@example.test', 'alice@example.test')).toEqual({ code: HookCode.CONT });
    expect(answerForSender({ allowed: false }, 'bob@example.test', 'alice@example.test')).toEqual({
      code: HookCode.DENY,
      message: '5.7.1 Sender <bob@example.test> not allowed: you are authenticated as <alice@example.test>',
    });
    expect(answerForSender({ allowed: false, noMailbox: true }, 'x@y.test', 'gone@example.test').message).toMatch(/^5\.7\.1 /);
    expect(describeDecision({ allowed: false })).toBe('sender:refused');
  });
});
