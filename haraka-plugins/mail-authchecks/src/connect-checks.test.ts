import { HookCode } from '@mail/haraka-common';
import { rdnsRefusal } from './connect-checks';

describe('rDNS refusal (rdnsReject)', () => {
  it('refuses none and mismatch for good, defers temperror (RFC 7372 X.7.25)', () => {
    expect(rdnsRefusal('none', '198.18.0.1')).toMatchObject({ code: HookCode.DENY, message: { code: 554 } });
    expect(rdnsRefusal('mismatch', '198.18.0.1').message?.toString()).toMatch(/^5\.7\.25 .*\(mismatch\)/);
    expect(rdnsRefusal('temperror', '198.18.0.1')).toMatchObject({ code: HookCode.DENYSOFT, message: { code: 421 } });
  });
});
