/**
 * Haraka glue: messages Haraka itself addresses to one of our SRS addresses — chiefly
 * the DSN it writes when a forwarded message finally fails (RFC 3464), which goes to
 * the forward's SRS envelope sender — never pass RCPT, so they are decoded here,
 * before the outbound queue splits them by domain (`pre_send_trans_email`). Without
 * this, the DSN would go to LMTP for "SRS0=…@our.domain", which no mailbox is.
 */
import { Address } from '@haraka/email-address';
import { isSrsLocalPart, type Route } from '@mail/core';
import { CONTINUE, guardHook, type HarakaAddress, type HarakaPlugin, type Transaction } from '@mail/haraka-common';
import type { RoutingConfig } from './lib/config';
import { resolveSrsBounce } from './lib/list-policy';
import { srsOf } from './list-rcpt';

export interface PreSendSubject {
  transaction: Transaction;
}

export interface RoutingAccess {
  config: RoutingConfig;
  route(address: string): Promise<Route>;
}

/**
 * The recipients an SRS address of ours stands for: the local mailboxes of the original
 * sender (LMTP knows mailboxes, not aliases), or the remote original; undefined when it
 * is not ours or does not verify (then it stays as it is and fails visibly).
 */
async function decoded(rcpt: HarakaAddress, access: RoutingAccess): Promise<HarakaAddress[] | undefined> {
  if (!isSrsLocalPart(rcpt.user)) return undefined;
  const address = `${rcpt.user}@${rcpt.host}`;
  // Only SRS addresses of our own domains are ours to decode.
  if ((await access.route(address)).kind === 'nonlocal') return undefined;
  const bounce = await resolveSrsBounce(rcpt.user, address, srsOf(access.config), (a) => access.route(a));
  if (bounce.kind === 'refuse') return undefined;
  const targets = bounce.kind === 'local' ? bounce.mailboxes : [bounce.original];
  return targets.map((t) => new Address(`<${t}>`) as unknown as HarakaAddress);
}

/** `access` reads the plugin's live configuration and directory. */
export function srsRecipientsHook<P extends HarakaPlugin>(access: (plugin: P) => RoutingAccess) {
  return guardHook('pre_send_trans_email', async (plugin: P, subject: PreSendSubject) => {
    const { transaction } = subject;
    const routing = access(plugin);
    const rewritten = await Promise.all(
      transaction.rcpt_to.map(async (rcpt) => {
        const targets = await decoded(rcpt, routing);
        if (targets) plugin.loginfo('outbound to an SRS address: sent to the original sender', { srs: rcpt.address, rcpts: targets.map((t) => t.address).join(',') });
        return targets ?? [rcpt];
      }),
    );
    transaction.rcpt_to = rewritten.flat();
    return CONTINUE;
  });
}
