/**
 * Test support: an LDAP server that answers the parts of ldap-bridge/README.md our
 * plugins use (service bind, sendmail binds, routes, mailboxes, domains) from an
 * in-memory model, with routes computed by @mail/core like the real bridge does.
 * ldapjs is the bridge's own dependency. Not compiled into dist.
 */
import net from 'node:net';
import ldap from 'ldapjs';
import { resolveRecipient, type MailboxRecord, type RoutingDirectory } from '@mail/core';
import { escapeDnValue } from '../src/ldap-entries';

export interface FakeMailbox {
  password: string;
  aliases?: string[];
  active?: boolean;
}

export interface BridgeData {
  servicePassword: string;
  mailboxes: Record<string, FakeMailbox>;
  /** Our domains; `masquerade` = domainMasquerade, `signature` = mailSignatureText/Html. */
  domains: Record<string, { masquerade?: boolean; signature?: { text?: string; html?: string }; relay?: string }>;
}

export interface FakeBridge {
  url: string;
  port: number;
  data: BridgeData;
  /** Every bind DN tried, as received (escaped). */
  binds: string[];
  searches: number;
  close(): Promise<void>;
}

// The few parts of ldapjs 3's server used here (@types/ldapjs describes 2.x only).
type Next = (error?: unknown) => void;
interface Rdn {
  getValue(name: string): string | undefined;
}
interface BindRequest {
  /** A string in ldapjs 3's bind requests. */
  dn: { toString(): string };
  credentials: string;
}
interface ParsedDn {
  toString(): string;
  rdnAt(i: number): Rdn | undefined;
}
const parseDN = (ldap as unknown as { parseDN(dn: string): ParsedDn }).parseDN;
interface SearchRequest {
  connection: { ldap: { bindDN: { toString(): string } } };
  filter: { attribute?: string; value?: string; matches(attrs: object, strict: boolean): boolean };
}
interface Response {
  attributes: string[];
  send(entry: { dn: string; attributes: object }): void;
  end(): void;
}
interface LdapServer {
  bind(base: string, handler: (req: BindRequest, res: Response, next: Next) => void): void;
  search(base: string, handler: (req: SearchRequest, res: Response, next: Next) => void): void;
  listen(port: number, host: string, ready: () => void): void;
  address(): net.AddressInfo;
  close(done?: () => void): void;
  /** The underlying listener. */
  server: net.Server;
}
const ldapErrors = ldap as unknown as Record<'InvalidCredentialsError' | 'InsufficientAccessRightsError', new () => Error>;

function routingDirectory(data: BridgeData): RoutingDirectory {
  const record = (address: string): MailboxRecord | undefined => {
    const box = data.mailboxes[address];
    return box ? { address, active: box.active ?? true } : undefined;
  };
  return {
    isLocalDomain: async (domain) => domain in data.domains,
    findMailbox: async (address) => record(address),
    findAliasTarget: async (address) => {
      const owner = Object.entries(data.mailboxes).find(([, box]) => box.aliases?.includes(address));
      return owner ? record(owner[0]) : undefined;
    },
    catchAll: async () => [],
  };
}

const flag = (value: boolean): string => (value ? 'TRUE' : 'FALSE');

/** FACTS (ldapjs 3): attribute names must go out lower-cased, or requested ones are dropped. */
function lowerNames(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), v]));
}

interface Stats {
  binds: string[];
  searches: number;
}

/** Service bind with the service password; `cn=<mailbox>,ou=sendmail` binds with its password. */
function answerBinds(server: LdapServer, data: BridgeData, base: string, stats: Stats): void {
  const serviceDn = `cn=mailserver,ou=system,${base}`;
  server.bind(base, (req, res, next) => {
    stats.binds.push(req.dn.toString());
    const dn = parseDN(req.dn.toString());
    const address = dn.rdnAt(0)?.getValue('cn');
    const isSendmail = dn.rdnAt(1)?.getValue('ou') === 'sendmail';
    const box = address === undefined ? undefined : data.mailboxes[address];
    const ok =
      req.dn.toString() === serviceDn
        ? req.credentials === data.servicePassword
        : isSendmail && box !== undefined && (box.active ?? true) && box.password === req.credentials;
    if (!ok) return next(new ldapErrors.InvalidCredentialsError());
    res.end();
    return next();
  });
}

type Answer = (req: SearchRequest, send: (dn: string, attributes: Record<string, unknown>) => void) => Promise<void>;

/** A search under `ou=<ou>`, for the service account only. */
function answerSearch(server: LdapServer, base: string, ou: string, stats: Stats, answer: Answer): void {
  const serviceDn = `cn=mailserver,ou=system,${base}`;
  server.search(`ou=${ou},${base}`, (req, res, next) => {
    stats.searches++;
    if (req.connection.ldap.bindDN.toString() !== serviceDn) return next(new ldapErrors.InsufficientAccessRightsError());
    res.attributes = res.attributes.map((a) => a.toLowerCase()); // FACTS (ldapjs 3)
    const send = (cn: string, attributes: Record<string, unknown>): void =>
      res.send({ dn: `cn=${escapeDnValue(cn)},ou=${ou},${base}`, attributes: lowerNames(attributes) });
    answer(req, send).then(() => (res.end(), next()), next);
  });
}

function answerDirectory(server: LdapServer, data: BridgeData, base: string, stats: Stats): void {
  answerSearch(server, base, 'routes', stats, async (req, send) => {
    if (req.filter.attribute !== 'mail' || req.filter.value === undefined) return;
    const mail = req.filter.value;
    const route = await resolveRecipient(mail, routingDirectory(data));
    const attributes: Record<string, string | string[]> = { mail, routeKind: route.kind };
    if (route.kind === 'deliver') Object.assign(attributes, { mailRoutingAddress: route.mailboxes, routeVia: route.via });
    if (route.kind === 'reject') attributes['routeReason'] = route.reason;
    send(mail, attributes);
  });
  answerSearch(server, base, 'mailboxes', stats, async (req, send) => {
    for (const [mail, box] of Object.entries(data.mailboxes)) {
      const domain = mail.split('@')[1] ?? '';
      const attributes = {
        objectclass: ['mailbox'], cn: mail, mail, uid: mail, active: flag(box.active ?? true),
        mailAlternateAddress: box.aliases ?? [], domainMasquerade: flag(data.domains[domain]?.masquerade ?? false),
      };
      if (req.filter.matches(attributes, false)) send(mail, attributes);
    }
  });
  answerSearch(server, base, 'domains', stats, async (req, send) => {
    for (const [name, domain] of Object.entries(data.domains)) {
      const attributes = {
        objectclass: ['mailDomain'], cn: name, domain: name, domainMasquerade: flag(domain.masquerade ?? false),
        ...(domain.signature?.text !== undefined ? { mailSignatureText: domain.signature.text } : {}),
        ...(domain.signature?.html !== undefined ? { mailSignatureHtml: domain.signature.html } : {}),
        ...(domain.relay !== undefined ? { mailRelay: domain.relay } : {}),
      };
      if (req.filter.matches(attributes, false)) send(name, attributes);
    }
  });
}

export async function startFakeBridge(data: BridgeData, base = 'dc=cloudron', port = 0): Promise<FakeBridge> {
  const server = (ldap.createServer as unknown as () => LdapServer)();
  const stats: Stats = { binds: [], searches: 0 };
  answerBinds(server, data, base, stats);
  answerDirectory(server, data, base, stats);
  // Closing must also end the clients' open connections (the directory keeps one).
  const sockets = new Set<net.Socket>();
  server.server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = server.address().port;
  return {
    data,
    get binds() {
      return stats.binds;
    },
    get searches() {
      return stats.searches;
    },
    url: `ldap://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
