/**
 * Haraka's environment. Haraka has no name-server setting and several of its modules
 * build DNS resolvers at load time, so when MAIL_DNS_SERVERS / `dnsServers` is set
 * the resolver is pinned by a module Node loads before Haraka itself
 * (haraka-plugins/mail-common/src/dns-preload.ts, via NODE_OPTIONS=--require).
 * Unset: the system resolver, and no preload.
 */
import path from 'node:path';
import { ConfigError, PROJECT_ROOT, type Settings } from '../config/settings';

export const DNS_PRELOAD = path.join(PROJECT_ROOT, 'haraka-plugins', 'mail-common', 'dist', 'dns-preload.js');

export function harakaEnv(base: NodeJS.ProcessEnv, settings: Settings): NodeJS.ProcessEnv {
  const env = { ...base };
  // Haraka behaves differently under NODE_ENV=test (its own unit tests' switch: e.g.
  // outbound then sends an empty EHLO name). Our stack runs as in production, even
  // when a test runner (jest sets NODE_ENV=test) starts it.
  if (env['NODE_ENV'] === 'test') delete env['NODE_ENV'];
  delete env['MAIL_DNS_SERVERS'];
  delete env['MAIL_DNS_TIMEOUT_MS'];
  if (settings.dnsServers.length === 0 && settings.dnsTimeoutMs === undefined) return env;
  // NODE_OPTIONS splits on spaces and honours double quotes; nothing else is escaped.
  if (/["\\]/.test(DNS_PRELOAD)) throw new ConfigError(`cannot pass ${DNS_PRELOAD} in NODE_OPTIONS`);
  if (settings.dnsServers.length > 0) env['MAIL_DNS_SERVERS'] = settings.dnsServers.join(',');
  if (settings.dnsTimeoutMs !== undefined) env['MAIL_DNS_TIMEOUT_MS'] = String(settings.dnsTimeoutMs);
  env['NODE_OPTIONS'] = [base['NODE_OPTIONS'], `--require "${DNS_PRELOAD}"`].filter(Boolean).join(' ');
  return env;
}
