/**
 * Dovecot's log → login events:
 *   Mon DD HH:MM:SS imap-login: Info: Login: user=<u>, method=PLAIN, rip=1.2.3.4, …   a success
 *   … auth: Info: ldap(u,1.2.3.4,<session>): Password mismatch (for LDAP bind)      a failure
 * Failures come from the auth process: it logs each attempt at once, while the login
 * process says "auth failed, N attempts" only when the client disconnects (which a
 * password-guessing client may delay for long). The auth line does not name the
 * protocol (IMAP, POP3 or ManageSieve). The default log_timestamp has no year: the
 * current one is assumed (UTC, as the server runs).
 */
import type { NewEvent } from '../store';

const LINE = /^(\w{3} +\d{1,2} \d\d:\d\d:\d\d) (imap|pop3|managesieve|submission)-login: \w+: (.*?): user=<([^>]*)>(.*)$/;
const AUTH_FAILURE = /^(\w{3} +\d{1,2} \d\d:\d\d:\d\d) auth: \w+: \w+\(([^,()]*),([^,()]*)(?:,<[^>]*>)?\): (Password mismatch|unknown user)/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function dovecotTime(stamp: string, now = new Date()): string {
  const [month = '', day = '', clock = ''] = stamp.split(/ +/);
  const [h = 0, m = 0, s = 0] = clock.split(':').map(Number);
  const build = (year: number): Date => new Date(Date.UTC(year, MONTHS.indexOf(month), Number(day), h, m, s));
  let date = build(now.getUTCFullYear());
  // A line from late December read in early January belongs to last year.
  if (date.getTime() - now.getTime() > 86_400_000) date = build(now.getUTCFullYear() - 1);
  return Number.isNaN(date.getTime()) ? now.toISOString() : date.toISOString();
}

export function parseDovecotLine(line: string, now = new Date()): NewEvent | undefined {
  return loginSuccess(line, now) ?? authFailure(line, now);
}

function loginSuccess(line: string, now: Date): NewEvent | undefined {
  const m = LINE.exec(line);
  if (!m || m[3] !== 'Login' || !m[4]) return undefined;
  const [, stamp = '', service = '', , user = '', rest = ''] = m;
  const remote = /rip=([^,\s]+)/.exec(rest)?.[1] ?? null;
  const method = /method=([^,\s]+)/.exec(rest)?.[1] ?? null;
  return {
    time: dovecotTime(stamp, now),
    type: 'login',
    source: 'dovecot',
    actor: user,
    remote,
    message: `${service} login succeeded for ${user}`,
    details: { service, success: true, method },
  };
}

function authFailure(line: string, now: Date): NewEvent | undefined {
  const m = AUTH_FAILURE.exec(line);
  if (!m || !m[2]) return undefined;
  const [, stamp = '', user = '', remote = '', reason = ''] = m;
  return {
    time: dovecotTime(stamp, now),
    type: 'login',
    source: 'dovecot',
    actor: user,
    remote: remote === '' ? null : remote,
    message: `login failed for ${user}: ${reason.toLowerCase()}`,
    details: { service: 'imap/pop3/sieve', success: false, reason },
  };
}
