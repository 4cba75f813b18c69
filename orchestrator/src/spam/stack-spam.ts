/**
 * Spam filtering's share of starting the stack: the settings from the store, every
 * rendered file (SpamAssassin's site config, Haraka's mail-spam.ini, Dovecot's Sieve
 * scripts), the bayes/learn directories, and the trainer. Kept here so stack.ts only
 * calls in.
 */
import path from 'node:path';
import type { MailUser } from '../config/mail-user';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import { installDovecotSpamFiles } from '../render/dovecot-spam';
import { installHarakaSpamConfig } from '../render/haraka-spam';
import {
  configGeneration,
  installSpamAssassinConfig,
  learnQueueDir,
  prepareSpamStateDirs,
  spamConfigDir,
  spamStateDir,
  type SpamAssassinInput,
} from '../render/spamassassin';
import { SqliteStore } from '../store';
import { readSpamSettings, type SpamSettings } from './spam-settings';
import { SpamTrainer } from './trainer';

/** MAIL_SPAM_DNS=off (tests): no DNS tests in SpamAssassin unless a resolver is configured. */
export function spamDnsOff(settings: Settings, env: NodeJS.ProcessEnv): boolean {
  return env['MAIL_SPAM_DNS'] === 'off' && settings.dnsServers.length === 0;
}

export async function loadSpamSettings(paths: DataPaths): Promise<SpamSettings> {
  const store = new SqliteStore(paths.store);
  try {
    return await readSpamSettings(store);
  } finally {
    store.close();
  }
}

export function spamAssassinInput(settings: Settings, paths: DataPaths, spam: SpamSettings, env: NodeJS.ProcessEnv): SpamAssassinInput {
  return { settings, paths, spam, dnsOff: spamDnsOff(settings, env) };
}

/** Renders and installs every spam-related file; returns the config generation spamd will run. */
export async function installSpamConfig(
  settings: Settings,
  paths: DataPaths,
  mailUser: MailUser,
  env: NodeJS.ProcessEnv,
  dovecotConf: string,
): Promise<string> {
  const spam = await loadSpamSettings(paths);
  prepareSpamStateDirs(paths, mailUser);
  const input = spamAssassinInput(settings, paths, spam, env);
  installSpamAssassinConfig(input, mailUser);
  installHarakaSpamConfig(settings, paths, spam.thresholds);
  installDovecotSpamFiles(paths, dovecotConf);
  return configGeneration(input);
}

export function createTrainer(paths: DataPaths, mailUser: MailUser): SpamTrainer {
  return new SpamTrainer({
    queueDir: learnQueueDir(paths),
    configDir: spamConfigDir(paths),
    mailUser,
    home: spamStateDir(paths),
    logFile: path.join(paths.logs, 'spam-trainer.log'),
  });
}
