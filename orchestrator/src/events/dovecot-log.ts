/**
 * Logins from Dovecot's log (its login processes' lines; no password is ever in them):
 *   <ts> imap-login: Info: Login: user=<alice@acme.test>, method=PLAIN, rip=198.18.0.9, …
 *   <ts> pop3-login: Info: Disconnected (auth failed, 1 attempts in 2 secs): user=<…>, …, rip=…
 * The timestamp is the `log_timestamp` our template sets (ISO 8601 with offset). Pure.
 */
import type { EventInput } from './store';

const SERVICES: Record<string, string> = { imap: 'imap', pop3: 'pop3', managesieve: 'sieve', submission: 'submission' };
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}) (imap|pop3|managesieve|submission)-login: Info: (.*)$/;

export function parseDovecotLogin(line: string): EventInput | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, stamp = '', process = '', text = ''] = m;
  const success = text.startsWith('Login: ');
  if (!success && !/\(auth failed\b/.test(text)) return undefined;
  const user = /\buser=<([^>]*)>/.exec(text)?.[1] ?? '';
  const remote = /\brip=([0-9a-fA-F.:]+)/.exec(text)?.[1] ?? '';
  const attempts = /\((?:auth failed), (\d+) attempts?/.exec(text)?.[1];
  return {
    ts: new Date(stamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')).toISOString(),
    type: 'login',
    source: 'dovecot',
    data: { service: SERVICES[process] ?? process, user, remote, success, ...(attempts ? { attempts: Number(attempts) } : {}) },
  };
}
