/** mail-authchecks.ini, typed (config/mail-authchecks.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-authchecks.ini';

export interface AuthChecksConfig {
  /** Ports where clients authenticate: none of the inbound checks apply there. */
  submissionPorts: number[];
  /** Per-query DNS timeout of our own lookups (rDNS, DKIM keys, DMARC, SPF for From:). */
  dnsTimeoutMs: number;
  /** Refuse a client without forward-confirmed rDNS (default: only the header). */
  rdnsReject: boolean;
  antiSpoof: boolean;
  dmarc: boolean;
  /** Least seconds between two forced DNSBL zone re-checks. */
  dnsblRecheckSeconds: number;
  directory: DirectoryConfig;
}

function bool(reader: IniReader, section: string, key: string): boolean {
  const value = reader.string(section, key).toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${reader.file} [${section}] ${key} must be true or false, not '${value}'`);
}

export function parseAuthChecksConfig(reader: IniReader): AuthChecksConfig {
  return {
    submissionPorts: reader.ports('main', 'submission_ports'),
    dnsTimeoutMs: reader.int('main', 'dns_timeout', 1, 60) * 1000,
    rdnsReject: bool(reader, 'rdns', 'reject'),
    antiSpoof: bool(reader, 'antispoof', 'enabled'),
    dmarc: bool(reader, 'dmarc', 'enabled'),
    dnsblRecheckSeconds: reader.int('dnsbl', 'recheck_interval', 1, 86400),
    directory: readDirectoryConfig(reader),
  };
}
