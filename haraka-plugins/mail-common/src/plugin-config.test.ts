import type { HarakaPlugin, IniFile } from './haraka';
import { pluginReading } from '../testing/config-plugin';
import { IniReader, PluginConfigError, readDirectoryConfig, watchPluginConfig } from './plugin-config';

const INI: IniFile = {
  main: { ports: '2587, 2465', text: 12345, empty: '' },
  ldap: { url: 'ldap://127.0.0.1:3890', base_dn: 'dc=cloudron', bind_password: 'pw', timeout: 5 },
};

describe('IniReader', () => {
  const reader = new IniReader('x.ini', INI);

  it('reads typed values, numbers back as text where text is wanted', () => {
    expect(reader.ports('main', 'ports')).toEqual([2587, 2465]);
    expect(reader.string('main', 'text')).toBe('12345');
    expect(readDirectoryConfig(reader)).toEqual({ url: 'ldap://127.0.0.1:3890', baseDn: 'dc=cloudron', bindPassword: 'pw', timeoutMs: 5000 });
  });

  it('names file, section and key on error', () => {
    expect(() => reader.string('main', 'nope')).toThrow('x.ini [main] nope is missing');
    expect(() => reader.nonEmptyString('main', 'empty')).toThrow('x.ini [main] empty is empty');
    expect(() => reader.int('ldap', 'timeout', 10, 20)).toThrow(PluginConfigError);
    expect(() => new IniReader('y.ini', { main: { ports: '25,x' } }).ports('main', 'ports')).toThrow(/not a list of ports/);
  });
});

describe('watchPluginConfig', () => {
  it('applies the file, then each good reload; keeps the last good one on a bad reload', () => {
    const applied: number[] = [];
    const { plugin, reload, errors } = pluginReading([{ main: { n: 1 } }, { main: { n: 'bad' } }, { main: { n: 3 } }]);
    watchPluginConfig(plugin, 'x.ini', (r) => r.int('main', 'n', 0, 10), (n) => void applied.push(n));
    reload();
    reload();
    expect(applied).toEqual([1, 3]);
    expect(errors).toEqual(['x.ini [main] n must be an integer from 0 to 10; keeping the previous configuration']);
  });

  it('throws at start-up on a bad file', () => {
    const { plugin } = pluginReading([{ main: {} }]);
    expect(() => watchPluginConfig(plugin, 'x.ini', (r) => r.int('main', 'n', 0, 10), () => undefined)).toThrow(PluginConfigError);
  });
});
