/**
 * The LDAP bridge's log (one JSON object per line, logs/ldap-bridge.log) → lockout events.
 * The bridge hosts the login limiter of every protocol (auth-policy-server.ts) and logs
 * each lockout once, as it begins:
 *   {"time":…,"service":"ldap-bridge","event":"auth-lockout","scope":"ip"|"account",
 *    "key":…,"failures":N,"lockSeconds":N,"until":…,"protocol":…,"remote":…,"login":…}
 * Every other line (start-up, searches refused, stopping) is not an event.
 */
import type { NewEvent } from '../store';

export function parseBridgeLine(line: string): NewEvent | undefined {
  if (!line.includes('"auth-lockout"')) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (record['event'] !== 'auth-lockout') return undefined;
  const text = (name: string): string | null => (typeof record[name] === 'string' && record[name] !== '' ? (record[name] as string) : null);
  const scope = record['scope'] === 'account' ? 'account' : 'ip';
  const key = text('key') ?? '?';
  const time = text('time');
  const failures = typeof record['failures'] === 'number' ? record['failures'] : null;
  const lockSeconds = typeof record['lockSeconds'] === 'number' ? record['lockSeconds'] : null;
  const protocol = text('protocol');
  return {
    time: time && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : new Date().toISOString(),
    type: 'lockout',
    source: 'ldap-bridge',
    // Whose logins are refused: the account, or (an address locked out) the login it last tried.
    actor: scope === 'account' ? key : text('login'),
    remote: scope === 'ip' ? key : text('remote'),
    message: `${scope === 'account' ? `account ${key}` : `address ${key}`} locked out for ${lockSeconds ?? '?'} s after ${failures ?? '?'} failed logins${protocol ? ` (last over ${protocol})` : ''}`,
    details: { scope, key, failures, lockSeconds, until: text('until'), protocol },
  };
}
