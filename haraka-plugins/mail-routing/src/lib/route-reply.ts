/**
 * What RCPT TO answers for each routing verdict (RFC 5321 §4.2.2 codes, RFC 3463
 * enhanced status codes). There is never an open relay: a recipient outside our
 * domains is accepted only from an authenticated client (RFC 6409 §1), whose mail
 * then goes out through the outbound queue.
 */
import type { Route } from '@mail/core';
import { HookCode, type HookAnswer } from '@mail/haraka-common';

const REJECT_TEXT: Record<Extract<Route, { kind: 'reject' }>['reason'], string> = {
  unknown: 'no such mailbox here',
  disabled: 'mailbox disabled, not accepting messages',
  invalid: 'not a valid mailbox address',
  'no-incoming': 'this domain does not receive mail here',
};

/**
 * `recipient` is the address as the client sent it (already free of control
 * characters: Haraka's parser refuses those). `relaying` is true for an
 * authenticated submission session.
 */
export function answerForRoute(route: Route, recipient: string, relaying: boolean): HookAnswer {
  switch (route.kind) {
    case 'deliver':
    case 'list':
      // A list's members-only policy is checked before this (see list-policy.ts).
      return { code: HookCode.OK };
    case 'reject':
      // A send-only domain (incoming off): RFC 3463 §3.8 X.7.1, delivery not authorized.
      if (route.reason === 'no-incoming') return { code: HookCode.DENY, message: `5.7.1 <${recipient}>: ${REJECT_TEXT[route.reason]}` };
      // RFC 3463 §3.2 X.1.1: bad destination mailbox address.
      return { code: HookCode.DENY, message: `5.1.1 <${recipient}>: ${REJECT_TEXT[route.reason]}` };
    case 'nonlocal':
      // RFC 3463 §3.8 X.7.1: delivery not authorized.
      return relaying ? { code: HookCode.OK } : { code: HookCode.DENY, message: `5.7.1 <${recipient}>: relaying denied` };
  }
}
