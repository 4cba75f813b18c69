/**
 * The bundled local resolver's config (unbound-templates/unbound.conf.hbs), checked by
 * `unbound-checkconf` on a scratch copy before it replaces the live file (STYLE 6).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import { ConfigError, type Settings } from '../config/settings';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';

export const UNBOUND_CONF = 'unbound.conf';

export function unboundConfigDir(paths: DataPaths): string {
  return path.join(paths.root, 'config', 'unbound');
}

export function unboundConfigFile(paths: DataPaths): string {
  return path.join(unboundConfigDir(paths), UNBOUND_CONF);
}

export interface UnboundInput {
  port: number;
  forwarders: readonly string[];
  /** The account unbound drops to after binding ('' keeps the current one). */
  username: string;
  directory: string;
}

/** Debian's package creates `unbound`; as root we drop to it, otherwise we already run unprivileged. */
export function unboundUser(): string {
  if (process.getuid?.() !== 0) return '';
  try {
    execFileSync('id', ['-u', 'unbound'], { stdio: 'ignore' });
    return 'unbound';
  } catch {
    return '';
  }
}

const SAFE = /^[A-Za-z0-9._/@:-]*$/;

export function renderUnboundConfig(input: UnboundInput): RenderedFile {
  const unsafe = [input.username, input.directory, ...input.forwarders].filter((v) => !SAFE.test(v));
  if (unsafe.length > 0) throw new ConfigError(`cannot render ${UNBOUND_CONF}: unsafe value(s) ${JSON.stringify(unsafe)}`);
  const content = renderTemplate(path.join(templateDir('unbound'), `${UNBOUND_CONF}.hbs`), input);
  return { name: UNBOUND_CONF, content, mode: 0o644 };
}

/** `unbound-checkconf FILE`: throws its own message when the file is not valid. */
export function checkUnboundConfig(file: string): void {
  const run = spawnSync('unbound-checkconf', [file], { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new ConfigError(`unbound-checkconf could not run (is unbound installed?): ${run.error.message}`);
  if (run.status !== 0) throw new ConfigError(`the rendered unbound config is not valid: ${(run.stderr || run.stdout).trim()}`);
}

export function installUnboundConfig(settings: Settings, paths: DataPaths): string {
  if (!settings.unbound) throw new Error('unbound is not enabled');
  const file = renderUnboundConfig({
    port: settings.unbound.port,
    forwarders: settings.unbound.forwarders,
    username: unboundUser(),
    directory: unboundConfigDir(paths),
  });
  fs.mkdirSync(unboundConfigDir(paths), { recursive: true });
  installValidated(unboundConfigDir(paths), [file], (scratch) => checkUnboundConfig(path.join(scratch, UNBOUND_CONF)));
  return unboundConfigFile(paths);
}
