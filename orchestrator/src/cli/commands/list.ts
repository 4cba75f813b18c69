/** mailctl list add|set|rm|list|show: mailing lists (spec: Mailing List). */
import type { ListRow } from '../../store';
import { commaList, flag, onOff, optionalString, requiredString } from '../args';
import { UsageError } from '../failure';
import { formatFields, listOrDash, tableOrNone, yesNo } from '../output';
import { arg, type Command } from './types';

const one = { min: 1, max: 1 };

export const listCommands: Command[] = [
  {
    noun: 'list',
    verb: 'add',
    synopsis: 'ADDR --members a@x,b@y [--members-only]',
    summary: 'members may be local or external addresses',
    options: { members: { type: 'string' }, 'members-only': { type: 'boolean' } },
    positionals: one,
    async run(ctx, args) {
      const members = commaList(requiredString(args.values, 'members', 'a@x,b@y'));
      const list = await ctx.services().lists.add({
        address: arg(args, 0),
        members,
        membersOnly: flag(args.values, 'members-only'),
      });
      await ctx.done(`added mailing list ${list.address} (${describe(list)})`, { list });
    },
  },
  {
    noun: 'list',
    verb: 'set',
    synopsis: 'ADDR [--members a@x,b@y] [--members-only on|off]',
    summary: 'replaces the members',
    options: { members: { type: 'string' }, 'members-only': { type: 'string' } },
    positionals: one,
    async run(ctx, args) {
      const members = optionalString(args.values, 'members');
      const membersOnly = optionalString(args.values, 'members-only');
      if (members === undefined && membersOnly === undefined) {
        throw new UsageError('nothing to change: give --members and/or --members-only on|off');
      }
      const list = await ctx.services().lists.update(arg(args, 0), {
        ...(members === undefined ? {} : { members: commaList(members) }),
        ...(membersOnly === undefined ? {} : { membersOnly: onOff(args.values, 'members-only') }),
      });
      await ctx.done(`mailing list ${list.address}: ${describe(list)}`, { list });
    },
  },
  {
    noun: 'list',
    verb: 'rm',
    synopsis: 'ADDR',
    summary: '',
    options: {},
    positionals: one,
    async run(ctx, args) {
      const list = await ctx.services().lists.get(arg(args, 0));
      await ctx.services().lists.remove(list.address);
      await ctx.done(`removed mailing list ${list.address}`);
    },
  },
  {
    noun: 'list',
    verb: 'list',
    synopsis: '[DOMAIN]',
    summary: '',
    options: {},
    positionals: { min: 0, max: 1 },
    async run(ctx, args) {
      const lists = await ctx.services().lists.list(args.positionals[0]);
      ctx.show({ lists }, () =>
        tableOrNone(
          ['LIST', 'MEMBERS ONLY', 'MEMBERS'],
          lists.map((l) => [l.address, yesNo(l.membersOnly), listOrDash(l.members)]),
          'no mailing lists',
        ),
      );
    },
  },
  {
    noun: 'list',
    verb: 'show',
    synopsis: 'ADDR',
    summary: '',
    options: {},
    positionals: one,
    async run(ctx, args) {
      const list = await ctx.services().lists.get(arg(args, 0));
      ctx.show({ list }, () =>
        formatFields([
          ['address', list.address],
          ['members only', yesNo(list.membersOnly)],
          ['active', yesNo(list.active)],
          ['members', listOrDash(list.members)],
          ['created', list.createdAt],
        ]),
      );
    },
  },
];

function describe(list: ListRow): string {
  return `${list.members.length} member(s)${list.membersOnly ? ', members only' : ''}`;
}
