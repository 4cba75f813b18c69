/**
 * The server-wide spam settings kept in the store's server_settings table (migration 3),
 * under the keys this feature owns: `spam.acl`, `spam.rules`, `spam.thresholds`.
 * Each value is JSON; everything read back is validated again, so a hand-edited row
 * cannot slip a newline into the rendered SpamAssassin config.
 */
import type { Store } from '../store';

export const SPAM_ACL_KEY = 'spam.acl';
export const SPAM_RULES_KEY = 'spam.rules';
export const SPAM_THRESHOLDS_KEY = 'spam.thresholds';

/** Sender patterns (addresses or domains, `*` and `?` globs), lower-cased. */
export interface SpamAcl {
  block: string[];
  allow: string[];
}

export interface SpamThresholds {
  /** SpamAssassin's required_score: at or above it a message is spam (Spam folder). */
  spam: number;
  /** At or above this score inbound mail is refused with 550; null: never. */
  reject: number | null;
}

export interface SpamSettings {
  acl: SpamAcl;
  /** The admin's custom SpamAssassin rules, verbatim ('' for none). */
  rules: string;
  thresholds: SpamThresholds;
}

export const DEFAULT_THRESHOLDS: SpamThresholds = { spam: 5, reject: null };
export const EMPTY_ACL: SpamAcl = { block: [], allow: [] };

export class SpamSettingsError extends Error {}

// An RFC 5322 dot-atom local part and a domain, plus the two glob characters.
// No whitespace, quotes or backslashes: one entry is one word in the rendered config.
const ENTRY = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@)?[a-z0-9*?.-]+$/;
const MAX_ENTRY = 320;
const MAX_RULES_BYTES = 256 * 1024;
const MAX_SCORE = 10_000;

/** Lower-cases and checks one ACL entry; throws a message naming it. */
export function normaliseAclEntry(raw: string): string {
  const entry = raw.trim().toLowerCase();
  if (entry === '' || entry.length > MAX_ENTRY || !ENTRY.test(entry) || /^[*?.]*$/.test(entry.split('@').pop() ?? '')) {
    throw new SpamSettingsError(`'${raw}' is not an address or domain pattern (letters, digits, . - @ and the globs * ?)`);
  }
  return entry;
}

/** A list given on the command line: comma-separated, duplicates dropped, order kept. */
export function parseAclList(text: string): string[] {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(normaliseAclEntry);
  return [...new Set(entries)];
}

/**
 * SpamAssassin's `blocklist_from`/`welcomelist_from` match whole addresses with globs;
 * a bare domain pattern means every address in it.
 */
export function aclEntryToSenderGlob(entry: string): string {
  return entry.includes('@') ? entry : `*@${entry}`;
}

export function checkThresholds(t: SpamThresholds): SpamThresholds {
  const ok = (n: number): boolean => Number.isFinite(n) && n > 0 && n <= MAX_SCORE;
  if (!ok(t.spam)) throw new SpamSettingsError(`the spam threshold must be a number above 0 and at most ${MAX_SCORE}`);
  if (t.reject !== null && !ok(t.reject)) throw new SpamSettingsError(`the reject threshold must be a number above 0 and at most ${MAX_SCORE}, or off`);
  if (t.reject !== null && t.reject <= t.spam) {
    throw new SpamSettingsError(`the reject threshold (${t.reject}) must be above the spam threshold (${t.spam})`);
  }
  return t;
}

/** Custom rules are text for SpamAssassin; only size and NUL bytes are checked here (the linter judges the rest). */
export function checkRulesText(text: string): string {
  if (Buffer.byteLength(text) > MAX_RULES_BYTES) throw new SpamSettingsError(`the rules are larger than ${MAX_RULES_BYTES} bytes`);
  if (text.includes('\0')) throw new SpamSettingsError('the rules contain a NUL byte');
  return text;
}

function parseJson(key: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SpamSettingsError(`server setting ${key} is not valid JSON`);
  }
}

function toAcl(value: unknown): SpamAcl {
  if (value === undefined) return { ...EMPTY_ACL };
  const v = value as Partial<SpamAcl>;
  if (!Array.isArray(v.block) || !Array.isArray(v.allow)) throw new SpamSettingsError(`server setting ${SPAM_ACL_KEY} is malformed`);
  return { block: v.block.map((e) => normaliseAclEntry(String(e))), allow: v.allow.map((e) => normaliseAclEntry(String(e))) };
}

function toThresholds(value: unknown): SpamThresholds {
  if (value === undefined) return { ...DEFAULT_THRESHOLDS };
  const v = value as Partial<SpamThresholds>;
  if (typeof v.spam !== 'number' || !(v.reject === null || typeof v.reject === 'number')) {
    throw new SpamSettingsError(`server setting ${SPAM_THRESHOLDS_KEY} is malformed`);
  }
  return checkThresholds({ spam: v.spam, reject: v.reject });
}

export async function readSpamSettings(store: Store): Promise<SpamSettings> {
  const rules = parseJson(SPAM_RULES_KEY, await store.getServerSetting(SPAM_RULES_KEY));
  if (rules !== undefined && typeof rules !== 'string') throw new SpamSettingsError(`server setting ${SPAM_RULES_KEY} is malformed`);
  return {
    acl: toAcl(parseJson(SPAM_ACL_KEY, await store.getServerSetting(SPAM_ACL_KEY))),
    rules: checkRulesText(rules ?? ''),
    thresholds: toThresholds(parseJson(SPAM_THRESHOLDS_KEY, await store.getServerSetting(SPAM_THRESHOLDS_KEY))),
  };
}

export async function writeSpamSettings(store: Store, settings: SpamSettings): Promise<void> {
  const acl = settings.acl.block.length + settings.acl.allow.length === 0 ? null : JSON.stringify(settings.acl);
  await store.setServerSetting(SPAM_ACL_KEY, acl);
  await store.setServerSetting(SPAM_RULES_KEY, settings.rules === '' ? null : JSON.stringify(settings.rules));
  const t = settings.thresholds;
  const isDefault = t.spam === DEFAULT_THRESHOLDS.spam && t.reject === DEFAULT_THRESHOLDS.reject;
  await store.setServerSetting(SPAM_THRESHOLDS_KEY, isDefault ? null : JSON.stringify(t));
}
