import { selectBenchmarks } from './main';

describe('selectBenchmarks', () => {
  const known = ['fsync', 'inbound', 'auth'];
  it('runs everything without arguments', () => expect(selectBenchmarks([], known)).toEqual(known));
  it('runs the named ones in the registry order', () => expect(selectBenchmarks(['auth', 'fsync'], known)).toEqual(['fsync', 'auth']));
  it('refuses unknown names', () => expect(() => selectBenchmarks(['inbund'], known)).toThrow(/unknown benchmark\(s\): inbund/));
});
