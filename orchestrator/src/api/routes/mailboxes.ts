/**
 * /api/v1/mail/:domain/mailboxes — Cloudron's shape: a mailbox is `name` within the
 * path's domain, owned by `ownerId` of `ownerType`; aliases are `{name, domain}`.
 */
import { addAppMailbox, searchMailboxes, type MailboxView } from '../../services';
import { ADDRESS_PAIR, arrayOf, bool, int, obj, param, pathParams, str, type RouteInput, type Route } from '../route';
import type { ApiContext } from '../context';

const OWNER_TYPE = str({ enum: ['user', 'group', 'app'] });
const MAILBOX_NAME = str({ minLength: 1, maxLength: 200 });
const mailbox = obj(
  {
    name: str(), domain: str(), ownerId: str(), ownerType: OWNER_TYPE, active: bool(), enablePop3: bool(),
    aliases: arrayOf(ADDRESS_PAIR), creationTime: str(),
  },
  ['name', 'domain', 'ownerId', 'ownerType', 'active', 'enablePop3', 'aliases', 'creationTime'],
);
const endpoint = obj({ host: str(), port: int(), security: str({ enum: ['tls', 'starttls'] }) }, ['host', 'port', 'security']);
const credentials = obj(
  { username: str(), password: str(), generated: bool(), smtp: arrayOf(endpoint), imap: arrayOf(endpoint) },
  ['username', 'password', 'generated', 'smtp', 'imap'],
);

export function splitAddress(address: string): { name: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { name: address.slice(0, at), domain: address.slice(at + 1) };
}

export function mailboxView(m: MailboxView) {
  return {
    name: m.name, domain: m.domain, ownerId: m.owner, ownerType: m.ownerType, active: m.active, enablePop3: m.pop3,
    aliases: m.aliases.map(splitAddress), creationTime: m.createdAt,
  };
}

/** `name@domain` from the path. */
export function addressOf(input: RouteInput): string {
  return `${param(input, 'name')}@${param(input, 'domain')}`.toLowerCase();
}

interface NewMailboxBody {
  name: string;
  ownerId: string;
  ownerType: 'user' | 'group' | 'app';
  active?: boolean;
  enablePop3?: boolean;
  password?: string;
}

async function addMailbox(input: RouteInput, { services, settings }: ApiContext) {
  const b = input.body as NewMailboxBody;
  const base = {
    address: `${b.name}@${param(input, 'domain')}`, owner: b.ownerId,
    ...(b.active !== undefined ? { active: b.active } : {}), ...(b.enablePop3 !== undefined ? { pop3: b.enablePop3 } : {}),
    ...(b.password !== undefined ? { password: b.password } : {}),
  };
  if (b.ownerType === 'app') {
    const added = await addAppMailbox(services, base, settings);
    return { mailbox: mailboxView(added.mailbox), credentials: added.credentials };
  }
  return { mailbox: mailboxView(await services.addMailbox({ ...base, ownerType: b.ownerType })) };
}

const domainParam = pathParams('domain');
const mailboxParams = pathParams('domain', 'name');

export const mailboxRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/mail/:domain/mailboxes', tag: 'mailboxes', role: 'admin', summary: 'List a domain’s mailboxes (paged)',
    params: domainParam,
    query: obj({ page: int({ minimum: 1, default: 1 }), per_page: int({ minimum: 1, maximum: 1000, default: 25 }), search: str({ maxLength: 320 }) }),
    response: obj({ mailboxes: arrayOf(mailbox), total: int() }, ['mailboxes', 'total']),
    async handle(input, { services }) {
      const q = input.query as { page: number; per_page: number; search?: string };
      const page = await searchMailboxes(services, param(input, 'domain'), {
        page: q.page, perPage: q.per_page, ...(q.search !== undefined ? { search: q.search } : {}),
      });
      return { mailboxes: page.mailboxes.map(mailboxView), total: page.total };
    },
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/mailboxes', tag: 'mailboxes', role: 'admin', status: 201,
    summary: 'Add a mailbox; an app mailbox without `password` gets a generated one, returned once in `credentials`',
    params: domainParam,
    body: obj(
      { name: MAILBOX_NAME, ownerId: str({ minLength: 1, maxLength: 64 }), ownerType: OWNER_TYPE, active: bool(), enablePop3: bool(), password: str({ minLength: 1, maxLength: 1024 }) },
      ['name', 'ownerId', 'ownerType'],
    ),
    response: obj({ mailbox, credentials }, ['mailbox']),
    handle: addMailbox,
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/mailboxes/:name', tag: 'mailboxes', role: 'admin', summary: 'One mailbox',
    params: mailboxParams, response: mailbox,
    handle: async (input, { services }) => mailboxView(await services.getMailbox(addressOf(input))),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/mailboxes/:name', tag: 'mailboxes', role: 'admin', summary: 'Update a mailbox (active, POP3)',
    params: mailboxParams, body: obj({ active: bool(), enablePop3: bool() }), response: mailbox,
    async handle(input, { services }) {
      const b = input.body as { active?: boolean; enablePop3?: boolean };
      const { address } = await services.getMailbox(addressOf(input));
      if (b.active !== undefined) await services.setMailboxActive(address, b.active);
      if (b.enablePop3 !== undefined) await services.setMailboxPop3(address, b.enablePop3);
      return mailboxView(await services.getMailbox(address));
    },
  },
  {
    method: 'delete', path: '/api/v1/mail/:domain/mailboxes/:name', tag: 'mailboxes', role: 'admin',
    summary: 'Remove a mailbox; its mail moves to the archive unless `deleteMails`',
    params: mailboxParams, body: obj({ deleteMails: bool() }),
    response: obj({ deleteMails: bool(), archived: bool() }, ['deleteMails', 'archived']),
    async handle(input, { services }) {
      const deleteMails = (input.body as { deleteMails?: boolean }).deleteMails ?? false;
      const { archivedTo } = await services.removeMailbox(addressOf(input), { deleteMails });
      return { deleteMails, archived: archivedTo !== undefined };
    },
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/mailboxes/:name/aliases', tag: 'mailboxes', role: 'admin', summary: 'A mailbox’s aliases',
    params: mailboxParams, response: obj({ aliases: arrayOf(ADDRESS_PAIR) }, ['aliases']),
    handle: async (input, { services }) => ({ aliases: (await services.getMailbox(addressOf(input))).aliases.map(splitAddress) }),
  },
  {
    method: 'put', path: '/api/v1/mail/:domain/mailboxes/:name/aliases', tag: 'mailboxes', role: 'admin', summary: 'Replace a mailbox’s aliases (any of our domains)',
    params: mailboxParams, body: obj({ aliases: arrayOf(ADDRESS_PAIR, { maxItems: 1000 }) }, ['aliases']),
    response: obj({ aliases: arrayOf(ADDRESS_PAIR) }, ['aliases']),
    async handle(input, { services }) {
      const aliases = (input.body as { aliases: { name: string; domain: string }[] }).aliases.map((a) => `${a.name}@${a.domain}`);
      return { aliases: (await services.setAliases(addressOf(input), aliases)).map(splitAddress) };
    },
  },
];
