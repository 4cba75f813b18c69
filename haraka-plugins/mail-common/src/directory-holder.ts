/**
 * Owns a plugin's directory client: configured from the plugin's ini (again on every
 * reload), opened in init_master/init_child (never in register(), STYLE 2), rebuilt
 * when the [ldap] settings change, closed on shutdown.
 */
import { LdapDirectory, type Directory, type DirectoryConfig } from './directory';

export type DirectoryFactory = (config: DirectoryConfig) => Directory;

export class DirectoryHolder {
  private config: DirectoryConfig | undefined;
  private directory: Directory | undefined;

  /** Tests pass a factory of their own. */
  constructor(private readonly factory: DirectoryFactory = (config) => new LdapDirectory(config)) {}

  configure(config: DirectoryConfig): void {
    const changed = this.config !== undefined && JSON.stringify(this.config) !== JSON.stringify(config);
    this.config = config;
    if (changed && this.directory) {
      this.directory.close().catch(() => undefined);
      this.directory = this.factory(config);
    }
  }

  open(): void {
    if (!this.config) throw new Error('directory: configuration not loaded');
    this.directory ??= this.factory(this.config);
  }

  get(): Directory {
    if (!this.directory) throw new Error('directory: not open yet (the init hook has not run)');
    return this.directory;
  }

  async close(): Promise<void> {
    const directory = this.directory;
    this.directory = undefined;
    await directory?.close();
  }
}
