/**
 * Mailing lists in the tree (README.md): `cn=<list>,ou=mailinglists,<base>` entries shaped
 * like Cloudron's (objectClass mailGroup, members in mgrpRFC822MailMember), and the
 * list-specific attributes of a list's route entry, which Haraka reads at RCPT.
 */
import type { Route } from '@mail/core';
import type { ListRow, MailServices } from '@mail/orchestrator';
import { entry, flag, leafDn, OU } from './entries';
import type { DnPart, Entry } from './protocol';
import { keys, type Unit } from './units';

export function listEntry(base: readonly DnPart[], list: ListRow): Entry {
  return entry(leafDn(base, OU.mailinglists, list.address), {
    objectClass: ['mailGroup'],
    cn: list.address,
    mail: list.address,
    mgrpRFC822MailMember: list.members,
    listMembersOnly: flag(list.membersOnly),
    active: flag(list.active),
  });
}

/**
 * A list route: local mailboxes in mailRoutingAddress (as for deliver), external
 * members in mailForwardingAddress, and every member in listMember for the
 * members-only check. Empty for other routes.
 */
export function listRouteAttributes(route: Route): Record<string, string | string[]> {
  if (route.kind !== 'list') return {};
  return {
    listAddress: route.list,
    mailRoutingAddress: route.mailboxes,
    mailForwardingAddress: route.external,
    listMembersOnly: flag(route.membersOnly),
    listMember: route.members,
  };
}

export function mailingListUnit(services: MailServices, base: readonly DnPart[]): Unit {
  return {
    ou: OU.mailinglists,
    keys: keys('mail', 'cn'),
    lookup: async (address) => {
      const list = await services.store.getList(address);
      return list && listEntry(base, list);
    },
    list: async () => (await services.lists.list()).map((l) => listEntry(base, l)),
  };
}
