/**
 * The entries of the Cloudron-shaped tree (see README.md, the contract Dovecot's and
 * Haraka's configs are written against). Pure functions: rows in, entries out.
 */
import type { Route } from '@mail/core';
import type { AliasRow, DomainRow, GroupRow, MailboxView } from '@mail/orchestrator';
import { formatDn } from './ldapjs-adapter';
import { listRouteAttributes } from './lists';
import type { DnPart, Entry } from './protocol';

/** The organizational units below the base DN. */
export const OU = {
  system: 'system',
  mailboxes: 'mailboxes',
  recvmail: 'recvmail',
  sendmail: 'sendmail',
  mailaliases: 'mailaliases',
  mailinglists: 'mailinglists',
  domains: 'domains',
  users: 'users',
  groups: 'groups',
  routes: 'routes',
} as const;

export type OuName = (typeof OU)[keyof typeof OU];

/** The three units that publish mailboxes (the latter two are the bind DNs of Dovecot and Haraka). */
export type MailboxOu = typeof OU.mailboxes | typeof OU.recvmail | typeof OU.sendmail;

type Values = string | readonly string[] | undefined;

/** Drops attributes without values: an LDAP attribute has at least one (RFC 4512 §2.5). */
export function entry(dn: string, attributes: Record<string, Values>): Entry {
  const clean: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const values = value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
    if (values.length > 0) clean[name] = values;
  }
  return { dn, attributes: clean };
}

export const flag = (value: boolean): string => (value ? 'TRUE' : 'FALSE');

export function leafDn(base: readonly DnPart[], ou: OuName, cn: string): string {
  return formatDn([{ type: 'cn', value: cn }, { type: 'ou', value: ou }, ...base]);
}

export function unitDn(base: readonly DnPart[], ou: OuName): string {
  return formatDn([{ type: 'ou', value: ou }, ...base]);
}

export function baseEntry(base: readonly DnPart[]): Entry {
  const top = base[0];
  const classes: Record<string, string> = { dc: 'domain', o: 'organization', ou: 'organizationalUnit' };
  const objectClass = top ? classes[top.type] : undefined;
  return entry(formatDn(base), {
    objectClass: objectClass ? ['top', objectClass] : ['top'],
    ...(top ? { [top.type]: top.value } : {}),
  });
}

export function unitEntry(base: readonly DnPart[], ou: OuName): Entry {
  return entry(unitDn(base, ou), { objectClass: ['top', 'organizationalUnit'], ou });
}

/** Services Dovecot may offer the mailbox; none while it is disabled. */
function enabledServices(mailbox: MailboxView): string[] {
  if (!mailbox.active) return [];
  return ['imap', 'sieve', 'lmtp', ...(mailbox.pop3 ? ['pop3'] : [])];
}

export function mailboxEntry(base: readonly DnPart[], ou: MailboxOu, mailbox: MailboxView, masquerade: boolean): Entry {
  return entry(leafDn(base, ou, mailbox.address), {
    objectClass: ['mailbox'],
    cn: mailbox.address,
    mail: mailbox.address,
    uid: mailbox.address,
    mailboxName: mailbox.name,
    domain: mailbox.domain,
    ownerType: mailbox.ownerType,
    owner: mailbox.owner,
    active: flag(mailbox.active),
    pop3: flag(mailbox.pop3),
    mailAlternateAddress: mailbox.aliases,
    mailEnabledService: enabledServices(mailbox),
    domainMasquerade: flag(masquerade),
  });
}

export function aliasEntry(base: readonly DnPart[], alias: AliasRow): Entry {
  return entry(leafDn(base, OU.mailaliases, alias.address), {
    objectClass: ['nisMailAlias'],
    cn: alias.address,
    mail: alias.address,
    rfc822MailMember: alias.mailbox,
  });
}

export function domainEntry(base: readonly DnPart[], domain: DomainRow): Entry {
  return entry(leafDn(base, OU.domains, domain.name), {
    objectClass: ['mailDomain'],
    cn: domain.name,
    domain: domain.name,
    domainMasquerade: flag(domain.masquerade),
    // FALSE: send-only (routing refuses its addresses; see core/src/routing.ts).
    domainIncoming: flag(domain.incoming),
    // The per-domain signature for submitted mail (haraka-plugin-mail-signature); absent = none.
    mailSignatureText: domain.signatureText ?? undefined,
    mailSignatureHtml: domain.signatureHtml ?? undefined,
    // The outbound relay as stored (JSON, password included: searches need the service bind).
    mailRelay: domain.relay ?? undefined,
  });
}

export function userEntry(base: readonly DnPart[], username: string, groups: readonly string[]): Entry {
  return entry(leafDn(base, OU.users, username), {
    objectClass: ['user'],
    cn: username,
    uid: username,
    username,
    memberof: groups.map((group) => leafDn(base, OU.groups, group)),
  });
}

export function groupEntry(base: readonly DnPart[], group: GroupRow): Entry {
  return entry(leafDn(base, OU.groups, group.name), {
    objectClass: ['group'],
    cn: group.name,
    memberuid: group.members,
  });
}

/** One recipient's routing, computed by core's resolveRecipient (one search per RCPT). */
export function routeEntry(base: readonly DnPart[], address: string, route: Route): Entry {
  return entry(leafDn(base, OU.routes, address), {
    objectClass: ['mailRoute'],
    cn: address,
    mail: address,
    routeKind: route.kind,
    mailRoutingAddress: route.kind === 'deliver' ? route.mailboxes : undefined,
    routeVia: route.kind === 'deliver' ? route.via : undefined,
    routeReason: route.kind === 'reject' ? route.reason : undefined,
    ...listRouteAttributes(route),
  });
}
