/**
 * Which LMTP recipients an outbound queue entry for one of our own domains gets.
 * Haraka's own DSNs (RFC 3464) to a local sender, and any other queued mail for a
 * local address, must reach Dovecot rather than the domain's MX in DNS (which points
 * back at this server, or nowhere). Haraka splits queue entries per domain, so the
 * recipients of one entry are all local or all remote. Pure.
 */
import type { Route } from '@mail/core';

/**
 * `undefined`: not our domain, the normal MX lookup applies. Otherwise each
 * recipient becomes the mailboxes it routes to (an alias reaches its mailbox), each
 * once; a recipient that does not route to a mailbox stays as it is, so Dovecot's
 * LMTP refuses it and Haraka reports the failure to the sender.
 */
export function lmtpRecipients(recipients: readonly string[], routes: readonly Route[]): string[] | undefined {
  if (recipients.length === 0 || routes.some((r) => r.kind === 'nonlocal')) return undefined;
  const targets = new Set<string>();
  recipients.forEach((recipient, i) => {
    const route = routes[i];
    const mailboxes = route?.kind === 'deliver' ? route.mailboxes : [recipient];
    for (const m of mailboxes) targets.add(m.toLowerCase());
  });
  return [...targets];
}
