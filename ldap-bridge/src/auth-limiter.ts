/**
 * The login limiter shared by every protocol (README "Security"): failed logins are
 * counted per remote IP and per account over a sliding window; past `delayAfter`
 * failures each attempt is slowed, past `ipLockAfter` (one IP) or `accountLockAfter`
 * (one account, any IP) the IP or account is refused for `lockSeconds`. Dovecot asks
 * through its auth policy protocol, Haraka's mail-auth through the same endpoint
 * (auth-policy-server.ts); this file is the pure logic, with an injectable clock.
 * Dovecot's own penalty is per IP and only ever delays; one limiter for all
 * protocols also stops an attacker from spreading guesses over IMAP, POP3, SMTP and
 * ManageSieve.
 */
import type { AuthLimits } from '@mail/orchestrator';

export type Verdict =
  | { action: 'allow' }
  | { action: 'delay'; seconds: number }
  | { action: 'refuse'; scope: Scope; retryAfterSeconds: number };

export type Scope = 'ip' | 'account';

/** A lockout that has just begun (logged once, as one structured line). */
export interface Lockout {
  scope: Scope;
  key: string;
  failures: number;
  lockSeconds: number;
  until: string;
}

interface Counter {
  /** Failure times (ms), oldest first, within the window. */
  failures: number[];
  lockedUntil: number;
}

/** Bounds memory under a flood of distinct IPs or names: past this, expired keys go. */
const PRUNE_ABOVE = 50_000;

export class AuthLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly limits: AuthLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Before the password is checked: go ahead, wait first, or refuse. */
  check(ip: string, account: string): Verdict {
    const now = this.now();
    const keys: [Scope, string][] = [];
    if (ip) keys.push(['ip', ipKey(ip)]);
    if (account) keys.push(['account', accountKey(account)]);
    let failures = 0;
    for (const [scope, key] of keys) {
      const counter = this.fresh(key, now);
      if (counter && counter.lockedUntil > now) {
        return { action: 'refuse', scope, retryAfterSeconds: Math.ceil((counter.lockedUntil - now) / 1000) };
      }
      failures = Math.max(failures, counter?.failures.length ?? 0);
    }
    return failures >= this.limits.delayAfter ? { action: 'delay', seconds: this.limits.delaySeconds } : { action: 'allow' };
  }

  /**
   * After the password was checked. A success clears the account's count (not the IP's:
   * one good account must not buy an attacker more guesses at others).
   */
  report(ip: string, account: string, success: boolean): Lockout[] {
    const now = this.now();
    if (success) {
      if (account) this.counters.delete(accountKey(account));
      return [];
    }
    const started: Lockout[] = [];
    const add = (scope: Scope, key: string, lockAfter: number): void => {
      const counter = this.fresh(key, now) ?? { failures: [], lockedUntil: 0 };
      counter.failures.push(now);
      this.counters.set(key, counter);
      if (counter.lockedUntil <= now && counter.failures.length >= lockAfter) {
        counter.lockedUntil = now + this.limits.lockSeconds * 1000;
        counter.failures = [];
        const until = new Date(counter.lockedUntil).toISOString();
        started.push({ scope, key: key.slice(key.indexOf(':') + 1), failures: lockAfter, lockSeconds: this.limits.lockSeconds, until });
      }
    };
    if (ip) add('ip', ipKey(ip), this.limits.ipLockAfter);
    if (account) add('account', accountKey(account), this.limits.accountLockAfter);
    if (this.counters.size > PRUNE_ABOVE) this.prune(now);
    return started;
  }

  /** The counter with failures older than the window dropped; undefined when empty. */
  private fresh(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (!counter) return undefined;
    const oldest = now - this.limits.windowSeconds * 1000;
    counter.failures = counter.failures.filter((t) => t > oldest);
    if (counter.failures.length === 0 && counter.lockedUntil <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private prune(now: number): void {
    for (const key of [...this.counters.keys()]) this.fresh(key, now);
  }
}

const ipKey = (ip: string): string => `ip:${ip.trim().toLowerCase()}`;
/** Logins are case-insensitive everywhere (Dovecot's %Lu, the bridge's lookups). */
const accountKey = (account: string): string => `account:${account.trim().toLowerCase()}`;
