/**
 * Who may open a mailbox, and the live routing directory: the two questions the LDAP
 * bridge asks on behalf of Dovecot and Haraka.
 */
import type { RoutingDirectory } from '@mail/core';
import { hashPassword, verifyPassword } from '../config/passwords';
import type { MailboxRow, Store } from '../store';

let dummy: Promise<string> | undefined;
const dummyHash = (): Promise<string> => (dummy ??= hashPassword('not a password of anyone'));

/**
 * Login with the full mailbox address: the owner's password, any member's own
 * password for a group mailbox, the app's password for an app mailbox. Aliases
 * and disabled mailboxes cannot log in.
 */
export async function authenticateMailbox(store: Store, address: string, password: string): Promise<boolean> {
  const mailbox = await store.getMailbox(address.toLowerCase());
  const hashes = mailbox?.active && password.length > 0 ? await passwordHashesFor(store, mailbox) : [];
  return verifyAny(password, hashes);
}

export async function authenticateUser(store: Store, username: string, password: string): Promise<boolean> {
  const user = await store.getUser(username);
  return verifyAny(password, user && password.length > 0 ? [user.passwordHash] : []);
}

/**
 * Unknown, disabled and password-less accounts pay one scrypt too, so timing does not
 * tell which addresses exist. Group members are checked in parallel.
 */
async function verifyAny(password: string, hashes: string[]): Promise<boolean> {
  const candidates = hashes.length > 0 ? hashes : [await dummyHash()];
  const results = await Promise.all(candidates.map((h) => verifyPassword(password, h)));
  return hashes.length > 0 && results.some(Boolean);
}

async function passwordHashesFor(store: Store, mailbox: MailboxRow): Promise<string[]> {
  switch (mailbox.ownerType) {
    case 'app':
      return mailbox.passwordHash ? [mailbox.passwordHash] : [];
    case 'user': {
      const user = await store.getUser(mailbox.owner);
      return user ? [user.passwordHash] : [];
    }
    case 'group': {
      const group = await store.getGroup(mailbox.owner);
      const users = await Promise.all((group?.members ?? []).map((m) => store.getUser(m)));
      return users.flatMap((u) => (u ? [u.passwordHash] : []));
    }
  }
}

export function routingDirectoryFor(store: Store): RoutingDirectory {
  const record = (m: MailboxRow | undefined) => m && { address: m.address, active: m.active };
  return {
    isLocalDomain: async (domain) => (await store.getDomain(domain)) !== undefined,
    receivesMail: async (domain) => (await store.getDomain(domain))?.incoming ?? true,
    findMailbox: async (address) => record(await store.getMailbox(address)),
    findAliasTarget: async (address) => {
      const alias = await store.getAlias(address);
      return alias && record(await store.getMailbox(alias.mailbox));
    },
    catchAll: async (domain) => {
      const mailboxes = await Promise.all((await store.getCatchAll(domain)).map((a) => store.getMailbox(a)));
      return mailboxes.flatMap((m) => (m ? [{ address: m.address, active: m.active }] : []));
    },
    findList: async (address) => store.getList(address),
  };
}
