/** mail-routing.ini, typed (config/mail-routing.ini lists every key with its default). */
import { readDirectoryConfig, type DirectoryConfig, type IniReader } from '@mail/haraka-common';

export const CONFIG_FILE = 'mail-routing.ini';

export interface RoutingConfig {
  lmtp: {
    socketPath: string;
    timeoutMs: number;
    attempts: number;
    retryDelayMs: number;
  };
  directory: DirectoryConfig;
  /** SRS for forwarded mail and bounces (core/src/srs.ts); empty secret: no SRS. */
  srs: { secret: string; maxAgeDays: number };
}

export function parseRoutingConfig(reader: IniReader): RoutingConfig {
  return {
    lmtp: {
      socketPath: reader.nonEmptyString('main', 'lmtp_socket'),
      timeoutMs: reader.int('main', 'lmtp_timeout', 1, 600) * 1000,
      attempts: reader.int('main', 'lmtp_attempts', 1, 10),
      retryDelayMs: reader.int('main', 'lmtp_retry_delay', 0, 60_000),
    },
    directory: readDirectoryConfig(reader),
    srs: { secret: reader.string('srs', 'secret'), maxAgeDays: reader.int('srs', 'max_age_days', 1, 365) },
  };
}

/**
 * The longest the queue hook can take: every attempt at its full timeout plus the
 * pauses. Haraka answers DENYSOFT by itself once a hook outlives the plugin's
 * timeout, so that must be longer (else a late success would be reported as a failure).
 */
export function worstCaseDeliveryMs(lmtp: RoutingConfig['lmtp']): number {
  let pauses = 0;
  for (let n = 1; n < lmtp.attempts; n++) pauses += lmtp.retryDelayMs * 2 ** (n - 1);
  return lmtp.attempts * lmtp.timeoutMs + pauses;
}
