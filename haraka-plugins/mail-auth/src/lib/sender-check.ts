/**
 * The masquerade rule for authenticated submission, wired to the directory: MAIL FROM
 * must be the authenticated mailbox or one of its aliases, unless masquerading is
 * allowed (core/src/sender.ts decides; this file only gathers what it needs).
 */
import { checkSender, parseAddress, type SenderVerdict } from '@mail/core';
import { HookCode, type DomainEntry, type HookAnswer, type MailboxEntry } from '@mail/haraka-common';

/** The two directory lookups the rule needs. */
export interface SenderDirectory {
  mailbox(address: string): Promise<MailboxEntry | undefined>;
  domain(name: string): Promise<DomainEntry | undefined>;
}

export type SenderDecision =
  | SenderVerdict
  /** The authenticated mailbox is gone or disabled since the login. */
  | { allowed: false; noMailbox: true };

/** `mailFrom` is the reverse-path ('' for `<>`); `authenticated` the lower-cased login. */
export async function judgeSender(mailFrom: string, authenticated: string, dir: SenderDirectory): Promise<SenderDecision> {
  const senderDomain = parseAddress(mailFrom)?.domain;
  const [mailbox, domain] = await Promise.all([
    dir.mailbox(authenticated),
    senderDomain === undefined ? Promise.resolve(undefined) : dir.domain(senderDomain),
  ]);
  if (!mailbox?.active) return { allowed: false, noMailbox: true };
  return checkSender(mailFrom, {
    authenticated: mailbox.address,
    aliases: mailbox.aliases,
    masqueradeAllowedForMailboxDomain: mailbox.domainMasquerade,
    senderDomain: { local: domain !== undefined, masqueradeAllowed: domain?.domainMasquerade ?? false },
  });
}

/** RFC 3463 §3.8 X.7.1: "delivery not authorized, message refused". */
export function answerForSender(decision: SenderDecision, mailFrom: string, authenticated: string): HookAnswer {
  if (decision.allowed) return { code: HookCode.CONT };
  if ('noMailbox' in decision) {
    return { code: HookCode.DENY, message: `5.7.1 <${authenticated}> may not send mail (mailbox unavailable)` };
  }
  return { code: HookCode.DENY, message: `5.7.1 Sender <${mailFrom}> not allowed: you are authenticated as <${authenticated}>` };
}

/** A short label for results and logs. */
export function describeDecision(decision: SenderDecision): string {
  if (decision.allowed) return `sender:${decision.reason}`;
  return 'noMailbox' in decision ? 'sender:no-mailbox' : 'sender:refused';
}
