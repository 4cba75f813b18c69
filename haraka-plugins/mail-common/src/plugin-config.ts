/**
 * Typed plugin configuration. Each plugin ships `config/<name>.ini` listing every key
 * with its default; the orchestrator renders the overrides into Haraka's config dir
 * and Haraka merges the two. Values are checked at load: a bad file at start-up stops
 * Haraka with a clear message; a bad file on reload is logged and the last good
 * configuration stays in force (STYLE 5).
 */
import type { DirectoryConfig } from './directory';
import type { HarakaPlugin, IniFile } from './haraka';

export class PluginConfigError extends Error {
  override name = 'PluginConfigError';
}

/** Reads typed values out of one parsed ini file, naming `file [section] key` on error. */
export class IniReader {
  constructor(
    readonly file: string,
    private readonly ini: IniFile,
  ) {}

  private raw(section: string, key: string): unknown {
    const value = this.ini[section]?.[key];
    if (value === undefined || value === null) throw this.error(section, key, 'is missing');
    return value;
  }

  private error(section: string, key: string, problem: string): PluginConfigError {
    return new PluginConfigError(`${this.file} [${section}] ${key} ${problem}`);
  }

  /** Numbers are read back as text (the ini parser turns `123` into a number). */
  string(section: string, key: string): string {
    const value = this.raw(section, key);
    if (typeof value !== 'string' && typeof value !== 'number') throw this.error(section, key, 'is not text');
    return String(value);
  }

  nonEmptyString(section: string, key: string): string {
    const value = this.string(section, key);
    if (value === '') throw this.error(section, key, 'is empty');
    return value;
  }

  int(section: string, key: string, min: number, max: number): number {
    const value = this.raw(section, key);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw this.error(section, key, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** A comma-separated list of TCP ports, e.g. `2587,2465`. */
  ports(section: string, key: string): number[] {
    const text = this.string(section, key);
    const ports = text
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map(Number);
    if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      throw this.error(section, key, `is not a list of ports: '${text}'`);
    }
    return ports;
  }
}

/** The `[ldap]` section both our plugins carry. */
export function readDirectoryConfig(reader: IniReader): DirectoryConfig {
  return {
    url: reader.nonEmptyString('ldap', 'url'),
    baseDn: reader.nonEmptyString('ldap', 'base_dn'),
    bindPassword: reader.string('ldap', 'bind_password'),
    timeoutMs: reader.int('ldap', 'timeout', 1, 120) * 1000,
  };
}

/**
 * Loads `<file>` with `parse` and calls `apply` now and after every change Haraka
 * notices. Throws on a bad file at start-up; keeps the previous config on a bad reload.
 */
export function watchPluginConfig<T>(
  plugin: HarakaPlugin,
  file: string,
  parse: (reader: IniReader) => T,
  apply: (config: T) => void,
): void {
  let loaded = false;
  const load = (): void => {
    const ini = plugin.config.get(file, 'ini', { booleans: [] }, load);
    try {
      apply(parse(new IniReader(file, ini)));
      loaded = true;
    } catch (err) {
      if (!loaded) throw err;
      plugin.logerror(`${(err as Error).message}; keeping the previous configuration`);
    }
  };
  load();
}
