import { dmarcAction } from './dmarc-action';

describe('DMARC disposition (RFC 7489 §6.3, §6.6.4)', () => {
  it('acts only on a failure', () => {
    for (const result of ['pass', 'none', 'temperror', 'permerror', 'neutral']) {
      expect(dmarcAction({ result, policy: 'reject', pct: 100 }, 0)).toBe('accept');
    }
  });

  it('applies reject, quarantine and none', () => {
    expect(dmarcAction({ result: 'fail', policy: 'reject', pct: undefined }, 50)).toBe('reject');
    expect(dmarcAction({ result: 'fail', policy: 'quarantine', pct: undefined }, 50)).toBe('quarantine');
    expect(dmarcAction({ result: 'fail', policy: 'none', pct: undefined }, 50)).toBe('accept');
  });

  it('outside the pct sample takes the next weaker policy', () => {
    expect(dmarcAction({ result: 'fail', policy: 'reject', pct: 20 }, 19.9)).toBe('reject');
    expect(dmarcAction({ result: 'fail', policy: 'reject', pct: 20 }, 20)).toBe('quarantine');
    expect(dmarcAction({ result: 'fail', policy: 'quarantine', pct: 0 }, 0)).toBe('accept');
  });
});
