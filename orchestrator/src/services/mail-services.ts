/**
 * One function per operation, shared by the CLI, the REST API and the LDAP bridge
 * (STYLE 3). Every input is checked before the store is touched, so a refused
 * request changes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { aliasNameError, isDomainName, mailboxNameError, OWNER_TYPES, type OwnerType, type RoutingDirectory } from '@mail/core';
import { hashPassword } from '../config/passwords';
import { mailboxHome, type DataPaths } from '../config/paths';
import { StoreConflict, type GroupRow, type MailboxRow, type Store } from '../store';
import { conflict, invalid, notFound, ServiceError } from './errors';
import { ListServices } from './list-services';
import { authenticateMailbox, authenticateUser, routingDirectoryFor } from './mailbox-access';
import { checkName, checkPassword, splitMailboxAddress, toView } from './validation';

export interface MailboxView {
  address: string;
  name: string;
  domain: string;
  ownerType: OwnerType;
  owner: string;
  active: boolean;
  pop3: boolean;
  aliases: string[];
  createdAt: string;
}

export interface NewMailbox {
  address: string;
  owner: string;
  ownerType?: OwnerType;
  /** App-owned mailboxes authenticate with their own password. */
  password?: string;
  /** Default true. */
  active?: boolean;
  /** Default false. */
  pop3?: boolean;
}

export class MailServices {
  /** Mailing lists: `services.lists.add(...)` etc. */
  readonly lists: ListServices;

  constructor(
    readonly store: Store,
    readonly paths: DataPaths,
  ) {
    this.lists = new ListServices(store);
  }

  // ---- domains ----

  async addDomain(name: string): Promise<void> {
    const domain = name.trim().toLowerCase();
    if (!isDomainName(domain)) throw invalid(`'${name}' is not a valid domain name`);
    if (await this.store.getDomain(domain)) throw conflict(`domain ${domain} already exists`);
    await this.guard(this.store.addDomain(domain));
  }

  async removeDomain(name: string): Promise<void> {
    const domain = await this.requireDomain(name);
    const mailboxes = await this.store.listMailboxes(domain);
    const aliases = await this.store.listAliases({ domain });
    const lists = await this.store.listLists(domain);
    if (mailboxes.length > 0 || aliases.length > 0 || lists.length > 0) {
      throw conflict(
        `domain ${domain} still has ${mailboxes.length} mailbox(es), ${aliases.length} alias(es) and ${lists.length} list(s)`,
      );
    }
    await this.guard(this.store.removeDomain(domain));
  }

  listDomains() {
    return this.store.listDomains();
  }

  async setMasquerade(name: string, allowed: boolean): Promise<void> {
    await this.guard(this.store.setDomainMasquerade(await this.requireDomain(name), allowed));
  }

  async getIncoming(name: string): Promise<boolean> {
    const domain = name.trim().toLowerCase();
    const row = await this.store.getDomain(domain);
    if (!row) throw notFound(`domain ${domain} does not exist`);
    return row.incoming;
  }

  /** Incoming mail on or off for a domain; the bridge answers routing from the store, so it is live. */
  async setIncoming(name: string, enabled: boolean): Promise<void> {
    await this.guard(this.store.setDomainIncoming(await this.requireDomain(name), enabled));
  }

  // ---- users and groups ----

  async addUser(username: string, password: string): Promise<void> {
    checkName(username);
    checkPassword(password);
    if (await this.store.getUser(username)) throw conflict(`user ${username} already exists`);
    if (await this.store.getGroup(username)) throw conflict(`a group named ${username} exists`);
    await this.guard(this.store.addUser(username, await hashPassword(password)));
  }

  async setUserPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    if (!(await this.store.getUser(username))) throw notFound(`user ${username} does not exist`);
    await this.guard(this.store.setUserPassword(username, await hashPassword(password)));
  }

  async removeUser(username: string): Promise<void> {
    if (!(await this.store.getUser(username))) throw notFound(`user ${username} does not exist`);
    await this.guard(this.store.removeUser(username));
  }

  async listUsers(): Promise<{ username: string; email: string | null; displayName: string | null; createdAt: string; groups: string[] }[]> {
    const groups = await this.store.listGroups();
    return (await this.store.listUsers()).map((u) => ({
      username: u.username,
      email: u.email,
      displayName: u.displayName,
      createdAt: u.createdAt,
      groups: groups.filter((g) => g.members.includes(u.username)).map((g) => g.name),
    }));
  }

  async addGroup(name: string, members: string[]): Promise<void> {
    checkName(name);
    if (await this.store.getGroup(name)) throw conflict(`group ${name} already exists`);
    if (await this.store.getUser(name)) throw conflict(`a user named ${name} exists`);
    await this.requireUsers(members);
    await this.guard(this.store.addGroup(name, members));
  }

  async setGroupMembers(name: string, members: string[]): Promise<void> {
    if (!(await this.store.getGroup(name))) throw notFound(`group ${name} does not exist`);
    await this.requireUsers(members);
    await this.guard(this.store.setGroupMembers(name, members));
  }

  async removeGroup(name: string): Promise<void> {
    if (!(await this.store.getGroup(name))) throw notFound(`group ${name} does not exist`);
    await this.guard(this.store.removeGroup(name));
  }

  listGroups(): Promise<GroupRow[]> {
    return this.store.listGroups();
  }

  // ---- mailboxes ----

  async addMailbox(input: NewMailbox): Promise<MailboxView> {
    const ownerType = input.ownerType ?? 'user';
    if (!OWNER_TYPES.includes(ownerType)) throw invalid(`owner type must be one of ${OWNER_TYPES.join(', ')}`);
    const { name, domain, address } = splitMailboxAddress(input.address);
    const nameProblem = mailboxNameError(name, ownerType);
    if (nameProblem) throw invalid(`${input.address}: ${nameProblem}`);
    await this.requireDomain(domain);
    await this.requireFreeAddress(address);
    await this.requireOwner(ownerType, input.owner);
    let passwordHash: string | null = null;
    if (ownerType === 'app') {
      if (input.password === undefined) throw invalid('an app-owned mailbox needs --password');
      checkPassword(input.password);
      passwordHash = await hashPassword(input.password);
    } else if (input.password !== undefined) {
      throw invalid(`a ${ownerType}-owned mailbox uses its owner's password; --password is only for apps`);
    }
    const row = { address, name, domain, ownerType, owner: input.owner, active: input.active ?? true, pop3: input.pop3 ?? false, passwordHash };
    await this.guard(this.store.addMailbox(row));
    return this.getMailbox(address);
  }

  async getMailbox(address: string): Promise<MailboxView> {
    const row = await this.requireMailbox(address);
    return toView(row, (await this.store.listAliases({ mailbox: row.address })).map((a) => a.address));
  }

  async listMailboxes(domain?: string): Promise<MailboxView[]> {
    if (domain !== undefined) await this.requireDomain(domain);
    const aliases = await this.store.listAliases();
    return (await this.store.listMailboxes(domain?.toLowerCase())).map((m) =>
      toView(m, aliases.filter((a) => a.mailbox === m.address).map((a) => a.address)),
    );
  }

  async setMailboxActive(address: string, active: boolean): Promise<void> {
    const row = await this.requireMailbox(address);
    await this.guard(this.store.updateMailbox(row.address, { active }));
  }

  async setMailboxPop3(address: string, pop3: boolean): Promise<void> {
    const row = await this.requireMailbox(address);
    await this.guard(this.store.updateMailbox(row.address, { pop3 }));
  }

  /**
   * Mail stays on disk unless deleteMails is set: it moves to vmail/archived/ so that a
   * mailbox created later with the same address does not inherit it.
   */
  async removeMailbox(address: string, options: { deleteMails?: boolean } = {}): Promise<{ archivedTo?: string }> {
    const row = await this.requireMailbox(address);
    await this.guard(this.store.removeMailbox(row.address));
    const home = mailboxHome(this.paths, row.address);
    if (!fs.existsSync(home)) return {};
    if (options.deleteMails) {
      fs.rmSync(home, { recursive: true, force: true });
      return {};
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const archivedTo = path.join(this.paths.vmail, 'archived', `${row.address}.${stamp}`);
    fs.mkdirSync(path.dirname(archivedTo), { recursive: true, mode: 0o700 });
    fs.renameSync(home, archivedTo);
    return { archivedTo };
  }

  // ---- aliases and catch-all ----

  /** Replaces the whole alias set of a mailbox. */
  async setAliases(mailboxAddress: string, aliasAddresses: string[]): Promise<string[]> {
    const mailbox = await this.requireMailbox(mailboxAddress);
    const aliases: string[] = [];
    for (const raw of aliasAddresses) {
      const { name, domain, address } = splitMailboxAddress(raw);
      const problem = aliasNameError(name);
      if (problem) throw invalid(`${raw}: ${problem}`);
      await this.requireDomain(domain);
      if (address === mailbox.address) throw invalid(`${address} is the mailbox itself`);
      await this.requireFreeAddress(address, mailbox.address);
      aliases.push(address);
    }
    await this.guard(this.store.replaceAliases(mailbox.address, aliases));
    return [...new Set(aliases)];
  }

  listAliases(filter: { mailbox?: string; domain?: string } = {}) {
    return this.store.listAliases(filter);
  }

  /** The catch-all of a domain: mailboxes (on any of our domains) that take unknown addresses. */
  async setCatchAll(domainName: string, mailboxes: string[]): Promise<string[]> {
    const domain = await this.requireDomain(domainName);
    const resolved: string[] = [];
    for (const address of mailboxes) resolved.push((await this.requireMailbox(address)).address);
    await this.guard(this.store.setCatchAll(domain, resolved));
    return [...new Set(resolved)];
  }

  async getCatchAll(domainName: string): Promise<string[]> {
    return this.store.getCatchAll(await this.requireDomain(domainName));
  }

  // ---- authentication and routing (for the LDAP bridge) ----

  /** See mailbox-access.ts: owner, group member or app password; never aliases or disabled mailboxes. */
  authenticateMailbox(address: string, password: string): Promise<boolean> {
    return authenticateMailbox(this.store, address, password);
  }

  authenticateUser(username: string, password: string): Promise<boolean> {
    return authenticateUser(this.store, username, password);
  }

  /** The directory recipient routing runs against, read live from the store. */
  routingDirectory(): RoutingDirectory {
    return routingDirectoryFor(this.store);
  }

  // ---- helpers ----

  private async requireDomain(name: string): Promise<string> {
    const domain = name.trim().toLowerCase();
    if (!(await this.store.getDomain(domain))) throw notFound(`domain ${domain} does not exist`);
    return domain;
  }

  private async requireMailbox(address: string): Promise<MailboxRow> {
    const row = await this.store.getMailbox(address.trim().toLowerCase());
    if (!row) throw notFound(`mailbox ${address} does not exist`);
    return row;
  }

  private async requireFreeAddress(address: string, aliasOf?: string): Promise<void> {
    if (await this.store.getMailbox(address)) throw conflict(`${address} is already a mailbox`);
    const alias = await this.store.getAlias(address);
    if (alias && alias.mailbox !== aliasOf) throw conflict(`${address} is already an alias of ${alias.mailbox}`);
    if (await this.store.getList(address)) throw conflict(`${address} is already a mailing list`);
  }

  private async requireOwner(ownerType: OwnerType, owner: string): Promise<void> {
    if (ownerType === 'user' && !(await this.store.getUser(owner))) throw notFound(`user ${owner} does not exist`);
    if (ownerType === 'group' && !(await this.store.getGroup(owner))) throw notFound(`group ${owner} does not exist`);
    if (ownerType === 'app') checkName(owner);
  }

  private async requireUsers(usernames: string[]): Promise<void> {
    for (const username of usernames) {
      if (!(await this.store.getUser(username))) throw notFound(`user ${username} does not exist`);
    }
  }

  /** A race lost between our check and the write still surfaces as a clear conflict. */
  private async guard(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (err) {
      if (err instanceof StoreConflict) throw conflict(err.message);
      throw err;
    }
  }
}

export { ServiceError };
