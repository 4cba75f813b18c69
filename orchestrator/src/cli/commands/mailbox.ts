/** mailctl mailbox add|disable|enable|set|rm|list|show */
import { OWNER_TYPES } from '@mail/core';
import { loadSettings } from '../../config/settings';
import { addAppMailbox, type AppCredentials, type AppEndpoint, type MailboxView } from '../../services';
import type { CommandContext } from '../context';
import { choice, flag, onOff, optionalString, requiredString } from '../args';
import { formatFields, listOrDash, tableOrNone, yesNo } from '../output';
import { arg, type Command } from './types';

const one = { min: 1, max: 1 };

function setActive(verb: 'enable' | 'disable'): Command {
  return {
    noun: 'mailbox',
    verb,
    synopsis: 'ADDR',
    summary: verb === 'disable' ? 'refuse its mail (550) and its logins' : '',
    options: {},
    positionals: one,
    async run(ctx, args) {
      await ctx.services().setMailboxActive(arg(args, 0), verb === 'enable');
      await ctx.done(`${verb}d mailbox ${arg(args, 0)}`);
    },
  };
}

export const mailboxCommands: Command[] = [
  {
    noun: 'mailbox',
    verb: 'add',
    synopsis: 'ADDR --owner NAME [--owner-type user|group|app] [--password P | --password-stdin]',
    summary: 'a password only for app mailboxes (generated and printed once when omitted)',
    options: {
      owner: { type: 'string' },
      'owner-type': { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    positionals: one,
    async run(ctx, args) {
      const owner = requiredString(args.values, 'owner', 'NAME');
      const ownerType = choice(optionalString(args.values, 'owner-type') ?? 'user', 'owner-type', OWNER_TYPES);
      const password = await ctx.password(args.values, false);
      const input = { address: arg(args, 0), owner, ...(password !== undefined ? { password } : {}) };
      if (ownerType === 'app') return addApp(ctx, input);
      const mailbox = await ctx.services().addMailbox({ ...input, ownerType });
      await ctx.done(`added mailbox ${mailbox.address} (owner: ${ownerType} ${owner})`, { mailbox });
    },
  },
  setActive('disable'),
  setActive('enable'),
  {
    noun: 'mailbox',
    verb: 'set',
    synopsis: 'ADDR --pop3 on|off',
    summary: '',
    options: { pop3: { type: 'string' } },
    positionals: one,
    async run(ctx, args) {
      const pop3 = onOff(args.values, 'pop3');
      await ctx.services().setMailboxPop3(arg(args, 0), pop3);
      await ctx.done(`POP3 ${pop3 ? 'on' : 'off'} for ${arg(args, 0)}`, { pop3 });
    },
  },
  {
    noun: 'mailbox',
    verb: 'rm',
    synopsis: 'ADDR [--delete-mails]',
    summary: 'the mail stays on disk unless --delete-mails',
    options: { 'delete-mails': { type: 'boolean' } },
    positionals: one,
    async run(ctx, args) {
      const deleteMails = flag(args.values, 'delete-mails');
      const services = ctx.services();
      const { address } = await services.getMailbox(arg(args, 0));
      const { archivedTo } = await services.removeMailbox(address, { deleteMails });
      const fate = deleteMails ? 'and deleted its mail' : archivedTo ? `(its mail is kept in ${archivedTo})` : '(it had no mail)';
      await ctx.done(`removed mailbox ${address} ${fate}`, { mailDeleted: deleteMails, archivedTo: archivedTo ?? null });
    },
  },
  {
    noun: 'mailbox',
    verb: 'list',
    synopsis: '[DOMAIN]',
    summary: '',
    options: {},
    positionals: { min: 0, max: 1 },
    async run(ctx, args) {
      const mailboxes = await ctx.services().listMailboxes(args.positionals[0]);
      ctx.show({ mailboxes }, () =>
        tableOrNone(['ADDRESS', 'OWNER', 'ACTIVE', 'POP3', 'ALIASES'], mailboxes.map(mailboxRow), 'no mailboxes'),
      );
    },
  },
  {
    noun: 'mailbox',
    verb: 'show',
    synopsis: 'ADDR',
    summary: '',
    options: {},
    positionals: one,
    async run(ctx, args) {
      const mailbox = await ctx.services().getMailbox(arg(args, 0));
      ctx.show({ mailbox }, () => mailboxFields(mailbox));
    },
  },
];

function mailboxRow(m: MailboxView): string[] {
  return [m.address, `${m.ownerType} ${m.owner}`, yesNo(m.active), yesNo(m.pop3), listOrDash(m.aliases)];
}

function mailboxFields(m: MailboxView): string[] {
  return formatFields([
    ['address', m.address],
    ['owner', `${m.ownerType} ${m.owner}`],
    ['active', yesNo(m.active)],
    ['pop3', yesNo(m.pop3)],
    ['aliases', listOrDash(m.aliases)],
    ['created', m.createdAt],
  ]);
}

/** App mailboxes print their login details once: a generated password is not kept anywhere else. */
async function addApp(ctx: CommandContext, input: { address: string; owner: string; password?: string }): Promise<void> {
  const settings = loadSettings(ctx.paths.root, ctx.io.env);
  const { mailbox, credentials } = await addAppMailbox(ctx.services(), input, settings);
  const message = `added mailbox ${mailbox.address} (owner: app ${input.owner})`;
  ctx.show({ ok: true, message, mailbox, credentials }, () => [message, ...credentialLines(credentials)]);
}

function endpointList(endpoints: AppEndpoint[]): string {
  return endpoints.map((e) => `${e.host}:${e.port} (${e.security === 'tls' ? 'TLS' : 'STARTTLS'})`).join(', ');
}

function credentialLines(c: AppCredentials): string[] {
  return [
    ...formatFields([
      ['username', c.username],
      ['password', c.password],
      ['smtp', endpointList(c.smtp)],
      ['imap', endpointList(c.imap)],
    ]),
    ...(c.generated ? ['The password was generated and is shown only now: store it in the app.'] : []),
  ];
}
