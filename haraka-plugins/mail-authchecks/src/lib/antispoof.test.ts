import { antiSpoofVerdict, domainOf } from './antispoof';

describe('anti-spoof decision', () => {
  const local = { domain: 'acme.test', identity: 'envelope sender' as const, local: true };

  it('lets a foreign domain through whatever SPF says', () => {
    expect(antiSpoofVerdict({ ...local, local: false, spf: 'fail' })).toEqual({ refuse: false });
  });

  it('lets a local domain through only with SPF pass', () => {
    expect(antiSpoofVerdict({ ...local, spf: 'pass' })).toEqual({ refuse: false });
    for (const spf of ['softfail', 'neutral', 'none', 'fail', 'permerror', 'temperror', undefined]) {
      expect(antiSpoofVerdict({ ...local, spf }).refuse).toBe(true);
    }
  });

  it('says which identity and domain in the reason', () => {
    const verdict = antiSpoofVerdict({ ...local, identity: 'From header', spf: 'softfail' });
    expect(verdict.refuse && verdict.reason).toMatch(/From header domain acme\.test is local.*\(softfail\)/);
  });

  it('takes the domain of an address', () => {
    expect(domainOf('CEO@Acme.Test')).toBe('acme.test');
    expect(domainOf('"a@b"@c.test')).toBe('c.test');
    expect(domainOf('nobody')).toBe('');
  });
});
