/**
 * What routing remembers inside a transaction, under one namespaced note key
 * (STYLE 2): for each accepted recipient, the mailboxes it resolved to; and whether
 * the outbound queue carries this message to LMTP (see delivery.ts).
 */

export const ROUTING_NOTE = 'mail_routing';

export interface RoutingNote {
  /** Recipient (lower-cased) → the mailboxes it resolved to. */
  recipients: Record<string, string[]>;
  /** Set on a message handed to Haraka's outbound queue for LMTP delivery. */
  lmtpHandoff?: boolean;
}

type NoteHolder = Record<string, unknown>;

function isRoutingNote(value: unknown): value is RoutingNote {
  return typeof value === 'object' && value !== null && typeof (value as RoutingNote).recipients === 'object';
}

function noteOf(notes: NoteHolder): RoutingNote {
  const existing = notes[ROUTING_NOTE];
  if (isRoutingNote(existing)) return existing;
  const fresh: RoutingNote = { recipients: {} };
  notes[ROUTING_NOTE] = fresh;
  return fresh;
}

export function rememberRoute(notes: NoteHolder, recipient: string, mailboxes: readonly string[]): void {
  noteOf(notes).recipients[recipient.toLowerCase()] = [...mailboxes];
}

/**
 * The mailboxes a message goes to, each once (an alias and its mailbox, or two
 * aliases of one mailbox, must not give two copies). A recipient without a route is
 * an internal error: better 4xx than silently skipping it.
 */
export function targetMailboxes(notes: NoteHolder, recipients: readonly string[]): string[] {
  const note = notes[ROUTING_NOTE];
  const routes = isRoutingNote(note) ? note.recipients : {};
  const mailboxes = new Set<string>();
  for (const recipient of recipients) {
    const resolved = routes[recipient.toLowerCase()];
    if (!resolved || resolved.length === 0) throw new Error(`no route recorded for recipient <${recipient}>`);
    for (const mailbox of resolved) mailboxes.add(mailbox.toLowerCase());
  }
  return [...mailboxes];
}

export function markLmtpHandoff(notes: NoteHolder): void {
  noteOf(notes).lmtpHandoff = true;
}

/** Works on live notes and on notes read back from an outbound queue file (plain JSON). */
export function isLmtpHandoff(notes: NoteHolder | undefined): boolean {
  const note = notes?.[ROUTING_NOTE];
  return isRoutingNote(note) && note.lmtpHandoff === true;
}
