/** Where everything lives inside the data directory. */
import path from 'node:path';

export interface DataPaths {
  root: string;
  store: string;
  secrets: string;
  ldapServiceSecret: string;
  /** HMAC secret of the Sender Rewriting Scheme (core/src/srs.ts). */
  srsSecret: string;
  /** Dovecot's Sieve login to Haraka's submission port (sieve/sendmail.ts). */
  internalSubmitSecret: string;
  /** The first REST API token (superadmin), made at first start; `mailctl token show` prints it. */
  apiToken: string;
  tls: string;
  tlsCert: string;
  tlsKey: string;
  /** One home directory per mailbox: vmail/<address>/ (spec: Archived Emails). */
  vmail: string;
  /** Rendered configs, per service. */
  dovecotConfigDir: string;
  harakaDir: string;
  run: string;
  logs: string;
  stateFile: string;
}

export function dataPaths(dataDir: string): DataPaths {
  const root = path.resolve(dataDir);
  const secrets = path.join(root, 'secrets');
  const tls = path.join(root, 'tls');
  const run = path.join(root, 'run');
  return {
    root,
    store: path.join(root, 'store.sqlite'),
    secrets,
    ldapServiceSecret: path.join(secrets, 'ldap-service.secret'),
    srsSecret: path.join(secrets, 'srs.secret'),
    internalSubmitSecret: path.join(secrets, 'sieve-submit.secret'),
    apiToken: path.join(secrets, 'api-admin.token'),
    tls,
    tlsCert: path.join(tls, 'cert.pem'),
    tlsKey: path.join(tls, 'key.pem'),
    vmail: path.join(root, 'vmail'),
    dovecotConfigDir: path.join(root, 'config', 'dovecot'),
    harakaDir: path.join(root, 'config', 'haraka'),
    run,
    logs: path.join(root, 'logs'),
    stateFile: path.join(run, 'state.json'),
  };
}

/** The maildir home of one mailbox. */
export function mailboxHome(paths: DataPaths, address: string): string {
  return path.join(paths.vmail, address.toLowerCase());
}
