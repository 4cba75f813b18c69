import type { Directory, DirectoryConfig } from './directory';
import { directoryPlugin, type DirectoryState } from './directory-plugin';
import { HookCode, type HarakaPlugin, type IniFile } from './haraka';
import { pluginReading } from '../testing/config-plugin';
import { readDirectoryConfig } from './plugin-config';

const ldap = (url: string): IniFile['ldap'] => ({ url, base_dn: 'dc=cloudron', bind_password: 'pw', timeout: 5 });


function fakeDirectories(): { made: DirectoryConfig[]; closed: DirectoryConfig[]; factory: (c: DirectoryConfig) => Directory } {
  const made: DirectoryConfig[] = [];
  const closed: DirectoryConfig[] = [];
  const factory = (config: DirectoryConfig): Directory => {
    made.push(config);
    return { close: async () => void closed.push(config) } as unknown as Directory;
  };
  return { made, closed, factory };
}

function parse(reader: Parameters<typeof readDirectoryConfig>[0]): { n: number; directory: DirectoryConfig } {
  return { n: reader.int('main', 'n', 0, 10), directory: readDirectoryConfig(reader) };
}

/** Runs an init hook as Haraka would; the code it answered. */
function runHook(hook: (this: HarakaPlugin, next: (code?: number) => void, server: unknown) => void, plugin: HarakaPlugin): Promise<number | undefined> {
  return new Promise((resolve) => hook.call(plugin, (code) => resolve(code), {}));
}

describe('directoryPlugin', () => {
  it('refuses to run before the configuration is loaded', () => {
    const parts = directoryPlugin({ name: 'mail-x', configFile: 'x.ini', parse });
    expect(() => parts.stateOf(pluginReading([]).plugin)).toThrow('mail-x: configuration not loaded');
  });

  it('loads the ini, opens the directory in init_master/init_child only once, closes it on shutdown', async () => {
    const dirs = fakeDirectories();
    const parts = directoryPlugin({ name: 'mail-x', configFile: 'x.ini', parse, directoryFactory: dirs.factory });
    const { plugin } = pluginReading([{ main: { n: 1 }, ldap: ldap('ldap://127.0.0.1:1') }]);
    parts.watch(plugin);
    expect(parts.stateOf(plugin).config.n).toBe(1);
    expect(dirs.made).toEqual([]); // never in register()
    expect(await runHook(parts.hook_init_master, plugin)).toBe(HookCode.CONT);
    expect(await runHook(parts.hook_init_child, plugin)).toBe(HookCode.CONT);
    expect(dirs.made.map((c) => c.url)).toEqual(['ldap://127.0.0.1:1']);
    parts.shutdown.call(plugin);
    await new Promise((resolve) => setImmediate(resolve));
    expect(dirs.closed.map((c) => c.url)).toEqual(['ldap://127.0.0.1:1']);
  });

  it('rebuilds the directory when [ldap] changes, hands the previous state to build, keeps the last good config', async () => {
    const dirs = fakeDirectories();
    const builds: (number | undefined)[] = [];
    type Config = ReturnType<typeof parse>;
    const parts = directoryPlugin<Config, DirectoryState<Config> & { loads: number }>({
      name: 'mail-x',
      configFile: 'x.ini',
      parse,
      directoryFactory: dirs.factory,
      build: (_plugin, base, previous) => {
        builds.push(previous?.config.n);
        return { ...base, loads: (previous?.loads ?? 0) + 1 };
      },
    });
    const { plugin, reload, errors } = pluginReading([
      { main: { n: 1 }, ldap: ldap('ldap://127.0.0.1:1') },
      { main: { n: 2 }, ldap: ldap('ldap://127.0.0.1:2') },
      { main: { n: 'bad' }, ldap: ldap('ldap://127.0.0.1:3') },
    ]);
    parts.watch(plugin);
    await runHook(parts.hook_init_master, plugin);
    reload();
    reload();
    expect(builds).toEqual([undefined, 1]);
    expect(parts.stateOf(plugin)).toMatchObject({ config: { n: 2 }, loads: 2 });
    expect(errors).toEqual(['x.ini [main] n must be an integer from 0 to 10; keeping the previous configuration']);
    expect(dirs.made.map((c) => c.url)).toEqual(['ldap://127.0.0.1:1', 'ldap://127.0.0.1:2']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(dirs.closed.map((c) => c.url)).toEqual(['ldap://127.0.0.1:1']);
  });

  it('keeps each plugin object its own state', () => {
    const parts = directoryPlugin({ name: 'mail-x', configFile: 'x.ini', parse });
    const a = pluginReading([{ main: { n: 1 }, ldap: ldap('ldap://127.0.0.1:1') }]).plugin;
    const b = pluginReading([{ main: { n: 7 }, ldap: ldap('ldap://127.0.0.1:1') }]).plugin;
    parts.watch(a);
    parts.watch(b);
    expect([parts.stateOf(a).config.n, parts.stateOf(b).config.n]).toEqual([1, 7]);
  });
});
