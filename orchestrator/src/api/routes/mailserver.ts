/** /api/v1/mailserver/*: server-wide settings (superadmin). */
import { MAX_MESSAGE_SIZE_LIMIT, MIN_MESSAGE_SIZE, searchEvents } from '../../services';
import { EVENT_TYPES } from '../../store';
import { arrayOf, int, obj, str, type Route } from '../route';

const event = obj(
  {
    id: int(), time: str(), type: str({ enum: [...EVENT_TYPES] }), source: str(), actor: { type: ['string', 'null'] },
    remote: { type: ['string', 'null'] }, message: str(), details: { type: 'object' },
  },
  ['id', 'time', 'type', 'source', 'actor', 'remote', 'message', 'details'],
);

const size = obj({ size: int({ minimum: MIN_MESSAGE_SIZE, maximum: MAX_MESSAGE_SIZE_LIMIT }) }, ['size']);

export const mailserverRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/mailserver/max_email_size', tag: 'mail server', role: 'superadmin', summary: 'The largest message accepted, in bytes',
    response: size,
    handle: async (_in, { serverSettings }) => ({ size: await serverSettings.getMaxMessageSize() }),
  },
  {
    method: 'post', path: '/api/v1/mailserver/max_email_size', tag: 'mail server', role: 'superadmin',
    summary: 'Set the largest message accepted; applies to the next SMTP transaction, no restart',
    body: size, response: size,
    handle: async (input, { serverSettings }) => ({ size: await serverSettings.setMaxMessageSize((input.body as { size: number }).size) }),
  },
  {
    method: 'get', path: '/api/v1/mailserver/eventlog', tag: 'mail server', role: 'superadmin',
    summary: 'The event log, newest first: deliveries, rejections, logins, administrative changes',
    query: obj({
      search: str({ maxLength: 200 }),
      types: str({ pattern: '^[a-z]+(,[a-z]+)*$', description: `comma-separated: ${EVENT_TYPES.join(', ')}` }),
      page: int({ minimum: 1, default: 1 }),
      per_page: int({ minimum: 1, maximum: 1000, default: 25 }),
    }),
    response: obj({ eventlogs: arrayOf(event), total: int() }, ['eventlogs', 'total']),
    async handle(input, { services }) {
      const q = input.query as { search?: string; types?: string; page: number; per_page: number };
      const found = await searchEvents(services.store, {
        page: q.page, perPage: q.per_page, ...(q.search ? { search: q.search } : {}), ...(q.types ? { types: q.types.split(',') } : {}),
      });
      return { eventlogs: found.events, total: found.total };
    },
  },
];
