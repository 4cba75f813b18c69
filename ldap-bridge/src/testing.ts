/**
 * Test fixture: a real bridge on a free loopback port over a temp data dir with a real
 * SqliteStore and MailServices, populated with every kind of address the tree knows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, MailServices, randomSecret, SqliteStore } from '@mail/orchestrator';
import { startLdapBridge, type LdapBridge, type LogRecord } from './index';

export const BASE_DN = 'dc=cloudron';

export const PASSWORDS = {
  alice: 'alice-secret-1',
  bob: 'bob-secret-22',
  carol: 'carol-secret-333',
  dave: 'dave-secret-4444',
  shopApp: 'shop-app-secret-5',
} as const;

export interface BridgeFixture {
  dataDir: string;
  services: MailServices;
  bridge: LdapBridge;
  url: string;
  servicePassword: string;
  /** Everything the bridge logged, in order. */
  logs: LogRecord[];
  close(): Promise<void>;
}

/**
 * example.com: alice@ (user alice; aliases al@example.com and alice@other.org),
 *   team@ (group team = alice, bob), shop.app@ (app), carol@ (user carol, disabled).
 * other.org (masquerading allowed): bob@ (user bob, POP3 on), catch-all → bob@other.org.
 * dave is a user in no group and owns nothing.
 */
export async function populate(services: MailServices): Promise<void> {
  await services.addDomain('example.com');
  await services.addDomain('other.org');
  await services.setMasquerade('other.org', true);
  for (const name of ['alice', 'bob', 'carol', 'dave'] as const) await services.addUser(name, PASSWORDS[name]);
  await services.addGroup('team', ['alice', 'bob']);
  await services.addMailbox({ address: 'alice@example.com', owner: 'alice' });
  await services.setAliases('alice@example.com', ['al@example.com', 'alice@other.org']);
  await services.addMailbox({ address: 'team@example.com', owner: 'team', ownerType: 'group' });
  await services.addMailbox({ address: 'shop.app@example.com', owner: 'shop', ownerType: 'app', password: PASSWORDS.shopApp });
  await services.addMailbox({ address: 'carol@example.com', owner: 'carol' });
  await services.setMailboxActive('carol@example.com', false);
  await services.addMailbox({ address: 'bob@other.org', owner: 'bob' });
  await services.setMailboxPop3('bob@other.org', true);
  await services.setCatchAll('other.org', ['bob@other.org']);
}

export async function startFixture(): Promise<BridgeFixture> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-bridge-'));
  const paths = dataPaths(dataDir);
  const store = new SqliteStore(paths.store);
  const services = new MailServices(store, paths);
  const servicePassword = randomSecret();
  const logs: LogRecord[] = [];
  let bridge: LdapBridge;
  try {
    await populate(services);
    bridge = await startLdapBridge({ services, baseDn: BASE_DN, servicePassword, host: '127.0.0.1', port: 0, log: (r) => logs.push(r) });
  } catch (err) {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    dataDir,
    services,
    bridge,
    url: `ldap://127.0.0.1:${bridge.port}`,
    servicePassword,
    logs,
    async close() {
      await bridge.close();
      store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The service account's DN under the fixture's base. */
export const SERVICE_DN = `cn=mailserver,ou=system,${BASE_DN}`;

/** A mailbox (or user) bind DN. */
export function bindDn(ou: 'recvmail' | 'sendmail' | 'users' | 'mailboxes', name: string): string {
  return `cn=${name},ou=${ou},${BASE_DN}`;
}
