/** mailctl domain add|rm|list|set */
import { addMailDomain } from '../../services';
import { onOff } from '../args';
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
          ['DOMAIN', 'MASQUERADE', 'CREATED'],
          domains.map((d) => [d.name, yesNo(d.masquerade), d.createdAt]),
          'no domains',
        ),
      );
    },
  },
  {
    noun: 'domain',
    verb: 'set',
    synopsis: 'NAME --masquerade on|off',
    summary: 'on: turn off the sender address check',
    options: { masquerade: { type: 'string' } },
    positionals: one,
    async run(ctx, args) {
      const allowed = onOff(args.values, 'masquerade');
      await ctx.services().setMasquerade(arg(args, 0), allowed);
      await ctx.done(`masquerading ${allowed ? 'on' : 'off'} for ${arg(args, 0)}`, { masquerade: allowed });
    },
  },
];
