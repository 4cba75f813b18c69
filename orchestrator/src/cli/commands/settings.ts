/**
 * mailctl settings set|show — per-domain sending settings:
 *   settings set DOMAIN masquerade on|off
 *   settings set DOMAIN signature --text T --html H | --clear
 *   settings show DOMAIN
 */
import { getDomainSettings, setDomainSignature, type DomainSettings } from '../../services';
import { flag, optionalString, type ParsedArgs } from '../args';
import type { CommandContext } from '../context';
import { UsageError } from '../failure';
import { formatFields, yesNo } from '../output';
import { dnsblCommands } from './settings-dnsbl';
import { spamSettingsCommands } from './settings-spam';
import { arg, type Command } from './types';

const SETTINGS = ['masquerade', 'signature'] as const;

async function setMasquerade(ctx: CommandContext, domain: string, value: string | undefined): Promise<void> {
  if (value !== 'on' && value !== 'off') throw new UsageError(`masquerade takes on or off, not '${value ?? ''}'`);
  const allowed = value === 'on';
  await ctx.services().setMasquerade(domain, allowed);
  await ctx.done(`masquerading ${value} for ${domain.toLowerCase()}`, { masquerade: allowed });
}

async function setSignature(ctx: CommandContext, domain: string, args: ParsedArgs): Promise<void> {
  if (args.positionals.length > 2) throw new UsageError(`unexpected argument '${args.positionals[2] ?? ''}'`);
  const text = optionalString(args.values, 'text');
  const html = optionalString(args.values, 'html');
  const clear = flag(args.values, 'clear');
  if (clear === (text !== undefined || html !== undefined)) {
    throw new UsageError('give --text T and/or --html H, or --clear');
  }
  const signature = await setDomainSignature(ctx.services(), domain, { text: text ?? null, html: html ?? null });
  const what = signature.text === null && signature.html === null ? 'cleared' : 'set';
  await ctx.done(`signature ${what} for ${domain.toLowerCase()}`, { signature });
}

function describe(s: DomainSettings): string[] {
  return formatFields([
    ['domain', s.domain],
    ['masquerade', yesNo(s.masquerade)],
    ['signature text', s.signature.text === null ? '-' : JSON.stringify(s.signature.text)],
    ['signature html', s.signature.html === null ? '-' : JSON.stringify(s.signature.html)],
  ]);
}

export const settingsCommands: Command[] = [
  {
    noun: 'settings',
    verb: 'set',
    synopsis: 'DOMAIN masquerade on|off | DOMAIN signature (--text T --html H | --clear)',
    summary: 'per-domain sending settings; take effect at once',
    options: { text: { type: 'string' }, html: { type: 'string' }, clear: { type: 'boolean' } },
    positionals: { min: 2, max: 3 },
    async run(ctx, args) {
      const domain = arg(args, 0);
      const setting = arg(args, 1);
      if (setting === 'masquerade') return setMasquerade(ctx, domain, args.positionals[2]);
      if (setting === 'signature') return setSignature(ctx, domain, args);
      throw new UsageError(`unknown setting '${setting}' (one of ${SETTINGS.join(', ')})`);
    },
  },
  {
    noun: 'settings',
    verb: 'show',
    synopsis: 'DOMAIN',
    summary: '',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const settings = await getDomainSettings(ctx.services(), arg(args, 0));
      ctx.show({ settings }, () => describe(settings));
    },
  },
  // Server-wide settings, each in its own file.
  ...dnsblCommands,
  ...spamSettingsCommands,
];
