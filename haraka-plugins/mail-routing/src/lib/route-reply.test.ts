import { HookCode } from '@mail/haraka-common';
import { answerForRoute } from './route-reply';

describe('answerForRoute', () => {
  it('accepts a deliverable recipient', () => {
    expect(answerForRoute({ kind: 'deliver', mailboxes: ['a@x.test'], via: 'alias' }, 'b@x.test', false)).toEqual({ code: HookCode.OK });
  });

  it.each([
    ['unknown', '5.1.1 <nobody@x.test>: no such mailbox here'],
    ['disabled', '5.1.1 <nobody@x.test>: mailbox disabled, not accepting messages'],
    ['invalid', '5.1.1 <nobody@x.test>: not a valid mailbox address'],
  ] as const)('rejects an %s recipient with 550 5.1.1', (reason, text) => {
    expect(answerForRoute({ kind: 'reject', reason }, 'nobody@x.test', false)).toEqual({ code: HookCode.DENY, message: text });
    // Authentication changes nothing for our own domains.
    expect(answerForRoute({ kind: 'reject', reason }, 'nobody@x.test', true)).toEqual({ code: HookCode.DENY, message: text });
  });

  it('refuses every address of a send-only domain with 550 5.7.1, authenticated or not', () => {
    const message = '5.7.1 <a@x.test>: this domain does not receive mail here';
    for (const relaying of [false, true]) {
      expect(answerForRoute({ kind: 'reject', reason: 'no-incoming' }, 'a@x.test', relaying)).toEqual({ code: HookCode.DENY, message });
    }
  });

  it('never relays for an unauthenticated client', () => {
    expect(answerForRoute({ kind: 'nonlocal' }, 'far@away.test', false)).toEqual({
      code: HookCode.DENY,
      message: '5.7.1 <far@away.test>: relaying denied',
    });
  });

  it('accepts a remote recipient from an authenticated client (submission relays)', () => {
    expect(answerForRoute({ kind: 'nonlocal' }, 'far@away.test', true)).toEqual({ code: HookCode.OK });
  });
});
