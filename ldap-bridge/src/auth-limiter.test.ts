import { DEFAULT_AUTH_LIMITS, type AuthLimits } from '@mail/orchestrator';
import { AuthLimiter } from './auth-limiter';

const LIMITS: AuthLimits = { windowSeconds: 60, delayAfter: 2, delaySeconds: 1, ipLockAfter: 4, accountLockAfter: 6, lockSeconds: 300 };

function limiter(limits = LIMITS): { l: AuthLimiter; advance: (s: number) => void } {
  let now = Date.UTC(2026, 0, 1);
  return { l: new AuthLimiter(limits, () => now), advance: (s) => (now += s * 1000) };
}

describe('AuthLimiter', () => {
  it('allows, then slows, then refuses one IP, and says for how long', () => {
    const { l } = limiter();
    expect(l.check('198.18.0.1', 'a@x.test')).toEqual({ action: 'allow' });
    l.report('198.18.0.1', 'a@x.test', false);
    l.report('198.18.0.1', 'b@x.test', false);
    expect(l.check('198.18.0.1', 'c@x.test')).toEqual({ action: 'delay', seconds: 1 });
    expect(l.report('198.18.0.1', 'c@x.test', false)).toEqual([]);
    const [lockout, ...more] = l.report('198.18.0.1', 'd@x.test', false);
    expect(more).toEqual([]);
    expect(lockout).toMatchObject({ scope: 'ip', key: '198.18.0.1', failures: 4, lockSeconds: 300 });
    expect(l.check('198.18.0.1', 'e@x.test')).toEqual({ action: 'refuse', scope: 'ip', retryAfterSeconds: 300 });
    // Another IP, another account: untouched.
    expect(l.check('198.18.0.2', 'e@x.test')).toEqual({ action: 'allow' });
  });

  it('locks an account attacked from many IPs, case-insensitively', () => {
    const { l } = limiter();
    const lockouts = [];
    for (let i = 1; i <= 6; i++) lockouts.push(...l.report(`198.18.1.${i}`, i % 2 ? 'Alice@X.test' : 'alice@x.test', false));
    expect(lockouts.map((x) => `${x.scope}:${x.key}`)).toEqual(['account:alice@x.test']);
    expect(l.check('198.18.9.9', 'ALICE@x.test')).toMatchObject({ action: 'refuse', scope: 'account' });
    expect(l.check('198.18.9.9', 'bob@x.test')).toEqual({ action: 'allow' });
  });

  it('ends a lockout after lockSeconds and forgets failures older than the window', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 4; i++) l.report('198.18.0.1', `u${i}@x.test`, false);
    advance(299);
    expect(l.check('198.18.0.1', 'a@x.test').action).toBe('refuse');
    advance(2);
    expect(l.check('198.18.0.1', 'a@x.test')).toEqual({ action: 'allow' });
    l.report('198.18.0.1', 'a@x.test', false);
    l.report('198.18.0.1', 'a@x.test', false);
    expect(l.check('198.18.0.1', 'a@x.test').action).toBe('delay');
    advance(61);
    expect(l.check('198.18.0.1', 'a@x.test')).toEqual({ action: 'allow' });
  });

  it('clears the account count on success, not the IP count', () => {
    const { l } = limiter();
    l.report('198.18.0.1', 'a@x.test', false);
    l.report('198.18.0.1', 'a@x.test', false);
    l.report('198.18.0.1', 'a@x.test', true);
    expect(l.check('198.18.0.2', 'a@x.test')).toEqual({ action: 'allow' });
    expect(l.check('198.18.0.1', 'b@x.test').action).toBe('delay');
  });

  it('does not lump unknown IPs or empty names together', () => {
    const { l } = limiter();
    for (let i = 0; i < 10; i++) l.report('', '', false);
    expect(l.check('', 'a@x.test')).toEqual({ action: 'allow' });
  });

  it('has documented defaults that lock an IP before an account', () => {
    expect(DEFAULT_AUTH_LIMITS.ipLockAfter).toBeLessThan(DEFAULT_AUTH_LIMITS.accountLockAfter);
    expect(DEFAULT_AUTH_LIMITS.delayAfter).toBeLessThan(DEFAULT_AUTH_LIMITS.ipLockAfter);
  });
});
