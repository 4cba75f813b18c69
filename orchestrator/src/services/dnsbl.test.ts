import { parseDnsblZones, zonesFromSetting } from './dnsbl';

describe('DNSBL zones', () => {
  it('lower-cases, trims, drops a final dot and duplicates', () => {
    expect(parseDnsblZones(' Zen.Spamhaus.org., bl.example.org ,zen.spamhaus.org')).toEqual(['zen.spamhaus.org', 'bl.example.org']);
  });

  it.each(['', ' , ', 'localhost', 'bad zone.test', 'a..test', '-a.test', 'a_b.test', `${'a'.repeat(64)}.test`])('refuses %j', (text) => {
    expect(() => parseDnsblZones(text)).toThrow();
  });

  it('defaults to zen.spamhaus.org when never set', () => {
    expect(zonesFromSetting(undefined)).toEqual(['zen.spamhaus.org']);
    expect(zonesFromSetting('["bl.test"]')).toEqual(['bl.test']);
    expect(() => zonesFromSetting('{"x":1}')).toThrow(/not a list of zones/);
  });
});
