/** mail-signature.ini, typed (config/mail-signature.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-signature.ini';

export interface SignatureConfig {
  directory: DirectoryConfig;
}

export function parseSignatureConfig(reader: IniReader): SignatureConfig {
  return { directory: readDirectoryConfig(reader) };
}
