/**
 * Changing the spam settings while the server may be running (mailctl settings
 * spam-rules|spam-acl|spam-thresholds): the new SpamAssassin config is linted and
 * swapped in FIRST — a rule set the linter refuses changes nothing, neither the store
 * nor the live files — then stored, Haraka's mail-spam.ini rewritten (Haraka rereads
 * it), and a running spamd reloaded (SIGHUP) until it provably runs the new config.
 */
import fs from 'node:fs';
import { resolveMailUser } from '../config/mail-user';
import type { DataPaths } from '../config/paths';
import { loadSettings } from '../config/settings';
import { readState } from '../cli/state';
import { installHarakaSpamConfig } from '../render/haraka-spam';
import { configGeneration, installSpamAssassinConfig, spamConfigDir } from '../render/spamassassin';
import type { Store } from '../store';
import { readSpamSettings, writeSpamSettings, type SpamSettings } from './spam-settings';
import { reloadSpamd } from './spamd';
import { spamAssassinInput } from './stack-spam';

export interface ApplyResult {
  /** 'reloaded': spamd runs the new rules; 'not running': they apply at the next start. */
  spamd: 'reloaded' | 'not running';
}

export class SpamdReloadError extends Error {}

/** The running spamd's pid, when the orchestrator that started it is alive. */
function runningSpamdPid(paths: DataPaths): number | undefined {
  const state = readState(paths);
  const spamd = state?.services['spamd'];
  if (!state || !spamd || spamd.pid === null || spamd.state !== 'running') return undefined;
  try {
    process.kill(state.pid, 0);
    return spamd.pid;
  } catch {
    return undefined;
  }
}

export async function applySpamSettings(store: Store, paths: DataPaths, next: SpamSettings, env: NodeJS.ProcessEnv): Promise<ApplyResult> {
  const settings = loadSettings(paths.root, env);
  const mailUser = resolveMailUser();
  const previous = await readSpamSettings(store);
  const input = spamAssassinInput(settings, paths, next, env);
  installSpamAssassinConfig(input, mailUser);
  try {
    await writeSpamSettings(store, next);
  } catch (err) {
    // Put the files back in line with what the store still holds.
    installSpamAssassinConfig(spamAssassinInput(settings, paths, previous, env), mailUser);
    throw err;
  }
  if (fs.existsSync(paths.harakaDir)) installHarakaSpamConfig(settings, paths, next.thresholds);
  const pid = runningSpamdPid(paths);
  if (pid === undefined) return { spamd: 'not running' };
  if (!(await reloadSpamd(pid, settings.ports.spamd, configGeneration(input)))) {
    throw new SpamdReloadError(`the new spam settings are stored in ${spamConfigDir(paths)}, but spamd did not confirm the reload; see logs/spamd.log`);
  }
  return { spamd: 'reloaded' };
}
