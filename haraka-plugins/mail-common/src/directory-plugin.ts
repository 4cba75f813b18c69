/**
 * The skeleton every plugin of ours that reads the directory shares: its ini is loaded in
 * register() and again on every change (watchPluginConfig: a bad reload keeps the last good
 * config), the directory client follows the ini's [ldap] section (DirectoryHolder), opens
 * in init_master/init_child (never in register(), STYLE 2) and closes on shutdown. The
 * plugin's state is kept per plugin object; `stateOf` refuses to run before the first load.
 */
import { CONTINUE, guardHook, type HarakaHook, type HookAnswer } from './hook-guard';
import type { HarakaPlugin } from './haraka';
import type { DirectoryConfig } from './directory';
import { DirectoryHolder, type DirectoryFactory } from './directory-holder';
import { watchPluginConfig, type IniReader } from './plugin-config';

export interface DirectoryState<C> {
  config: C;
  directory: DirectoryHolder;
}

export interface DirectoryPluginSpec<C extends { directory: DirectoryConfig }, S extends DirectoryState<C>> {
  /** The plugin's name, for errors (`mail-routing: configuration not loaded`). */
  name: string;
  configFile: string;
  parse: (reader: IniReader) => C;
  /**
   * The state for a newly loaded config; `previous` is the state before this reload
   * (undefined at start-up), for what must outlive reloads. Default: config + directory.
   */
  build?: (plugin: HarakaPlugin, base: DirectoryState<C>, previous: S | undefined) => S;
  /** Tests: a directory of their own instead of the LDAP client. */
  directoryFactory?: DirectoryFactory;
}

export interface DirectoryPlugin<S> {
  /** Call from the plugin's register(). */
  watch(plugin: HarakaPlugin): void;
  stateOf(plugin: HarakaPlugin): S;
  hook_init_master: HarakaHook<HarakaPlugin, unknown, []>;
  hook_init_child: HarakaHook<HarakaPlugin, unknown, []>;
  shutdown(this: HarakaPlugin): void;
}

export function directoryPlugin<C extends { directory: DirectoryConfig }, S extends DirectoryState<C> = DirectoryState<C>>(
  spec: DirectoryPluginSpec<C, S>,
): DirectoryPlugin<S> {
  const states = new WeakMap<HarakaPlugin, S>();
  const stateOf = (plugin: HarakaPlugin): S => {
    const state = states.get(plugin);
    if (!state) throw new Error(`${spec.name}: configuration not loaded`);
    return state;
  };
  const open = async (plugin: HarakaPlugin): Promise<HookAnswer> => {
    stateOf(plugin).directory.open();
    return CONTINUE;
  };
  return {
    watch(plugin) {
      const directory = new DirectoryHolder(spec.directoryFactory);
      watchPluginConfig(plugin, spec.configFile, spec.parse, (config) => {
        const base = { config, directory };
        // Build first: a build that throws leaves the directory on the old settings too.
        const state = spec.build ? spec.build(plugin, base, states.get(plugin)) : (base as S);
        directory.configure(config.directory);
        states.set(plugin, state);
      });
    },
    stateOf,
    hook_init_master: guardHook('init_master', open),
    hook_init_child: guardHook('init_child', open),
    shutdown(this: HarakaPlugin) {
      states.get(this)?.directory.close().catch(() => undefined);
    },
  };
}
