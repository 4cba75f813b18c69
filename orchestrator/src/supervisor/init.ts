/** Prepares the data directory: layout, modes, ownership, secrets, certificate. */
import fs from 'node:fs';
import type { MailUser } from '../config/mail-user';
import { randomSecret } from '../config/passwords';
import type { DataPaths } from '../config/paths';
import { ensureSelfSignedCertificate } from '../tls/self-signed';

export function initDataDir(
  paths: DataPaths,
  hostname: string,
  mailUser: MailUser,
): { servicePassword: string; srsSecret: string; internalSubmitPassword: string } {
  // The root must be traversable by Dovecot's unprivileged processes and the mail user.
  fs.mkdirSync(paths.root, { recursive: true });
  fs.chmodSync(paths.root, 0o755);
  for (const dir of [paths.run, paths.logs, paths.harakaDir, paths.dovecotConfigDir]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  }
  fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
  fs.chmodSync(paths.secrets, 0o700);
  fs.mkdirSync(paths.vmail, { recursive: true, mode: 0o700 });
  fs.chownSync(paths.vmail, mailUser.uid, mailUser.gid);
  ensureSelfSignedCertificate(paths, hostname);
  // The SRS secret must outlive restarts: bounces to addresses signed with it arrive for 21 days.
  return {
    servicePassword: ensureSecret(paths.ldapServiceSecret),
    srsSecret: ensureSecret(paths.srsSecret),
    internalSubmitPassword: ensureSecret(paths.internalSubmitSecret),
  };
}

/** Reads a secret, creating it (0600) on first use. */
export function ensureSecret(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomSecret();
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
