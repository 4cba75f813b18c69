/**
 * mailctl settings spam-rules|spam-acl|spam-thresholds — server-wide spam filtering:
 *   settings spam-rules set FILE|- | show | clear
 *   settings spam-acl set [--block LIST] [--allow LIST] | show | clear
 *   settings spam-thresholds set [--spam N] [--reject N|off] | show
 * Every change is linted (spamassassin --lint) before anything is stored, and a running
 * spamd is reloaded before the command returns (orchestrator/src/spam/apply.ts).
 */
import fs from 'node:fs';
import { applySpamSettings, SpamdReloadError, type ApplyResult } from '../../spam/apply';
import { SpamConfigRejected } from '../../render/spamassassin';
import {
  checkRulesText,
  checkThresholds,
  parseAclList,
  readSpamSettings,
  SpamSettingsError,
  type SpamSettings,
} from '../../spam/spam-settings';
import { optionalString, type ParsedArgs } from '../args';
import type { CommandContext } from '../context';
import { CliError, UsageError } from '../failure';
import { formatFields, listOrDash } from '../output';
import { arg, type Command } from './types';

async function current(ctx: CommandContext): Promise<SpamSettings> {
  return readSpamSettings(ctx.services().store);
}

/** Lints, stores, reloads; the linter's refusal is the command's one error line. */
async function apply(ctx: CommandContext, next: SpamSettings): Promise<ApplyResult> {
  try {
    return await applySpamSettings(ctx.services().store, ctx.paths, next, ctx.io.env);
  } catch (err) {
    if (err instanceof SpamConfigRejected || err instanceof SpamSettingsError || err instanceof SpamdReloadError) {
      throw new CliError(err.message);
    }
    throw err;
  }
}

const liveNote = (r: ApplyResult): string => (r.spamd === 'reloaded' ? 'active now' : 'active at the next start');

function verbOf(args: ParsedArgs, allowed: readonly string[]): string {
  const verb = arg(args, 0);
  if (!allowed.includes(verb)) throw new UsageError(`unknown action '${verb}' (one of ${allowed.join(', ')})`);
  return verb;
}

async function readRulesFile(ctx: CommandContext, file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function spamRules(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const verb = verbOf(args, ['set', 'show', 'clear']);
  const file = args.positionals[1];
  if ((verb === 'set') !== (file !== undefined)) throw new UsageError(verb === 'set' ? 'set needs a FILE (or - for stdin)' : `'${verb}' takes no FILE`);
  const settings = await current(ctx);
  if (verb === 'show') return ctx.show({ rules: settings.rules }, () => (settings.rules === '' ? ['(no custom rules)'] : settings.rules.replace(/\n$/, '').split('\n')));
  let rules = '';
  if (file !== undefined) {
    try {
      rules = checkRulesText(await readRulesFile(ctx, file));
    } catch (err) {
      throw err instanceof SpamSettingsError ? new CliError(err.message) : err;
    }
  }
  const result = await apply(ctx, { ...settings, rules });
  await ctx.done(`custom spam rules ${rules === '' ? 'cleared' : 'set'} (${liveNote(result)})`, { spamd: result.spamd });
}

function aclLines(settings: SpamSettings): string[] {
  return formatFields([
    ['block', listOrDash(settings.acl.block)],
    ['allow', listOrDash(settings.acl.allow)],
  ]);
}

function parseList(args: ParsedArgs, name: 'block' | 'allow'): string[] | undefined {
  const text = optionalString(args.values, name);
  if (text === undefined) return undefined;
  try {
    return parseAclList(text);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

async function spamAcl(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const verb = verbOf(args, ['set', 'show', 'clear']);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument '${args.positionals[1] ?? ''}'`);
  const block = parseList(args, 'block');
  const allow = parseList(args, 'allow');
  if ((verb === 'set') !== (block !== undefined || allow !== undefined)) {
    throw new UsageError(verb === 'set' ? 'set needs --block LIST and/or --allow LIST' : `'${verb}' takes no --block/--allow`);
  }
  const settings = await current(ctx);
  if (verb === 'show') return ctx.show({ acl: settings.acl }, () => aclLines(settings));
  const acl = verb === 'clear' ? { block: [], allow: [] } : { block: block ?? settings.acl.block, allow: allow ?? settings.acl.allow };
  const result = await apply(ctx, { ...settings, acl });
  await ctx.done(`spam block/allow lists ${verb === 'clear' ? 'cleared' : 'set'} (${liveNote(result)})`, { acl, spamd: result.spamd });
}

function parseScore(text: string | undefined, name: string, offAllowed: boolean): number | null | undefined {
  if (text === undefined) return undefined;
  if (offAllowed && text === 'off') return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} takes a number${offAllowed ? ' or off' : ''}, not '${text}'`);
  return value;
}

async function spamThresholds(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const verb = verbOf(args, ['set', 'show']);
  const spam = parseScore(optionalString(args.values, 'spam'), 'spam', false);
  const reject = parseScore(optionalString(args.values, 'reject'), 'reject', true);
  if ((verb === 'set') !== (spam !== undefined || reject !== undefined)) {
    throw new UsageError(verb === 'set' ? 'set needs --spam N and/or --reject N|off' : "'show' takes no options");
  }
  const settings = await current(ctx);
  const show = (t: SpamSettings['thresholds']): string[] => formatFields([['spam', String(t.spam)], ['reject', t.reject === null ? 'off' : String(t.reject)]]);
  if (verb === 'show') return ctx.show({ thresholds: settings.thresholds }, () => show(settings.thresholds));
  let thresholds: SpamSettings['thresholds'];
  try {
    thresholds = checkThresholds({ spam: spam ?? settings.thresholds.spam, reject: reject === undefined ? settings.thresholds.reject : reject });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const result = await apply(ctx, { ...settings, thresholds });
  await ctx.done(`spam thresholds set (${liveNote(result)})`, { thresholds, spamd: result.spamd });
}

export const spamSettingsCommands: Command[] = [
  {
    noun: 'settings',
    verb: 'spam-rules',
    synopsis: 'set FILE|- | show | clear',
    summary: 'custom SpamAssassin rules, server-wide; linted first',
    options: {},
    positionals: { min: 1, max: 2 },
    run: spamRules,
  },
  {
    noun: 'settings',
    verb: 'spam-acl',
    synopsis: 'set [--block LIST] [--allow LIST] | show | clear',
    summary: 'sender block/allow lists (addresses or domains, * ? globs)',
    options: { block: { type: 'string' }, allow: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    run: spamAcl,
  },
  {
    noun: 'settings',
    verb: 'spam-thresholds',
    synopsis: 'set [--spam N] [--reject N|off] | show',
    summary: 'score for the Spam folder (default 5) and for 550 (default off)',
    options: { spam: { type: 'string' }, reject: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    run: spamThresholds,
  },
];
