/**
 * The spam settings as one service for the API (the CLI maps the same errors to its
 * one line): read them, or change one part — linted, stored, spamd reloaded — with the
 * linter's refusal as `invalid` and a spamd that does not take the new config as
 * `unavailable` (nothing changed either way: applySpamSettings installs before it stores).
 */
import { SpamConfigRejected } from '../render/spamassassin';
import { ServiceError, type MailServices } from '../services';
import { applySpamSettings, SpamdReloadError } from './apply';
import { readSpamSettings, SpamSettingsError, type SpamSettings } from './spam-settings';

export async function getSpamSettings(services: MailServices): Promise<SpamSettings> {
  return readSpamSettings(services.store);
}

export async function changeSpamSettings(
  services: MailServices,
  change: (current: SpamSettings) => SpamSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SpamSettings> {
  const current = await readSpamSettings(services.store);
  let next: SpamSettings;
  try {
    next = change(current);
    await applySpamSettings(services.store, services.paths, next, env);
  } catch (err) {
    if (err instanceof SpamConfigRejected || err instanceof SpamSettingsError) throw new ServiceError('invalid', err.message);
    if (err instanceof SpamdReloadError) throw new ServiceError('unavailable', err.message);
    throw err;
  }
  return next;
}
