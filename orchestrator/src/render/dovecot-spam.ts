/**
 * Dovecot's part of spam handling: the Sieve global script that files spam into Spam
 * at delivery (sieve_before), the imap_sieve scripts that queue training when users
 * move mail into or out of Spam, and the pipe program they call (learn.sh). Rendered
 * from `dovecot-templates/sieve/`, compiled by the real `sievec` on a scratch copy
 * before they replace the live ones, then compiled in place (Dovecot runs as the mail
 * user and could not write the binaries next to root-owned scripts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';
import { learnQueueDir } from './spamassassin';

/** Messages waiting per kind before learn.sh drops further training. */
export const MAX_QUEUED_LEARN = 2000;
const SIEVE_SCRIPTS = ['spam-before.sieve', 'learn-spam.sieve', 'learn-ham.sieve'];

export function dovecotSieveDir(paths: DataPaths): string {
  return path.join(paths.dovecotConfigDir, 'sieve');
}

/** `sieve_pipe_bin_dir`: only the programs in here can be piped to. */
export function dovecotSieveBinDir(paths: DataPaths): string {
  return path.join(paths.dovecotConfigDir, 'sieve-bin');
}

/** What dovecot.conf.hbs needs to point at these files. */
export function dovecotSpamContext(paths: DataPaths): object {
  const dir = dovecotSieveDir(paths);
  return {
    beforeScript: path.join(dir, 'spam-before.sieve'),
    learnSpamScript: path.join(dir, 'learn-spam.sieve'),
    learnHamScript: path.join(dir, 'learn-ham.sieve'),
    binDir: dovecotSieveBinDir(paths),
  };
}

export function renderDovecotSpamFiles(paths: DataPaths): { sieve: RenderedFile[]; bin: RenderedFile[] } {
  const dir = path.join(templateDir('dovecot'), 'sieve');
  const context = { queueDir: learnQueueDir(paths), maxQueued: MAX_QUEUED_LEARN };
  const render = (name: string): string => renderTemplate(path.join(dir, `${name}.hbs`), context);
  return {
    sieve: SIEVE_SCRIPTS.map((name) => ({ name, content: render(name), mode: 0o644 })),
    bin: [{ name: 'learn', content: render('learn.sh'), mode: 0o755 }],
  };
}

/** Compiles one script with Dovecot's settings (the pipe extension is enabled there). */
export function compileSieve(dovecotConf: string, script: string): void {
  const result = spawnSync('sievec', ['-c', dovecotConf, script], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) {
    throw new Error(`sievec rejected ${path.basename(script)}: ${result.error?.message ?? result.stderr.trim()}`);
  }
}

/** After dovecot.conf is installed: scripts validated in scratch, swapped in, compiled live. */
export function installDovecotSpamFiles(paths: DataPaths, dovecotConf: string): void {
  const { sieve, bin } = renderDovecotSpamFiles(paths);
  const sieveDir = dovecotSieveDir(paths);
  installValidated(sieveDir, sieve, (scratch) => {
    for (const f of sieve) compileSieve(dovecotConf, path.join(scratch, f.name));
  });
  for (const f of sieve) compileSieve(dovecotConf, path.join(sieveDir, f.name));
  installValidated(dovecotSieveBinDir(paths), bin, () => undefined);
}
