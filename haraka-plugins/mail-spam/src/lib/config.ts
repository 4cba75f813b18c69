/** mail-spam.ini, typed (config/mail-spam.ini lists every key with its default). */
import { PluginConfigError, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-spam.ini';

export interface SpamConfig {
  spamd: { host: string; port: number; timeoutMs: number };
  maxSize: number;
  /** Null: never reject, only flag. */
  rejectThreshold: number | null;
}

export function parseRejectThreshold(text: string): number | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new PluginConfigError(`${CONFIG_FILE} [score] reject_threshold must be a positive number or off, not '${text}'`);
  }
  return value;
}

export function parseSpamConfig(reader: IniReader): SpamConfig {
  return {
    spamd: {
      host: reader.nonEmptyString('spamd', 'host'),
      port: reader.int('spamd', 'port', 1, 65535),
      timeoutMs: reader.int('spamd', 'timeout', 1, 600) * 1000,
    },
    maxSize: reader.int('spamd', 'max_size', 1024, 1024 * 1024 * 1024),
    rejectThreshold: parseRejectThreshold(reader.string('score', 'reject_threshold')),
  };
}
