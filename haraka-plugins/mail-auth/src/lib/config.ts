/** mail-auth.ini, typed (config/mail-auth.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-auth.ini';

export interface AuthConfig {
  submissionPorts: number[];
  /** Secret of the internal Sieve login (mail-common internal-submitter.ts); '' = off. */
  internalPassword: string;
  directory: DirectoryConfig;
}

export function parseAuthConfig(reader: IniReader): AuthConfig {
  return {
    submissionPorts: reader.ports('main', 'submission_ports'),
    internalPassword: reader.string('internal', 'password'),
    directory: readDirectoryConfig(reader),
  };
}
