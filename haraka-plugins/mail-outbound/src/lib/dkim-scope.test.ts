import { dkimScope, keyDomainCandidates, signingDomain } from './dkim-scope';

describe('dkimScope', () => {
  it('signs what an authenticated user submitted from a domain with a key', () => {
    expect(dkimScope({ authenticated: true, senderDomain: 'acme.test', keyFound: true })).toEqual({ sign: true });
  });

  it('leaves everything else unsigned, with the reason', () => {
    expect(dkimScope({ authenticated: false, senderDomain: 'acme.test', keyFound: true })).toEqual({
      sign: false,
      reason: 'not submitted by an authenticated user',
    });
    expect(dkimScope({ authenticated: true, senderDomain: 'elsewhere.test', keyFound: false })).toEqual({
      sign: false,
      reason: 'no DKIM key for elsewhere.test',
    });
    expect(dkimScope({ authenticated: true, senderDomain: '', keyFound: false })).toMatchObject({ sign: false });
  });
});

describe('keyDomainCandidates', () => {
  it('tries the domain, then its parents down to two labels', () => {
    expect(keyDomainCandidates('Mail.Sub.Acme.test')).toEqual(['mail.sub.acme.test', 'sub.acme.test', 'acme.test']);
    expect(keyDomainCandidates('acme.test')).toEqual(['acme.test']);
    expect(keyDomainCandidates('localhost')).toEqual([]);
  });
});

describe('signingDomain', () => {
  it("is the envelope sender's domain when there is one", () => {
    expect(signingDomain({ envelopeDomain: 'acme.test', fromHeader: 'Bob <bob@other.test>' })).toBe('acme.test');
  });
  it('takes the From: domain of a null-sender Sieve reply', () => {
    expect(signingDomain({ envelopeDomain: '', fromHeader: 'Alice <Alice@Acme.Test>' })).toBe('acme.test');
    expect(signingDomain({ envelopeDomain: '', fromHeader: 'alice@acme.test' })).toBe('acme.test');
  });
  it('signs nothing for a null sender without a usable From:', () => {
    expect(signingDomain({ envelopeDomain: '' })).toBe('');
    expect(signingDomain({ envelopeDomain: '', fromHeader: 'undisclosed' })).toBe('');
  });
});
