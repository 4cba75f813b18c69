import { checkRdns, MAX_PTR_NAMES, normaliseIp, type RdnsResolver } from './rdns';

const error = (code: string): Error => Object.assign(new Error(code), { code });

function resolver(ptr: Record<string, string[] | string>, a: Record<string, string[] | string>): RdnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const answer = (table: Record<string, string[] | string>, key: string): Promise<string[]> => {
    asked.push(key);
    const value = table[key] ?? 'ENOTFOUND';
    return typeof value === 'string' ? Promise.reject(error(value)) : Promise.resolve(value);
  };
  return {
    asked,
    reverse: (ip) => answer(ptr, ip),
    resolve4: (name) => answer(a, name),
    resolve6: (name) => answer(a, `6:${name}`),
  };
}

describe('forward-confirmed reverse DNS', () => {
  it('passes when a PTR name resolves back to the address', async () => {
    expect(await checkRdns(resolver({ '198.18.0.1': ['x.test', 'mx.test'] }, { 'mx.test': ['198.18.0.1'] }), '198.18.0.1')).toBe('pass');
  });

  it('is none without a PTR, mismatch when no name points back', async () => {
    expect(await checkRdns(resolver({}, {}), '198.18.0.1')).toBe('none');
    expect(await checkRdns(resolver({ '198.18.0.1': ['mx.test'] }, { 'mx.test': ['198.18.0.2'] }), '198.18.0.1')).toBe('mismatch');
    expect(await checkRdns(resolver({ '198.18.0.1': ['gone.test'] }, {}), '198.18.0.1')).toBe('mismatch');
  });

  it('is temperror when DNS does not answer', async () => {
    expect(await checkRdns(resolver({ '198.18.0.1': 'ETIMEOUT' }, {}), '198.18.0.1')).toBe('temperror');
    expect(await checkRdns(resolver({ '198.18.0.1': ['mx.test'] }, { 'mx.test': 'ESERVFAIL' }), '198.18.0.1')).toBe('temperror');
  });

  it('compares IPv6 spellings and unwraps IPv4-mapped addresses', async () => {
    expect(await checkRdns(resolver({ '2001:db8::1': ['mx.test'] }, { '6:mx.test': ['2001:0db8:0:0::1'] }), '2001:db8::1')).toBe('pass');
    expect(normaliseIp('::ffff:198.18.0.1')).toBe('198.18.0.1');
  });

  it('asks about at most MAX_PTR_NAMES names', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `n${i}.test`);
    const r = resolver({ '198.18.0.1': names }, {});
    expect(await checkRdns(r, '198.18.0.1')).toBe('mismatch');
    expect(r.asked).toHaveLength(1 + MAX_PTR_NAMES);
  });
});
