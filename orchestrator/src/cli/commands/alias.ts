/** mailctl alias set|list and catchall set|show */
import { optionalString } from '../args';
import { listOrDash, tableOrNone } from '../output';
import { arg, type Command } from './types';

const ANY = Number.POSITIVE_INFINITY;

export const aliasCommands: Command[] = [
  {
    noun: 'alias',
    verb: 'set',
    synopsis: 'MAILBOX [ALIAS...]',
    summary: "replaces the mailbox's aliases; none: clears them",
    options: {},
    positionals: { min: 1, max: ANY },
    async run(ctx, args) {
      const aliases = await ctx.services().setAliases(arg(args, 0), args.positionals.slice(1));
      await ctx.done(`${arg(args, 0)} aliases: ${listOrDash(aliases)}`, { aliases });
    },
  },
  {
    noun: 'alias',
    verb: 'list',
    synopsis: '[--mailbox ADDR] [--domain DOMAIN]',
    summary: '',
    options: { mailbox: { type: 'string' }, domain: { type: 'string' } },
    positionals: { min: 0, max: 0 },
    async run(ctx, args) {
      const mailbox = optionalString(args.values, 'mailbox');
      const domain = optionalString(args.values, 'domain');
      const aliases = await ctx.services().listAliases({
        ...(mailbox !== undefined ? { mailbox } : {}),
        ...(domain !== undefined ? { domain } : {}),
      });
      ctx.show({ aliases }, () =>
        tableOrNone(['ALIAS', 'MAILBOX'], aliases.map((a) => [a.address, a.mailbox]), 'no aliases'),
      );
    },
  },
];

export const catchAllCommands: Command[] = [
  {
    noun: 'catchall',
    verb: 'set',
    synopsis: 'DOMAIN [MAILBOX...]',
    summary: 'unknown addresses go to these mailboxes; none: they bounce',
    options: {},
    positionals: { min: 1, max: ANY },
    async run(ctx, args) {
      const domain = arg(args, 0);
      const mailboxes = await ctx.services().setCatchAll(domain, args.positionals.slice(1));
      await ctx.done(describeCatchAll(domain, mailboxes), { domain, mailboxes });
    },
  },
  {
    noun: 'catchall',
    verb: 'show',
    synopsis: 'DOMAIN',
    summary: '',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const domain = arg(args, 0);
      const mailboxes = await ctx.services().getCatchAll(domain);
      ctx.show({ domain, mailboxes }, () => [describeCatchAll(domain, mailboxes)]);
    },
  },
];

function describeCatchAll(domain: string, mailboxes: readonly string[]): string {
  return mailboxes.length > 0
    ? `${domain}: unknown addresses go to ${mailboxes.join(', ')}`
    : `${domain}: no catch-all, unknown addresses bounce`;
}
