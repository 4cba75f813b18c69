/** mailctl token show|add|rm|list — REST API bearer tokens. */
import { API_ROLES, readTokenFile, TokenServices, type TokenView } from '../../services';
import type { ApiRole } from '../../store';
import { choice, optionalString } from '../args';
import type { CommandContext } from '../context';
import { CliError } from '../failure';
import { tableOrNone } from '../output';
import { arg, type Command } from './types';

const tokens = (ctx: CommandContext): TokenServices => new TokenServices(ctx.services().store);

export const tokenCommands: Command[] = [
  {
    noun: 'token',
    verb: 'show',
    synopsis: '',
    summary: 'the first (superadmin) token, made at first start',
    options: {},
    positionals: { min: 0, max: 0 },
    async run(ctx) {
      const token = readTokenFile(ctx.paths.apiToken);
      if (token === undefined) throw new CliError(`no API token yet in ${ctx.paths.apiToken}: start the server once (npm start)`);
      ctx.show({ token }, () => [token]);
    },
  },
  {
    noun: 'token',
    verb: 'add',
    synopsis: 'NAME [--role admin|superadmin]',
    summary: 'prints the new token once (default role: admin)',
    options: { role: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const role: ApiRole = choice(optionalString(args.values, 'role') ?? 'admin', 'role', API_ROLES);
      const { token, info } = await tokens(ctx).add(arg(args, 0), role);
      ctx.show({ ok: true, token, ...info }, () => [token, `(token ${info.id}, ${info.role}: shown only now)`]);
    },
  },
  {
    noun: 'token',
    verb: 'rm',
    synopsis: 'ID|NAME',
    summary: 'revokes it at once',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      await tokens(ctx).remove(arg(args, 0));
      await ctx.done(`removed token ${arg(args, 0)}`);
    },
  },
  {
    noun: 'token',
    verb: 'list',
    synopsis: '',
    summary: '',
    options: {},
    positionals: { min: 0, max: 0 },
    async run(ctx) {
      const list = await tokens(ctx).list();
      ctx.show({ tokens: list }, () =>
        tableOrNone(['ID', 'NAME', 'ROLE', 'CREATED'], list.map((t: TokenView) => [t.id, t.name, t.role, t.createdAt]), 'no tokens'),
      );
    },
  },
];
