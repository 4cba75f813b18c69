/**
 * The LDAP bridge: answers Dovecot's passdb/userdb and Haraka's lookups live from the
 * store, in the tree described by README.md. Loopback only unless told otherwise.
 */
import type { MailServices } from '@mail/orchestrator';
import { createAuthenticator, describePrincipal, type Authenticate, type Principal } from './binds';
import { Directory } from './directory';
import { createLdapServer, parseDn } from './ldapjs-adapter';
import { LdapError, type BindRequest, type Connection, type Entry, type LdapHandlers, type ResultName } from './protocol';

export interface LdapBridgeOptions {
  services: MailServices;
  /** e.g. `dc=cloudron` (settings.ldap.baseDn). */
  baseDn: string;
  /** Password of `cn=mailserver,ou=system,<base>` (the trimmed content of the secret file). */
  servicePassword: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  /** One structured record per bind result and per internal failure; never carries a password. */
  log?: (record: LogRecord) => void;
}

export type LogRecord =
  | { event: 'bind'; connection: number; remote: string; dn: string; result: 'success' | ResultName; as?: string; error?: string }
  | { event: 'error'; operation: string; connection?: number; remote?: string; error: string };

type Log = (record: LogRecord) => void;

export interface LdapBridge {
  port: number;
  close(): Promise<void>;
}

export async function startLdapBridge(options: LdapBridgeOptions): Promise<LdapBridge> {
  const base = parseDn(options.baseDn);
  if (!base) throw new Error(`'${options.baseDn}' is not a valid base DN`);
  const log: Log = options.log ?? (() => undefined);
  const authenticate = createAuthenticator({ services: options.services, base, servicePassword: options.servicePassword });
  const server = createLdapServer<Principal>({
    bind: bindHandler(authenticate, log),
    search: searchHandler(new Directory(options.services, base), log),
    internalError: (context, err) => log({ event: 'error', operation: context.operation, ...who(context.connection), error: message(err) }),
  });
  const port = await server.listen(options.port, options.host ?? '127.0.0.1');
  return { port, close: () => server.close() };
}

function bindHandler(authenticate: Authenticate, log: Log): LdapHandlers<Principal>['bind'] {
  return async (request: BindRequest) => {
    // The DN is the client's to choose: bound its length in the log.
    const where = { connection: request.connection.id, remote: request.connection.remote, dn: request.dnText.slice(0, 512) };
    try {
      const principal = await authenticate(request.dn, request.password);
      log({ event: 'bind', ...where, result: 'success', as: describePrincipal(principal) });
      return principal;
    } catch (err) {
      const failure = asLdapError(err);
      log({ event: 'bind', ...where, result: failure.result, ...(err === failure ? {} : { error: message(err) }) });
      throw failure;
    }
  };
}

function searchHandler(directory: Directory, log: Log): LdapHandlers<Principal>['search'] {
  return async (request, send) => {
    // README: only the service account may read the directory.
    if (request.principal?.kind !== 'service') throw new LdapError('insufficientAccessRights', 'bind as the service account first');
    if (!request.base) throw new LdapError('noSuchObject', 'no such entry');
    let entries: Entry[];
    try {
      entries = await directory.search(request.base, request.scope, request.filter);
    } catch (err) {
      const failure = asLdapError(err);
      if (failure !== err) log({ event: 'error', operation: 'search', ...who(request.connection), error: message(err) });
      throw failure;
    }
    for (const entry of entries) send(entry);
  };
}

/**
 * A failure that is not an LDAP answer becomes one: store trouble is `unavailable` (the
 * client should retry: Haraka answers 4xx), anything else `operationsError`. Never a crash.
 */
function asLdapError(err: unknown): LdapError {
  if (err instanceof LdapError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const storeTrouble = typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'unavailable');
  return storeTrouble
    ? new LdapError('unavailable', 'the directory is unavailable')
    : new LdapError('operationsError', 'internal error');
}

function who(connection: Connection | undefined): { connection?: number; remote?: string } {
  return connection ? { connection: connection.id, remote: connection.remote } : {};
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { Principal } from './binds';
export { Directory } from './directory';
export type { DnPart, Entry, FilterNode, Scope } from './protocol';
