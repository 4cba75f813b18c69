/** mailctl domain add|rm|list|set */
import { addMailDomain } from '../../services';
import { onOff } from '../args';
import { UsageError } from '../failure';
import { tableOrNone, yesNo } from '../output';
import { arg, type Command } from './types';

const one = { min: 1, max: 1 };

export const domainCommands: Command[] = [
  {
    noun: 'domain',
    verb: 'add',
    synopsis: 'NAME',
    summary: 'receive mail for a domain',
    options: {},
    positionals: one,
    async run(ctx, args) {
      // With its DKIM key, so mail from it is signed from the first message on (dns show prints it).
      await addMailDomain(ctx.services(), arg(args, 0));
      await ctx.done(`added domain ${arg(args, 0)}`);
    },
  },
  {
    noun: 'domain',
    verb: 'rm',
    synopsis: 'NAME',
    summary: 'only once it has no mailboxes or aliases',
    options: {},
    positionals: one,
    async run(ctx, args) {
      await ctx.services().removeDomain(arg(args, 0));
      await ctx.done(`removed domain ${arg(args, 0)}`);
    },
  },
  {
    noun: 'domain',
    verb: 'list',
    synopsis: '',
    summary: '',
    options: {},
    positionals: { min: 0, max: 0 },
    async run(ctx) {
      const domains = await ctx.services().listDomains();
      ctx.show({ domains }, () =>
        tableOrNone(
          ['DOMAIN', 'INCOMING', 'MASQUERADE', 'CREATED'],
          domains.map((d) => [d.name, yesNo(d.incoming), yesNo(d.masquerade), d.createdAt]),
          'no domains',
        ),
      );
    },
  },
  {
    noun: 'domain',
    verb: 'set',
    synopsis: 'NAME [--incoming on|off] [--masquerade on|off]',
    summary: 'incoming off: send-only (its addresses refuse mail); masquerade on: no sender address check',
    options: { incoming: { type: 'string' }, masquerade: { type: 'string' } },
    positionals: one,
    async run(ctx, args) {
      const given = (['incoming', 'masquerade'] as const).filter((name) => args.values[name] !== undefined);
      if (given.length === 0) throw new UsageError('give --incoming on|off or --masquerade on|off');
      // Both values are checked before anything changes (bad input changes nothing).
      const incoming = given.includes('incoming') ? onOff(args.values, 'incoming') : undefined;
      const masquerade = given.includes('masquerade') ? onOff(args.values, 'masquerade') : undefined;
      const services = ctx.services();
      if (incoming !== undefined) await services.setIncoming(arg(args, 0), incoming);
      if (masquerade !== undefined) await services.setMasquerade(arg(args, 0), masquerade);
      const said = given.map((name) => `${name === 'incoming' ? 'incoming mail' : 'masquerading'} ${args.values[name]}`);
      await ctx.done(`${said.join(', ')} for ${arg(args, 0)}`, { incoming, masquerade });
    },
  },
];
