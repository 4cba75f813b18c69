/**
 * What a message to mailing lists and SRS bounce addresses turns into at queue time:
 * local mailboxes (LMTP, like every other recipient) and forwards that leave through
 * Haraka's outbound queue. Pure: the notes come from RCPT time, the header addresses
 * from the message, and the SRS rewriter from the plugin's config.
 */
import { baseAddress, type ListRoute, type Srs } from '@mail/core';
import { parseHeader, type Address, type Group } from '@haraka/email-address';
import { targetMailboxes } from './notes';

export const LIST_NOTE = 'mail_routing_lists';

interface ListExpansion {
  list: string;
  mailboxes: string[];
  external: string[];
}

interface ListNote {
  /** Recipient (lower-cased) → the list it reached, expanded. */
  lists: Record<string, ListExpansion>;
  /** Recipient (one of our SRS addresses) → the remote original sender it goes back to. */
  bounces: Record<string, string>;
}

type NoteHolder = Record<string, unknown>;

function noteOf(notes: NoteHolder): ListNote {
  const existing = notes[LIST_NOTE] as ListNote | undefined;
  if (existing && typeof existing.lists === 'object' && typeof existing.bounces === 'object') return existing;
  const fresh: ListNote = { lists: {}, bounces: {} };
  notes[LIST_NOTE] = fresh;
  return fresh;
}

export function rememberList(notes: NoteHolder, recipient: string, route: ListRoute): void {
  noteOf(notes).lists[recipient.toLowerCase()] = { list: route.list, mailboxes: route.mailboxes, external: route.external };
}

export function rememberRemoteBounce(notes: NoteHolder, recipient: string, original: string): void {
  noteOf(notes).bounces[recipient.toLowerCase()] = original;
}

/** One message to hand to the outbound queue. */
export interface Forward {
  /** Envelope sender ('' = null sender). */
  sender: string;
  recipients: string[];
}

export interface DeliveryPlan {
  mailboxes: string[];
  forwards: Forward[];
}

/**
 * Spec (duplicate suppression): a list member named in the message's To or Cc gets
 * the message directly and no second copy through the list. Members addressed
 * directly in this same transaction are deduplicated anyway (targetMailboxes).
 */
export function planDelivery(
  notes: NoteHolder,
  recipients: readonly string[],
  addressedInHeaders: readonly string[],
  sender: string,
  srs: Srs | undefined,
): DeliveryPlan {
  const note = noteOf(notes);
  const special = (r: string): boolean => note.lists[r.toLowerCase()] !== undefined || note.bounces[r.toLowerCase()] !== undefined;
  const mailboxes = new Set(targetMailboxes(notes, recipients.filter((r) => !special(r))));
  const addressed = new Set(addressedInHeaders.flatMap((a) => [a, baseAddress(a) ?? a]));
  const bySender = new Map<string, Set<string>>();
  const forward = (from: string, to: string): void => {
    const set = bySender.get(from) ?? new Set<string>();
    bySender.set(from, set.add(to));
  };
  for (const recipient of recipients.map((r) => r.toLowerCase())) {
    const expansion = note.lists[recipient];
    const bounce = note.bounces[recipient];
    // RFC 3464/SRS: a bounce goes back with the envelope sender it came with (normally <>).
    if (bounce !== undefined) forward(sender, bounce);
    if (!expansion) continue;
    expansion.mailboxes.filter((m) => !addressed.has(m)).forEach((m) => mailboxes.add(m));
    const listDomain = expansion.list.slice(expansion.list.lastIndexOf('@') + 1);
    // The list's domain signs for the forwarded envelope (SRS, see core/src/srs.ts).
    const from = srs ? srs.forward(sender, listDomain) : sender;
    expansion.external.filter((e) => !addressed.has(e)).forEach((e) => forward(from, e));
  }
  return {
    mailboxes: [...mailboxes],
    forwards: [...bySender].map(([from, to]) => ({ sender: from, recipients: [...to] })),
  };
}

/**
 * The addresses of To/Cc header values (RFC 5322 §3.6.3), lower-cased, groups
 * flattened. A value that does not parse suppresses nothing: a duplicate is better
 * than a lost copy.
 */
export function headerAddresses(values: readonly string[]): string[] {
  const found: string[] = [];
  for (const value of values) {
    let parsed: Array<Address | Group>;
    try {
      parsed = parseHeader(value.trim(), { postel: true });
    } catch {
      continue;
    }
    for (const item of parsed) {
      const addresses = 'addresses' in item ? item.addresses : [item];
      for (const a of addresses) found.push(`${a.user}@${a.host}`.toLowerCase());
    }
  }
  return found;
}
