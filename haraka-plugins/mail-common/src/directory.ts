/**
 * The LDAP bridge as our plugins see it (ldap-bridge/README.md): recipient routes,
 * mailbox and domain entries, and SMTP AUTH checks. Searches run on one service
 * connection (bound as `cn=mailserver,ou=system,<base>`), re-opened after a failure;
 * each login check binds on a fresh connection of its own so it never changes the
 * identity the searches run under.
 */
import { Client, EqualityFilter, InvalidCredentialsError, type Filter } from 'ldapts';
import type { Relay, Route } from '@mail/core';
import {
  escapeDnValue,
  parseDomain,
  parseDomainRelay,
  parseDomainSignature,
  parseMailbox,
  parseRoute,
  type DomainEntry,
  type DomainSignature,
  type MailboxEntry,
  type RawEntry,
} from './ldap-entries';

export interface DirectoryConfig {
  /** `ldap://host:port` of the bridge. */
  url: string;
  baseDn: string;
  /** Password of `cn=mailserver,ou=system,<base>`. */
  bindPassword: string;
  /** Connect and per-operation timeout. */
  timeoutMs: number;
}

/** What the plugins need from the directory; tests substitute their own. */
export interface Directory {
  route(address: string): Promise<Route>;
  mailbox(address: string): Promise<MailboxEntry | undefined>;
  domain(name: string): Promise<DomainEntry | undefined>;
  /** The domain's signature; undefined when the domain is not ours. */
  domainSignature(name: string): Promise<DomainSignature | undefined>;
  /** The domain's outbound relay; undefined when the domain is not ours. */
  domainRelay(name: string): Promise<Relay | undefined>;
  /** true/false for good/bad credentials; throws DirectoryUnavailableError when it cannot tell. */
  checkSendLogin(address: string, password: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The bridge could not be asked (down, timed out, refused the service bind). */
export class DirectoryUnavailableError extends Error {
  override name = 'DirectoryUnavailableError';
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export class LdapDirectory implements Directory {
  private service: Promise<Client> | undefined;
  private serviceOwner: Client | undefined;

  constructor(private readonly config: DirectoryConfig) {}

  async route(address: string): Promise<Route> {
    if (address === '') return { kind: 'reject', reason: 'unknown' }; // see search()
    const entries = await this.search('routes', new EqualityFilter({ attribute: 'mail', value: address.toLowerCase() }), [
      'routeKind',
      'mailRoutingAddress',
      'routeVia',
      'routeReason',
      // Mailing lists (routeKind list):
      'listAddress',
      'mailForwardingAddress',
      'listMembersOnly',
      'listMember',
    ]);
    const [entry] = entries;
    // The contract says the routes search always answers exactly one entry.
    if (!entry || entries.length > 1) {
      throw new DirectoryUnavailableError(`routes search for one address answered ${entries.length} entries`);
    }
    return parseRoute(entry);
  }

  async mailbox(address: string): Promise<MailboxEntry | undefined> {
    const filter = new EqualityFilter({ attribute: 'mail', value: address.toLowerCase() });
    const [entry] = await this.search('mailboxes', filter, ['mail', 'active', 'mailAlternateAddress', 'domainMasquerade']);
    return entry ? parseMailbox(entry) : undefined;
  }

  async domain(name: string): Promise<DomainEntry | undefined> {
    const filter = new EqualityFilter({ attribute: 'cn', value: name.toLowerCase() });
    const [entry] = await this.search('domains', filter, ['cn', 'domain', 'domainMasquerade']);
    return entry ? parseDomain(entry) : undefined;
  }

  async domainSignature(name: string): Promise<DomainSignature | undefined> {
    const filter = new EqualityFilter({ attribute: 'cn', value: name.toLowerCase() });
    const [entry] = await this.search('domains', filter, ['cn', 'mailSignatureText', 'mailSignatureHtml']);
    return entry ? parseDomainSignature(entry) : undefined;
  }

  async domainRelay(name: string): Promise<Relay | undefined> {
    const filter = new EqualityFilter({ attribute: 'cn', value: name.toLowerCase() });
    const [entry] = await this.search('domains', filter, ['cn', 'mailRelay']);
    return entry ? parseDomainRelay(entry) : undefined;
  }

  async checkSendLogin(address: string, password: string): Promise<boolean> {
    // RFC 4513 §5.1.2: a simple bind with an empty password is an *unauthenticated*
    // bind that many servers accept; it must never count as a login.
    if (password === '' || address === '') return false;
    const client = this.newClient();
    const dn = `cn=${escapeDnValue(address.toLowerCase())},ou=sendmail,${this.config.baseDn}`;
    try {
      await client.bind(dn, password);
      return true;
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return false;
      throw new DirectoryUnavailableError(`login check failed: ${describe(err)}`);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const service = this.service;
    this.service = undefined;
    if (!service) return;
    const client = await service.catch(() => undefined);
    await client?.unbind().catch(() => undefined);
  }

  /** One retry on a fresh connection covers a bridge restart between two mails. */
  private async search(ou: string, filter: Filter, attributes: string[]): Promise<RawEntry[]> {
    // No entry has an empty name or address; and ldapjs 3 servers (the bridge) cannot
    // parse an empty assertion value: they answer protocolError and drop the connection,
    // failing every lookup in flight on it (found by test/fuzz.test.ts).
    if (filter instanceof EqualityFilter && String(filter.value) === '') return [];
    const base = `ou=${ou},${this.config.baseDn}`;
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      let client: Client | undefined;
      try {
        client = await this.serviceClient();
        // Attribute names are case-insensitive; asking in lower case sidesteps ldapjs 3
        // servers that drop requested names whose case differs from what they send.
        const wanted = attributes.map((a) => a.toLowerCase());
        const result = await client.search(base, { scope: 'sub', filter, attributes: wanted, sizeLimit: 10 });
        return result.searchEntries as RawEntry[];
      } catch (err) {
        lastError = err;
        // (a failed service bind has already dropped its own connection)
        if (client) this.drop(client);
      }
    }
    throw new DirectoryUnavailableError(`search in ${base} failed: ${describe(lastError)}`);
  }

  private serviceClient(): Promise<Client> {
    if (!this.service) {
      const client = this.newClient();
      const bound = client
        .bind(`cn=mailserver,ou=system,${this.config.baseDn}`, this.config.bindPassword)
        .then(() => client);
      // A failed bind must not stick: the next search tries again.
      bound.catch(() => this.drop(client));
      this.service = bound;
      this.serviceOwner = client;
    }
    return this.service;
  }

  /** Forgets a failed connection, unless a newer one has replaced it meanwhile. */
  private drop(client: Client): void {
    if (client === this.serviceOwner) {
      this.service = undefined;
      this.serviceOwner = undefined;
    }
    client.unbind().catch(() => undefined);
  }

  private newClient(): Client {
    return new Client({
      url: this.config.url,
      timeout: this.config.timeoutMs,
      connectTimeout: this.config.timeoutMs,
    });
  }
}
