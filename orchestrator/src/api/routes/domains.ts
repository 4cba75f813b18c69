/** /api/v1/domains: the mail domains this server receives and sends for. */
import { addMailDomain } from '../../services';
import { notFound } from '../../services/errors';
import { arrayOf, bool, DOMAIN_NAME, obj, param, pathParams, str, type Route } from '../route';

// `incoming`: whether the domain receives mail (POST /api/v1/mail/:domain/enable switches it).
const domain = obj({ domain: str(), incoming: bool(), creationTime: str() }, ['domain', 'incoming', 'creationTime']);

export const domainRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/domains', tag: 'domains', role: 'admin', summary: 'List domains',
    response: obj({ domains: arrayOf(domain) }, ['domains']),
    handle: async (_in, { services }) => ({
      domains: (await services.listDomains()).map((d) => ({ domain: d.name, incoming: d.incoming, creationTime: d.createdAt })),
    }),
  },
  {
    method: 'post', path: '/api/v1/domains', tag: 'domains', role: 'admin', summary: 'Add a domain (with its DKIM key)', status: 201,
    body: obj({ domain: DOMAIN_NAME }, ['domain']),
    response: obj({ domain: str() }, ['domain']),
    async handle({ body }, { services }) {
      return { domain: await addMailDomain(services, (body as { domain: string }).domain) };
    },
  },
  {
    method: 'get', path: '/api/v1/domains/:domain', tag: 'domains', role: 'admin', summary: 'One domain',
    params: pathParams('domain'), response: domain,
    async handle(input, { services }) {
      const name = param(input, 'domain').toLowerCase();
      const found = (await services.listDomains()).find((d) => d.name === name);
      if (!found) throw notFound(`domain ${name} does not exist`);
      return { domain: found.name, incoming: found.incoming, creationTime: found.createdAt };
    },
  },
  {
    method: 'delete', path: '/api/v1/domains/:domain', tag: 'domains', role: 'admin', summary: 'Remove a domain (only once it has no mailbox, alias or list)', status: 204,
    params: pathParams('domain'),
    handle: async (input, { services }) => services.removeDomain(param(input, 'domain')),
  },
];
