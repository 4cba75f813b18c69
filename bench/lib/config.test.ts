import { parseBenchConfig } from './config';

describe('parseBenchConfig', () => {
  it('is empty when unset', () => expect(parseBenchConfig(undefined)).toEqual({}));
  it('parses a JSON object', () => expect(parseBenchConfig('{"spam":{"enabled":true}}')).toEqual({ spam: { enabled: true } }));
  it('refuses non-JSON and non-objects with a clear error', () => {
    expect(() => parseBenchConfig('{spam')).toThrow(/BENCH_CONFIG is not JSON/);
    expect(() => parseBenchConfig('[1]')).toThrow(/must be a JSON object/);
    expect(() => parseBenchConfig('3')).toThrow(/must be a JSON object/);
  });
});
