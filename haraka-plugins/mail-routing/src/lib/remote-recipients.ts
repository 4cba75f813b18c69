/**
 * Remote recipients of authenticated submission: accepted at RCPT (RFC 6409 §1: the
 * submission server relays for its authenticated users), remembered under their own
 * note key, and split from the local ones at queue time. Local recipients go to
 * LMTP; the remote ones to Haraka's outbound queue (direct MX delivery). Pure.
 */

export const REMOTE_NOTE = 'mail_routing_remote';

type NoteHolder = Record<string, unknown>;

interface RemoteNote {
  /** Lower-cased recipient addresses that are not ours. */
  recipients: string[];
}

function noteOf(notes: NoteHolder): RemoteNote {
  const existing = notes[REMOTE_NOTE] as RemoteNote | undefined;
  if (existing && Array.isArray(existing.recipients)) return existing;
  const fresh: RemoteNote = { recipients: [] };
  notes[REMOTE_NOTE] = fresh;
  return fresh;
}

export function rememberRemote(notes: NoteHolder, recipient: string): void {
  const note = noteOf(notes);
  const address = recipient.toLowerCase();
  if (!note.recipients.includes(address)) note.recipients.push(address);
}

/** Works on live notes and on notes read back from a queue file (plain JSON). */
function remembered(notes: NoteHolder): string[] {
  const note = notes[REMOTE_NOTE] as RemoteNote | undefined;
  return Array.isArray(note?.recipients) ? note.recipients : [];
}

export function hasRemoteRecipients(notes: NoteHolder): boolean {
  return remembered(notes).length > 0;
}

/** Splits envelope recipients (any type, `address` gives the text) into local and remote, keeping order. */
export function splitRecipients<T>(notes: NoteHolder, recipients: readonly T[], address: (r: T) => string): { local: T[]; remote: T[] } {
  const remote = new Set(remembered(notes));
  const split = { local: [] as T[], remote: [] as T[] };
  for (const r of recipients) (remote.has(address(r).toLowerCase()) ? split.remote : split.local).push(r);
  return split;
}
