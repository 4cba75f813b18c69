/** mail-auth.ini, typed (config/mail-auth.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-auth.ini';

export interface AuthConfig {
  submissionPorts: number[];
  /** The login limiter's URL (Dovecot's auth policy protocol); '' = none. */
  authPolicyUrl: string;
  directory: DirectoryConfig;
}

export function parseAuthConfig(reader: IniReader): AuthConfig {
  return {
    submissionPorts: reader.ports('main', 'submission_ports'),
    authPolicyUrl: reader.string('auth_policy', 'url'),
    directory: readDirectoryConfig(reader),
  };
}
