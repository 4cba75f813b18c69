/**
 * Haraka glue for `get_mx` on queue entries addressed to our own domains: routed
 * through the directory (lib/local-mx.ts) and sent to Dovecot's LMTP socket.
 * Everything else falls through to Haraka's MX lookup in DNS.
 */
import { Address } from '@haraka/email-address';
import type { Route } from '@mail/core';
import {
  envelopeAddress,
  HookCode,
  logHookError,
  type GetMxNext,
  type HarakaAddress,
  type HarakaPlugin,
  type HMailItem,
  type MxAnswer,
} from '@mail/haraka-common';
import { lmtpRecipients } from './lib/local-mx';

export function mxForLocalDomain(
  plugin: HarakaPlugin,
  next: GetMxNext,
  hmail: HMailItem,
  route: (address: string) => Promise<Route>,
  lmtp: MxAnswer,
): void {
  const recipients = hmail.todo.rcpt_to.map(envelopeAddress);
  Promise.all(recipients.map(route)).then(
    (routes) => {
      const targets = lmtpRecipients(recipients, routes);
      if (targets === undefined) return next();
      // Rewritten in memory only: the queue file keeps the original recipients, and a
      // retry routes them again.
      hmail.todo.rcpt_to = targets.map((t) => new Address(`<${t}>`) as unknown as HarakaAddress);
      next(HookCode.OK, lmtp);
    },
    (err: Error) => {
      // The directory is down: try again later rather than asking DNS.
      logHookError(plugin, hmail, `get_mx: route lookup failed: ${err.message}`);
      next(HookCode.DENYSOFT);
    },
  );
}
