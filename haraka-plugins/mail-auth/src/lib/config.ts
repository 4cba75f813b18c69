/** mail-auth.ini, typed (config/mail-auth.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-auth.ini';

/** Largest accepted `[limits] max_bytes` (2 GiB - 1, what Haraka's counters handle). */
export const MAX_BYTES_CEILING = 2 ** 31 - 1;

export interface AuthConfig {
  submissionPorts: number[];
  /** Secret of the internal Sieve login (mail-common internal-submitter.ts); '' = off. */
  internalPassword: string;
  /** The live message size limit in bytes (RFC 1870); set at run time through the API. */
  maxMessageBytes: number;
  /** The login limiter's URL (Dovecot's auth policy protocol); '' = none. */
  authPolicyUrl: string;
  directory: DirectoryConfig;
}

export function parseAuthConfig(reader: IniReader): AuthConfig {
  return {
    submissionPorts: reader.ports('main', 'submission_ports'),
    internalPassword: reader.string('internal', 'password'),
    maxMessageBytes: reader.int('limits', 'max_bytes', 1024, MAX_BYTES_CEILING),
    authPolicyUrl: reader.string('auth_policy', 'url'),
    directory: readDirectoryConfig(reader),
  };
}
