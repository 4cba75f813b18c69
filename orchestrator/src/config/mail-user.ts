/**
 * The system account that owns the maildirs. Dovecot refuses to store mail as root,
 * so a root install uses the `vmail` account (created by scripts/setup.sh); anyone
 * else runs everything as themselves.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MailUser {
  name: string;
  uid: number;
  gid: number;
}

export const VMAIL_USER = 'vmail';

export function resolveMailUser(): MailUser {
  const self = os.userInfo();
  if (self.uid !== 0) return { name: self.username, uid: self.uid, gid: self.gid };
  try {
    const uid = Number(execFileSync('id', ['-u', VMAIL_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', VMAIL_USER], { encoding: 'utf8' }).trim());
    return { name: VMAIL_USER, uid, gid };
  } catch {
    throw new Error(`running as root needs the '${VMAIL_USER}' system account; run 'npm run setup' to create it`);
  }
}
