/**
 * RCPT-time policy of mailing lists and SRS bounce addresses (both refusals are
 * RFC 3463 §3.8 X.7.1, "delivery not authorized", answered with 550 by Haraka).
 */
import { isListMember, isSrsLocalPart, SrsError, type ListRoute, type Route, type Srs } from '@mail/core';
import { HookCode, type HookAnswer } from '@mail/haraka-common';

/**
 * A members-only list refuses senders that are not members (compared without +tag,
 * case-insensitively); the null sender (a bounce) is not a member either.
 */
export function membersOnlyRefusal(route: ListRoute, sender: string, recipient: string): HookAnswer | undefined {
  if (!route.membersOnly || isListMember(sender, route.members)) return undefined;
  const who = sender === '' ? 'the null sender' : `<${sender}>`;
  return {
    code: HookCode.DENY,
    message: `5.7.1 <${recipient}>: only members may post to this list, and ${who} is not a member`,
  };
}

/** Where a bounce sent to one of our SRS addresses goes. */
export type SrsBounce =
  | { kind: 'local'; original: string; mailboxes: string[] }
  | { kind: 'remote'; original: string }
  | { kind: 'refuse'; answer: HookAnswer };

const MAX_SRS_HOPS = 2;

/**
 * Decodes and verifies `local`@our domain (hash and age, see core/src/srs.ts) and
 * routes the address it stands for. An SRS1 address decodes to the first forwarder's
 * SRS0 address, which may be ours too: that is decoded once more.
 */
export async function resolveSrsBounce(
  local: string,
  recipient: string,
  srs: Srs | undefined,
  route: (address: string) => Promise<Route>,
): Promise<SrsBounce> {
  const refuse = (why: string): SrsBounce => ({
    kind: 'refuse',
    answer: { code: HookCode.DENY, message: `5.7.1 <${recipient}>: ${why}` },
  });
  if (!srs) return refuse('SRS addresses are not accepted here');
  let encoded = local;
  for (let hop = 0; hop < MAX_SRS_HOPS; hop++) {
    let original: string;
    try {
      original = srs.reverse(encoded);
    } catch (err) {
      if (err instanceof SrsError) return refuse(`invalid SRS address (${err.message})`);
      throw err;
    }
    const target = await route(original);
    if (target.kind === 'nonlocal') return { kind: 'remote', original };
    const originalLocal = original.slice(0, original.lastIndexOf('@'));
    // An SRS1 address of ours that wrapped an SRS0 address of ours: decode that too.
    if (isSrsLocalPart(originalLocal)) {
      encoded = originalLocal;
      continue;
    }
    if (target.kind === 'deliver') return { kind: 'local', original, mailboxes: target.mailboxes };
    if (target.kind === 'list' && target.mailboxes.length > 0) return { kind: 'local', original, mailboxes: target.mailboxes };
    return refuse(`the original sender <${original}> no longer exists`);
  }
  return refuse('too many SRS hops');
}
