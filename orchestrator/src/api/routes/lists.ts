/** /api/v1/mail/:domain/lists — mailing lists: `members` (addresses), `membersOnly`, `active`. */
import type { ListRow } from '../../store';
import { arrayOf, bool, obj, param, pathParams, str, type RouteInput, type Route } from '../route';

const MEMBERS = arrayOf(str({ minLength: 3, maxLength: 320 }), { maxItems: 1000 });
const list = obj(
  { name: str(), domain: str(), members: arrayOf(str()), membersOnly: bool(), active: bool() },
  ['name', 'domain', 'members', 'membersOnly', 'active'],
);
const view = (l: ListRow) => ({ name: l.name, domain: l.domain, members: l.members, membersOnly: l.membersOnly, active: l.active });
const addressOf = (input: RouteInput): string => `${param(input, 'name')}@${param(input, 'domain')}`.toLowerCase();

export const listRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/mail/:domain/lists', tag: 'lists', role: 'admin', summary: 'A domain’s mailing lists',
    params: pathParams('domain'), response: obj({ lists: arrayOf(list) }, ['lists']),
    handle: async (input, { services }) => ({ lists: (await services.lists.list(param(input, 'domain'))).map(view) }),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/lists', tag: 'lists', role: 'admin', summary: 'Add a mailing list', status: 201,
    params: pathParams('domain'),
    body: obj({ name: str({ minLength: 1, maxLength: 200 }), members: MEMBERS, membersOnly: bool(), active: bool() }, ['name', 'members']),
    response: list,
    async handle(input, { services }) {
      const b = input.body as { name: string; members: string[]; membersOnly?: boolean; active?: boolean };
      const added = await services.lists.add({ address: `${b.name}@${param(input, 'domain')}`, members: b.members, membersOnly: b.membersOnly ?? false });
      return view(b.active === false ? await services.lists.update(added.address, { active: false }) : added);
    },
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/lists/:name', tag: 'lists', role: 'admin', summary: 'One mailing list',
    params: pathParams('domain', 'name'), response: list,
    handle: async (input, { services }) => view(await services.lists.get(addressOf(input))),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/lists/:name', tag: 'lists', role: 'admin', summary: 'Update a mailing list (members replace the old ones)',
    params: pathParams('domain', 'name'), body: obj({ members: MEMBERS, membersOnly: bool(), active: bool() }), response: list,
    handle: async (input, { services }) =>
      view(await services.lists.update(addressOf(input), input.body as { members?: string[]; membersOnly?: boolean; active?: boolean })),
  },
  {
    method: 'delete', path: '/api/v1/mail/:domain/lists/:name', tag: 'lists', role: 'admin', summary: 'Remove a mailing list', status: 204,
    params: pathParams('domain', 'name'),
    handle: async (input, { services }) => services.lists.remove(addressOf(input)),
  },
];
