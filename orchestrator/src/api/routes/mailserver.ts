/** /api/v1/mailserver/*: server-wide settings (superadmin). */
import { MAX_MESSAGE_SIZE_LIMIT, MIN_MESSAGE_SIZE } from '../../services';
import { int, obj, type Route } from '../route';

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
];
