/** The directory most integration tests start from, and IMAP helpers. */
import { ImapFlow } from 'imapflow';
import type { MailServices } from '@mail/orchestrator';

export const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-22', carol: 'carol-secret-333' } as const;

export async function populate(services: MailServices): Promise<void> {
  await services.addDomain('acme.test');
  await services.addDomain('other.test');
  for (const [user, password] of Object.entries(PASSWORDS)) await services.addUser(user, password);
  await services.addGroup('team', ['alice', 'bob']);
  await services.addMailbox({ address: 'alice@acme.test', owner: 'alice' });
  await services.addMailbox({ address: 'bob@acme.test', owner: 'bob' });
  await services.addMailbox({ address: 'carol@acme.test', owner: 'carol' });
  await services.addMailbox({ address: 'team@acme.test', owner: 'team', ownerType: 'group' });
  await services.setAliases('alice@acme.test', ['al@acme.test', 'alice@other.test']);
  await services.setCatchAll('other.test', ['bob@acme.test']);
}

export async function imapLogin(port: number, user: string, pass: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: true,
    auth: { user, pass },
    tls: { rejectUnauthorized: false },
    logger: false,
  });
  try {
    await client.connect();
  } catch (err) {
    // ImapFlow keeps the socket after a refused login; a real client would hang up too.
    client.close();
    throw err;
  }
  return client;
}

/** True when the login succeeds (and logs out again). */
export async function imapCanLogin(port: number, user: string, pass: string): Promise<boolean> {
  try {
    const client = await imapLogin(port, user, pass);
    await client.logout();
    return true;
  } catch {
    return false;
  }
}

/** Subjects of every message in a folder. */
export async function subjects(port: number, user: string, pass: string, folder = 'INBOX'): Promise<string[]> {
  const client = await imapLogin(port, user, pass);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const found: string[] = [];
      const status = await client.status(folder, { messages: true });
      if (!status.messages) return found;
      for await (const msg of client.fetch('1:*', { envelope: true })) found.push(msg.envelope?.subject ?? '');
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}
