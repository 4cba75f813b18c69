/**
 * haraka-plugin-mail-spam's config (`mail-spam.ini`, `mail-spam.timeout`), rendered apart
 * from the rest of Haraka's files: it holds no secret, and `mailctl settings
 * spam-thresholds` rewrites it alone while Haraka runs (Haraka rereads it on change).
 * Haraka's own ini parser reads the scratch copy back before the swap (STYLE 6).
 */
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import type { SpamThresholds } from '../spam/spam-settings';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';
import { checkHarakaConfig, harakaConfigDir } from './haraka';

/** One scan's budget; Haraka's hook timeout must outlast it (then the message goes on unscanned). */
export const SPAMD_TIMEOUT_SECONDS = 20;
const HOOK_TIMEOUT_SECONDS = 40;
/** spamc's own default limit: larger messages are rarely spam and slow to scan. */
export const SPAM_MAX_SIZE = 1024 * 1024;

export function renderHarakaSpamFiles(settings: Settings, thresholds: SpamThresholds): RenderedFile[] {
  const context = {
    port: settings.ports.spamd,
    timeoutSeconds: SPAMD_TIMEOUT_SECONDS,
    maxSize: SPAM_MAX_SIZE,
    rejectThreshold: thresholds.reject === null ? 'off' : String(thresholds.reject),
    hookTimeoutSeconds: HOOK_TIMEOUT_SECONDS,
  };
  const dir = templateDir('haraka');
  return ['mail-spam.ini', 'mail-spam.timeout'].map((name) => ({
    name,
    content: renderTemplate(path.join(dir, `${name}.hbs`), context),
    mode: 0o644,
  }));
}

export function installHarakaSpamConfig(settings: Settings, paths: DataPaths, thresholds: SpamThresholds): void {
  const files = renderHarakaSpamFiles(settings, thresholds);
  const reject = thresholds.reject === null ? 'off' : thresholds.reject;
  const expected = { 'mail-spam.ini': { spamd: { port: settings.ports.spamd, timeout: SPAMD_TIMEOUT_SECONDS }, score: { reject_threshold: reject } } };
  installValidated(harakaConfigDir(paths), files, (scratch) => checkHarakaConfig(scratch, expected));
}
