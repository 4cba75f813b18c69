/**
 * mailctl settings dnsbl set ZONE[,ZONE…] | show — the server-wide DNSBL zones.
 * `set` stores them and, when Haraka's config exists, rewrites dns-list.ini, which a
 * running Haraka rereads at once.
 */
import { getDnsblZones, setDnsblZones } from '../../services';
import type { CommandContext } from '../context';
import { UsageError } from '../failure';
import { arg, type Command } from './types';

async function setZones(ctx: CommandContext, text: string | undefined): Promise<void> {
  if (text === undefined) throw new UsageError('give the zones, e.g. zen.spamhaus.org,bl.example.org');
  const zones = await setDnsblZones(ctx.services(), text);
  await ctx.done(`DNSBL zones: ${zones.join(', ')}`, { zones });
}

async function showZones(ctx: CommandContext): Promise<void> {
  const zones = await getDnsblZones(ctx.services());
  ctx.show({ zones }, () => zones);
}

export const dnsblCommands: Command[] = [
  {
    noun: 'settings',
    verb: 'dnsbl',
    synopsis: 'set ZONE[,ZONE…] | show',
    summary: 'server-wide DNSBL zones (default zen.spamhaus.org); take effect at once',
    options: {},
    positionals: { min: 1, max: 2 },
    async run(ctx, args) {
      const action = arg(args, 0);
      if (action === 'set') return setZones(ctx, args.positionals[1]);
      if (action !== 'show') throw new UsageError(`unknown action '${action}' (set or show)`);
      if (args.positionals.length > 1) throw new UsageError(`unexpected argument '${args.positionals[1] ?? ''}'`);
      return showZones(ctx);
    },
  },
];
