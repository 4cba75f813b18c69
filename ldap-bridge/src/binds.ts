/**
 * Who may bind (README "Who may do what"): the service account, mailboxes on
 * `ou=recvmail`/`ou=sendmail`, and users. Everything else is invalidCredentials,
 * so a client cannot tell an unknown DN from a wrong password.
 */
import crypto from 'node:crypto';
import type { MailServices } from '@mail/orchestrator';
import { relativeTo } from './directory';
import { OU } from './entries';
import { LdapError, type DnPart } from './protocol';

export type Principal =
  | { kind: 'service' }
  | { kind: 'mailbox'; address: string; via: typeof OU.recvmail | typeof OU.sendmail }
  | { kind: 'user'; username: string };

/** `cn=mailserver,ou=system,<base>`: the account Dovecot and Haraka search with. */
export const SERVICE_CN = 'mailserver';

/** Constant-time comparison for secrets of any length (hashing first also hides the length). */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

export interface BindPolicy {
  services: MailServices;
  base: readonly DnPart[];
  servicePassword: string;
}

export type Authenticate = (dn: readonly DnPart[] | undefined, password: string) => Promise<Principal>;

export function createAuthenticator(policy: BindPolicy): Authenticate {
  return async (dn, password) => {
    // RFC 4513 §5.1.2: a name with an empty password is an unauthenticated bind; refuse it.
    const path = dn && password.length > 0 ? relativeTo(dn, policy.base) : undefined;
    const [cn, ou] = path ?? [];
    if (path?.length !== 2 || cn?.type !== 'cn' || ou?.type !== 'ou') throw refused();
    const principal = await check(policy, ou.value.toLowerCase(), cn.value.toLowerCase(), password);
    if (!principal) throw refused();
    return principal;
  };
}

async function check(policy: BindPolicy, ou: string, name: string, password: string): Promise<Principal | undefined> {
  switch (ou) {
    case OU.system: {
      const ok = name === SERVICE_CN && policy.servicePassword.length > 0 && secretsEqual(password, policy.servicePassword);
      return ok ? { kind: 'service' } : undefined;
    }
    case OU.recvmail:
    case OU.sendmail:
      // Owner, any member of an owning group, or the app: decided by the shared service.
      return (await policy.services.authenticateMailbox(name, password)) ? { kind: 'mailbox', address: name, via: ou } : undefined;
    case OU.users:
      return (await policy.services.authenticateUser(name, password)) ? { kind: 'user', username: name } : undefined;
    default:
      return undefined;
  }
}

function refused(): LdapError {
  return new LdapError('invalidCredentials', 'invalid credentials');
}

/** For logs: who the connection is now. */
export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'service':
      return 'service';
    case 'mailbox':
      return `mailbox:${principal.address}`;
    case 'user':
      return `user:${principal.username}`;
  }
}
