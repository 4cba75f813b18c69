/**
 * Mailing lists (spec: Mailing List): an address on one of our domains that forwards to
 * members, local or external. No subscribe/unsubscribe, as specified.
 */
import { aliasNameError, formatAddress, parseAddress } from '@mail/core';
import { StoreConflict, type ListRow, type Store } from '../store';
import { conflict, invalid, notFound } from './errors';
import { splitMailboxAddress } from './validation';

export interface NewList {
  address: string;
  members: string[];
  membersOnly?: boolean;
}

export const MAX_LIST_MEMBERS = 1000;

export class ListServices {
  constructor(private readonly store: Store) {}

  async add(input: NewList): Promise<ListRow> {
    const { name, domain, address } = splitMailboxAddress(input.address);
    const problem = aliasNameError(name);
    if (problem) throw invalid(`${input.address}: ${problem}`);
    if (!(await this.store.getDomain(domain))) throw notFound(`domain ${domain} does not exist`);
    await this.requireFree(address);
    const members = checkMembers(input.members, address);
    const row = { address, name, domain, membersOnly: input.membersOnly ?? false, active: true, members };
    await guard(this.store.addList(row));
    return this.get(address);
  }

  async get(address: string): Promise<ListRow> {
    const list = await this.store.getList(address.trim().toLowerCase());
    if (!list) throw notFound(`mailing list ${address} does not exist`);
    return list;
  }

  async list(domain?: string): Promise<ListRow[]> {
    return this.store.listLists(domain?.trim().toLowerCase());
  }

  async update(address: string, patch: { members?: string[]; membersOnly?: boolean; active?: boolean }): Promise<ListRow> {
    const list = await this.get(address);
    const members = patch.members === undefined ? undefined : checkMembers(patch.members, list.address);
    await guard(
      this.store.updateList(list.address, {
        ...(members ? { members } : {}),
        ...(patch.membersOnly === undefined ? {} : { membersOnly: patch.membersOnly }),
        ...(patch.active === undefined ? {} : { active: patch.active }),
      }),
    );
    return this.get(list.address);
  }

  async remove(address: string): Promise<void> {
    await guard(this.store.removeList((await this.get(address)).address));
  }

  private async requireFree(address: string): Promise<void> {
    if (await this.store.getMailbox(address)) throw conflict(`${address} is already a mailbox`);
    const alias = await this.store.getAlias(address);
    if (alias) throw conflict(`${address} is already an alias of ${alias.mailbox}`);
    if (await this.store.getList(address)) throw conflict(`mailing list ${address} already exists`);
  }
}

function checkMembers(raw: string[], listAddress: string): string[] {
  const members: string[] = [];
  for (const entry of raw) {
    const parsed = parseAddress(entry);
    if (!parsed) throw invalid(`'${entry}' is not a valid member address`);
    const member = formatAddress(parsed.local, parsed.domain);
    if (member === listAddress) throw invalid(`a list cannot be its own member`);
    members.push(member);
  }
  if (members.length === 0) throw invalid('a mailing list needs at least one member');
  if (members.length > MAX_LIST_MEMBERS) throw invalid(`a mailing list has at most ${MAX_LIST_MEMBERS} members`);
  return [...new Set(members)];
}

async function guard(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (err instanceof StoreConflict) throw conflict(err.message);
    throw err;
  }
}
