import { baseAddress, isDomainName, parseAddress, stripSubaddress } from './address';

describe('addresses', () => {
  it('parses and lower-cases', () => {
    expect(parseAddress(' Alice@Acme.Test ')).toEqual({ local: 'alice', domain: 'acme.test' });
    expect(parseAddress('no-at-sign')).toBeUndefined();
    expect(parseAddress('a@nodot')).toBeUndefined();
    expect(parseAddress('a b@acme.test')).toBeUndefined();
    expect(parseAddress('@acme.test')).toBeUndefined();
  });
  it('strips +tags', () => {
    expect(stripSubaddress('alice+shop')).toBe('alice');
    expect(stripSubaddress('alice')).toBeUndefined();
    expect(stripSubaddress('+x')).toBeUndefined();
    expect(baseAddress('alice+a+b@acme.test')).toBe('alice@acme.test');
  });
  it('checks domain names', () => {
    expect(isDomainName('acme.test')).toBe(true);
    expect(isDomainName('-bad.test')).toBe(false);
    expect(isDomainName('localhost')).toBe(false);
    expect(isDomainName('a_b.test')).toBe(false);
  });
});
