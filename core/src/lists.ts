/**
 * Mailing-list expansion (spec: Mailing List): a list address forwards to its members.
 * Members on our domains are resolved like any recipient (mailbox, alias, +tag,
 * catch-all, or another list); the rest are external and leave through outbound with
 * an SRS envelope sender (see srs.ts). No subscribe/unsubscribe, as specified.
 */
import { baseAddress } from './address';

export interface ListRecord {
  address: string;
  /** Only members may post; others are refused at RCPT. */
  membersOnly: boolean;
  active: boolean;
  members: string[];
}

export interface ListRoute {
  kind: 'list';
  /** The list address itself (also the SRS domain's source for external members). */
  list: string;
  membersOnly: boolean;
  /** Every member as configured, for the members-only check. */
  members: string[];
  /** Local mailboxes the list delivers to, each once. */
  mailboxes: string[];
  /** Members outside our domains (forwarded through outbound with SRS). */
  external: string[];
}

/**
 * How deep lists may contain lists. Deeper members are skipped rather than looped:
 * list A containing list B containing A must not expand forever.
 */
export const MAX_LIST_NESTING = 4;

/** The part of a member's route that list expansion needs. */
export type MemberRoute =
  | { kind: 'deliver'; mailboxes: string[] }
  | Pick<ListRoute, 'kind' | 'mailboxes' | 'external'>
  | { kind: 'reject' }
  | { kind: 'nonlocal' };

/** Resolves one member; `path` holds the lists being expanded around it. */
export type MemberResolver = (member: string, path: readonly string[]) => Promise<MemberRoute>;

export async function expandList(list: ListRecord, path: readonly string[], resolve: MemberResolver): Promise<ListRoute> {
  const mailboxes = new Set<string>();
  const external = new Set<string>();
  const inner = [...path, list.address];
  for (const member of list.members) {
    // A list that is already being expanded (a loop) or nested too deep is skipped.
    if (inner.includes(member) || inner.length > MAX_LIST_NESTING) continue;
    const route = await resolve(member, inner);
    switch (route.kind) {
      case 'deliver':
        route.mailboxes.forEach((m) => mailboxes.add(m));
        break;
      case 'list':
        route.mailboxes.forEach((m) => mailboxes.add(m));
        route.external.forEach((e) => external.add(e));
        break;
      case 'nonlocal':
        external.add(member);
        break;
      case 'reject':
        // A local member that resolves nowhere (deleted or disabled) is skipped.
        break;
    }
  }
  return {
    kind: 'list',
    list: list.address,
    membersOnly: list.membersOnly,
    members: [...list.members],
    mailboxes: [...mailboxes],
    external: [...external],
  };
}

/**
 * Members-only check: the envelope sender (RFC 5321 MAIL FROM) compared without its
 * +tag and case-insensitively against the members, also without theirs.
 */
export function isListMember(sender: string, members: readonly string[]): boolean {
  const wanted = baseAddress(sender);
  if (!wanted) return false;
  return members.some((m) => baseAddress(m) === wanted);
}
