/** mail-outbound.ini, typed (config/mail-outbound.ini lists every key with its default). */
import type { IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-outbound.ini';

export interface OutboundConfig {
  /** '' = no control socket. */
  controlSocket: string;
}

export function parseOutboundConfig(reader: IniReader): OutboundConfig {
  const controlSocket = reader.string('main', 'control_socket');
  if (controlSocket !== '' && !controlSocket.startsWith('/')) {
    throw new Error(`${reader.file} [main] control_socket must be an absolute path`);
  }
  return { controlSocket };
}
