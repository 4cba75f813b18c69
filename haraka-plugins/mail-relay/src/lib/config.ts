/** mail-relay.ini, typed (config/mail-relay.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-relay.ini';

export interface RelayPluginConfig {
  directory: DirectoryConfig;
}

export function parseRelayPluginConfig(reader: IniReader): RelayPluginConfig {
  return { directory: readDirectoryConfig(reader) };
}
