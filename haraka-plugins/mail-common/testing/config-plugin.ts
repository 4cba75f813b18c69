/**
 * A plugin object for tests of config loading: its `config.get` hands out `files` one per
 * (re)load, as Haraka's watcher would call back on a change; `reload()` is that callback;
 * `logerror` lines are collected.
 */
import type { HarakaPlugin, IniFile } from '../src/haraka';

export function pluginReading(files: IniFile[]): { plugin: HarakaPlugin; reload: () => void; errors: string[] } {
  let onChange: () => void = () => undefined;
  const errors: string[] = [];
  const plugin = {
    config: {
      get: (_name: string, _type: string, _opts: object, cb: () => void) => {
        onChange = cb;
        const next = files.shift();
        if (!next) throw new Error('no more files');
        return next;
      },
    },
    logerror: (m: string) => void errors.push(m),
  } as unknown as HarakaPlugin;
  return { plugin, reload: () => onChange(), errors };
}
