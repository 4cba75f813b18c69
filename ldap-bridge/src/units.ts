/**
 * The organizational units of the tree and how each finds its entries, live through
 * MailServices and its store (no SQL here, no caching: an admin's change shows at once).
 */
import { resolveRecipient } from '@mail/core';
import { ServiceError, type MailboxView, type MailServices } from '@mail/orchestrator';
import {
  aliasEntry,
  domainEntry,
  groupEntry,
  mailboxEntry,
  OU,
  routeEntry,
  userEntry,
  type MailboxOu,
  type OuName,
} from './entries';
import { mailingListUnit } from './lists';
import type { DnPart, Entry } from './protocol';

export interface Unit {
  ou: OuName;
  /** Attributes that each hold an entry's lookup key, so equality on them is a point lookup. */
  keys: ReadonlySet<string>;
  /** `key` is lower-cased. */
  lookup(key: string): Promise<Entry | undefined>;
  list(): Promise<Entry[]>;
  /** Computed entries (routes) exist for every address: searched only when named as the base. */
  computed?: boolean;
}

export const keys = (...names: string[]): ReadonlySet<string> => new Set(names);

async function findMailbox(services: MailServices, address: string): Promise<MailboxView | undefined> {
  try {
    return await services.getMailbox(address);
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'not_found') return undefined;
    throw err;
  }
}

function mailboxUnit(services: MailServices, base: readonly DnPart[], ou: MailboxOu): Unit {
  return {
    ou,
    keys: keys('mail', 'cn', 'uid'),
    lookup: async (address) => {
      const mailbox = await findMailbox(services, address);
      if (!mailbox) return undefined;
      const domain = await services.store.getDomain(mailbox.domain);
      return mailboxEntry(base, ou, mailbox, domain?.masquerade ?? false);
    },
    list: async () => {
      const [mailboxes, domains] = await Promise.all([services.listMailboxes(), services.listDomains()]);
      const masquerading = new Set(domains.filter((d) => d.masquerade).map((d) => d.name));
      return mailboxes.map((m) => mailboxEntry(base, ou, m, masquerading.has(m.domain)));
    },
  };
}

function aliasUnit(services: MailServices, base: readonly DnPart[]): Unit {
  return {
    ou: OU.mailaliases,
    keys: keys('mail', 'cn'),
    lookup: async (address) => {
      const alias = await services.store.getAlias(address);
      return alias && aliasEntry(base, alias);
    },
    list: async () => (await services.listAliases()).map((a) => aliasEntry(base, a)),
  };
}

function domainUnit(services: MailServices, base: readonly DnPart[]): Unit {
  return {
    ou: OU.domains,
    keys: keys('cn', 'domain'),
    lookup: async (name) => {
      const domain = await services.store.getDomain(name);
      return domain && domainEntry(base, domain);
    },
    list: async () => (await services.listDomains()).map((d) => domainEntry(base, d)),
  };
}

function userUnit(services: MailServices, base: readonly DnPart[]): Unit {
  return {
    ou: OU.users,
    keys: keys('cn', 'uid', 'username'),
    lookup: async (username) => {
      const user = await services.store.getUser(username);
      if (!user) return undefined;
      const groups = (await services.listGroups()).filter((g) => g.members.includes(user.username));
      return userEntry(base, user.username, groups.map((g) => g.name));
    },
    list: async () => (await services.listUsers()).map((u) => userEntry(base, u.username, u.groups)),
  };
}

function groupUnit(services: MailServices, base: readonly DnPart[]): Unit {
  return {
    ou: OU.groups,
    keys: keys('cn'),
    lookup: async (name) => {
      const group = await services.store.getGroup(name);
      return group && groupEntry(base, group);
    },
    list: async () => (await services.listGroups()).map((g) => groupEntry(base, g)),
  };
}

/** Every address has a route (deliver, reject or nonlocal), so routes are looked up, never listed. */
function routeUnit(services: MailServices, base: readonly DnPart[]): Unit {
  return {
    ou: OU.routes,
    keys: keys('mail', 'cn'),
    lookup: async (address) => routeEntry(base, address, await resolveRecipient(address, services.routingDirectory())),
    list: async () => [],
    computed: true,
  };
}

/** The units in the order a subtree search returns them (`ou=system` holds only the service DN). */
export function buildUnits(services: MailServices, base: readonly DnPart[]): Unit[] {
  return [
    mailboxUnit(services, base, OU.mailboxes),
    mailboxUnit(services, base, OU.recvmail),
    mailboxUnit(services, base, OU.sendmail),
    aliasUnit(services, base),
    mailingListUnit(services, base),
    domainUnit(services, base),
    userUnit(services, base),
    groupUnit(services, base),
    routeUnit(services, base),
  ];
}
