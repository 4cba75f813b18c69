/**
 * Process entry: `node ldap-bridge/dist/main.js`, started by the orchestrator's supervisor.
 * Reads $MAIL_DATA_DIR (settings, store, service secret), listens on
 * 127.0.0.1:settings.ports.ldap (always loopback: only Dovecot and Haraka on this host use it) and logs one JSON line per event on stdout.
 */
import fs from 'node:fs';
import { dataPaths, DEFAULT_AUTH_LIMITS, defaultDataDir, loadSettings, MailServices, SqliteStore } from '@mail/orchestrator';
import { AuthLimiter } from './auth-limiter';
import { startAuthPolicyServer, type AuthPolicyServer } from './auth-policy-server';
import { startLdapBridge, type LdapBridge, type LogRecord } from './index';

/** The bridge serves only this host's Dovecot and Haraka. */
const LOOPBACK = '127.0.0.1';

function logLine(record: LogRecord | Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'ldap-bridge', ...record })}\n`);
}

function readSecret(file: string): string {
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length === 0) throw new Error(`${file} is empty`);
  return secret;
}

async function main(): Promise<void> {
  const dataDir = defaultDataDir();
  const settings = loadSettings(dataDir);
  const paths = dataPaths(dataDir);
  const servicePassword = readSecret(paths.ldapServiceSecret);
  const store = new SqliteStore(paths.store);
  const bridge = await startLdapBridge({
    services: new MailServices(store, paths),
    baseDn: settings.ldap.baseDn,
    servicePassword,
    host: LOOPBACK,
    port: settings.ports.ldap,
    log: logLine,
  });
  // The login limiter of every protocol (Dovecot's auth policy protocol, and mail-auth).
  const limits = settings.authLimits ?? DEFAULT_AUTH_LIMITS;
  const policy = await startAuthPolicyServer(new AuthLimiter(limits), LOOPBACK, settings.ports.authPolicy, logLine);
  logLine({ event: 'listening', host: LOOPBACK, port: bridge.port, baseDn: settings.ldap.baseDn, authPolicyPort: policy.port, authLimits: limits });
  stopOnSignals(bridge, policy, store);
}

/** SIGTERM/SIGINT: drop connections, close the store, exit 0 (the supervisor's graceful stop). */
function stopOnSignals(bridge: LdapBridge, policy: AuthPolicyServer, store: SqliteStore): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logLine({ event: 'stopping', signal });
    void Promise.all([bridge.close(), policy.close()])
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logLine({ event: 'error', operation: 'stop', error: err instanceof Error ? err.message : String(err) });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  logLine({ event: 'fatal', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
