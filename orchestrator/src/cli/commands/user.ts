/** mailctl user add|passwd|rm|list and group add|set|rm|list */
import { addUserWithProfile, setUserProfile } from '../../services';
import { commaList, optionalString, requiredString, type OptionSpecs, type OptionValues } from '../args';
import { UsageError } from '../failure';
import { listOrDash, tableOrNone } from '../output';
import { arg, type Command } from './types';

const one = { min: 1, max: 1 };
const passwordOptions: OptionSpecs = { password: { type: 'string' }, 'password-stdin': { type: 'boolean' } };
const profileOptions: OptionSpecs = { email: { type: 'string' }, 'display-name': { type: 'string' } };

/** `--email ''` clears the field; an absent option leaves it. */
function profileOf(values: OptionValues): { email?: string | null; displayName?: string | null } {
  const email = optionalString(values, 'email');
  const displayName = optionalString(values, 'display-name');
  return {
    ...(email !== undefined ? { email: email === '' ? null : email } : {}),
    ...(displayName !== undefined ? { displayName: displayName === '' ? null : displayName } : {}),
  };
}

export const userCommands: Command[] = [
  {
    noun: 'user',
    verb: 'add',
    synopsis: 'NAME --password P | --password-stdin [--email E] [--display-name N]',
    summary: '',
    options: { ...passwordOptions, ...profileOptions },
    positionals: one,
    async run(ctx, args) {
      const password = (await ctx.password(args.values, true)) ?? '';
      await addUserWithProfile(ctx.services(), { username: arg(args, 0), password, ...profileOf(args.values) });
      await ctx.done(`added user ${arg(args, 0)}`);
    },
  },
  {
    noun: 'user',
    verb: 'set',
    synopsis: 'NAME [--email E] [--display-name N]',
    summary: "contact details ('' clears one)",
    options: profileOptions,
    positionals: one,
    async run(ctx, args) {
      const patch = profileOf(args.values);
      if (Object.keys(patch).length === 0) throw new UsageError('give --email and/or --display-name');
      const profile = await setUserProfile(ctx.services(), arg(args, 0), patch);
      await ctx.done(`updated user ${arg(args, 0)}`, { profile });
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
