/** mailctl user add|passwd|rm|list and group add|set|rm|list */
import { commaList, optionalString, requiredString, type OptionSpecs } from '../args';
import { listOrDash, tableOrNone } from '../output';
import { arg, type Command } from './types';

const one = { min: 1, max: 1 };
const passwordOptions: OptionSpecs = { password: { type: 'string' }, 'password-stdin': { type: 'boolean' } };

export const userCommands: Command[] = [
  {
    noun: 'user',
    verb: 'add',
    synopsis: 'NAME --password P | --password-stdin',
    summary: '',
    options: passwordOptions,
    positionals: one,
    async run(ctx, args) {
      const password = (await ctx.password(args.values, true)) ?? '';
      await ctx.services().addUser(arg(args, 0), password);
      await ctx.done(`added user ${arg(args, 0)}`);
    },
  },
  {
    noun: 'user',
    verb: 'passwd',
    synopsis: 'NAME --password P | --password-stdin',
    summary: '',
    options: passwordOptions,
    positionals: one,
    async run(ctx, args) {
      const password = (await ctx.password(args.values, true)) ?? '';
      await ctx.services().setUserPassword(arg(args, 0), password);
      await ctx.done(`changed the password of ${arg(args, 0)}`);
    },
  },
  {
    noun: 'user',
    verb: 'rm',
    synopsis: 'NAME',
    summary: 'only once they own no mailbox',
    options: {},
    positionals: one,
    async run(ctx, args) {
      await ctx.services().removeUser(arg(args, 0));
      await ctx.done(`removed user ${arg(args, 0)}`);
    },
  },
  {
    noun: 'user',
    verb: 'list',
    synopsis: '',
    summary: '',
    options: {},
    positionals: { min: 0, max: 0 },
    async run(ctx) {
      const users = await ctx.services().listUsers();
      ctx.show({ users }, () =>
        tableOrNone(
          ['USER', 'GROUPS', 'CREATED'],
          users.map((u) => [u.username, listOrDash(u.groups), u.createdAt]),
          'no users',
        ),
      );
    },
  },
];

export const groupCommands: Command[] = [
  {
    noun: 'group',
    verb: 'add',
    synopsis: 'NAME [--members a,b]',
    summary: '',
    options: { members: { type: 'string' } },
    positionals: one,
    async run(ctx, args) {
      const members = commaList(optionalString(args.values, 'members') ?? '');
      await ctx.services().addGroup(arg(args, 0), members);
      await ctx.done(`added group ${arg(args, 0)} (members: ${listOrDash(members)})`, { members });
    },
  },
  {
    noun: 'group',
    verb: 'set',
    synopsis: 'NAME --members a,b',
    summary: "replaces the members ('' for none)",
    options: { members: { type: 'string' } },
    positionals: one,
    async run(ctx, args) {
      const members = commaList(requiredString(args.values, 'members', 'a,b'));
      await ctx.services().setGroupMembers(arg(args, 0), members);
      await ctx.done(`group ${arg(args, 0)} members: ${listOrDash(members)}`, { members });
    },
  },
  {
    noun: 'group',
    verb: 'rm',
    synopsis: 'NAME',
    summary: 'only once it owns no mailbox',
    options: {},
    positionals: one,
    async run(ctx, args) {
      await ctx.services().removeGroup(arg(args, 0));
      await ctx.done(`removed group ${arg(args, 0)}`);
    },
  },
  {
    noun: 'group',
    verb: 'list',
    synopsis: '',
    summary: '',
    options: {},
    positionals: { min: 0, max: 0 },
    async run(ctx) {
      const groups = await ctx.services().listGroups();
      ctx.show({ groups }, () =>
        tableOrNone(['GROUP', 'MEMBERS'], groups.map((g) => [g.name, listOrDash(g.members)]), 'no groups'),
      );
    },
  },
];
