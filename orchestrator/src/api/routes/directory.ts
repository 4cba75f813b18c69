/** /api/v1/users and /api/v1/groups (Cloudron's shapes: ids are the user and group names). */
import { addUserWithProfile, setUserProfile, type MailServices } from '../../services';
import { notFound } from '../../services/errors';
import { arrayOf, obj, param, pathParams, str, type Route } from '../route';

const USERNAME = str({ minLength: 1, maxLength: 64 });
const PASSWORD = str({ minLength: 1, maxLength: 1024 });
const NULLABLE = (maxLength: number) => ({ type: ['string', 'null'], maxLength });
const PROFILE = { email: NULLABLE(320), displayName: NULLABLE(200) };
const user = obj(
  { id: str(), username: str(), email: NULLABLE(320), displayName: NULLABLE(200), groupIds: arrayOf(str()), creationTime: str() },
  ['id', 'username', 'email', 'displayName', 'groupIds', 'creationTime'],
);
const group = obj({ id: str(), name: str(), userIds: arrayOf(str()) }, ['id', 'name', 'userIds']);
const idOnly = obj({ id: str() }, ['id']);

type UserList = Awaited<ReturnType<MailServices['listUsers']>>;
const userView = (u: UserList[number]) => ({
  id: u.username, username: u.username, email: u.email, displayName: u.displayName, groupIds: u.groups, creationTime: u.createdAt,
});

function findUser(users: UserList, id: string): ReturnType<typeof userView> {
  const found = users.find((u) => u.username === id);
  if (!found) throw notFound(`user ${id} does not exist`);
  return userView(found);
}

export const directoryRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/users', tag: 'users', role: 'admin', summary: 'List users',
    response: obj({ users: arrayOf(user) }, ['users']),
    handle: async (_in, { services }) => ({ users: (await services.listUsers()).map(userView) }),
  },
  {
    method: 'post', path: '/api/v1/users', tag: 'users', role: 'admin', summary: 'Add a user', status: 201,
    body: obj({ username: USERNAME, password: PASSWORD, ...PROFILE }, ['username', 'password']),
    response: idOnly,
    async handle({ body }, { services }) {
      const input = body as { username: string; password: string; email?: string | null; displayName?: string | null };
      await addUserWithProfile(services, input);
      return { id: input.username };
    },
  },
  {
    method: 'post', path: '/api/v1/users/:id', tag: 'users', role: 'admin', summary: 'Update a user’s profile (null clears a field)',
    params: pathParams('id'), body: obj(PROFILE), response: user,
    async handle(input, { services }) {
      await setUserProfile(services, param(input, 'id'), input.body as { email?: string | null; displayName?: string | null });
      return findUser(await services.listUsers(), param(input, 'id'));
    },
  },
  {
    method: 'get', path: '/api/v1/users/:id', tag: 'users', role: 'admin', summary: 'One user',
    params: pathParams('id'), response: user,
    handle: async (input, { services }) => findUser(await services.listUsers(), param(input, 'id')),
  },
  {
    method: 'post', path: '/api/v1/users/:id/password', tag: 'users', role: 'admin', summary: 'Set a user’s password', status: 204,
    params: pathParams('id'), body: obj({ password: PASSWORD }, ['password']),
    async handle(input, { services }) {
      await services.setUserPassword(param(input, 'id'), (input.body as { password: string }).password);
    },
  },
  {
    method: 'delete', path: '/api/v1/users/:id', tag: 'users', role: 'admin', summary: 'Remove a user (only once they own no mailbox)', status: 204,
    params: pathParams('id'),
    handle: async (input, { services }) => services.removeUser(param(input, 'id')),
  },
  {
    method: 'get', path: '/api/v1/groups', tag: 'groups', role: 'admin', summary: 'List groups',
    response: obj({ groups: arrayOf(group) }, ['groups']),
    handle: async (_in, { services }) => ({ groups: (await services.listGroups()).map((g) => ({ id: g.name, name: g.name, userIds: g.members })) }),
  },
  {
    method: 'post', path: '/api/v1/groups', tag: 'groups', role: 'admin', summary: 'Add a group', status: 201,
    body: obj({ name: USERNAME, userIds: arrayOf(USERNAME, { maxItems: 10000 }) }, ['name']),
    response: idOnly,
    async handle({ body }, { services }) {
      const { name, userIds } = body as { name: string; userIds?: string[] };
      await services.addGroup(name, userIds ?? []);
      return { id: name };
    },
  },
  {
    method: 'get', path: '/api/v1/groups/:id', tag: 'groups', role: 'admin', summary: 'One group',
    params: pathParams('id'), response: group,
    async handle(input, { services }) {
      const id = param(input, 'id');
      const found = (await services.listGroups()).find((g) => g.name === id);
      if (!found) throw notFound(`group ${id} does not exist`);
      return { id: found.name, name: found.name, userIds: found.members };
    },
  },
  {
    method: 'put', path: '/api/v1/groups/:id/members', tag: 'groups', role: 'admin', summary: 'Replace a group’s members', status: 204,
    params: pathParams('id'), body: obj({ userIds: arrayOf(USERNAME, { maxItems: 10000 }) }, ['userIds']),
    handle: async (input, { services }) => services.setGroupMembers(param(input, 'id'), (input.body as { userIds: string[] }).userIds),
  },
  {
    method: 'delete', path: '/api/v1/groups/:id', tag: 'groups', role: 'admin', summary: 'Remove a group (only once it owns no mailbox)', status: 204,
    params: pathParams('id'),
    handle: async (input, { services }) => services.removeGroup(param(input, 'id')),
  },
];
