/** Per-domain settings: enable (incoming mail), catch_all, mail_from_validation (masquerading), relay, banner (signature). */
import { MASKED_PASSWORD, RELAY_PROVIDERS, type RelayInput } from '@mail/core';
import { getDomainSettings, getRelay, setDomainSignature, setRelay } from '../../services';
import { arrayOf, bool, int, obj, param, pathParams, str, type Route } from '../route';

const domainParam = pathParams('domain');
const ADDRESS = str({ minLength: 3, maxLength: 320 });
const catchAll = obj({ addresses: arrayOf(ADDRESS, { maxItems: 100 }) }, ['addresses']);
const validation = obj({ enabled: bool() }, ['enabled']);
const NULLABLE_TEXT = { type: ['string', 'null'], maxLength: 8192 };
const banner = obj({ text: NULLABLE_TEXT, html: NULLABLE_TEXT }, ['text', 'html']);
const relayIn = obj(
  {
    provider: str({ enum: [...RELAY_PROVIDERS] }), host: str({ minLength: 1, maxLength: 255 }), port: int({ minimum: 1, maximum: 65535 }),
    username: str({ minLength: 1, maxLength: 512 }), password: str({ minLength: 1, maxLength: 1024 }), acceptSelfSigned: bool(),
  },
  ['provider'],
);
const relayOut = obj(
  {
    provider: str({ enum: [...RELAY_PROVIDERS] }), host: str(), port: int(), username: str(),
    password: str({ enum: [MASKED_PASSWORD] }), acceptSelfSigned: bool(),
  },
  ['provider'],
);

export const domainSettingRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/mail/:domain/enable', tag: 'domain settings', role: 'admin',
    summary: 'Whether the domain receives mail (false: send-only, RCPT TO its addresses gets 550 5.7.1)',
    params: domainParam, response: validation,
    handle: async (input, { services }) => ({ enabled: await services.getIncoming(param(input, 'domain')) }),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/enable', tag: 'domain settings', role: 'admin', summary: 'Turn incoming mail on or off (live)',
    params: domainParam, body: validation, response: validation,
    async handle(input, { services }) {
      const { enabled } = input.body as { enabled: boolean };
      await services.setIncoming(param(input, 'domain'), enabled);
      return { enabled };
    },
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/catch_all', tag: 'domain settings', role: 'admin', summary: 'Mailboxes that take mail for unknown addresses',
    params: domainParam, response: catchAll,
    handle: async (input, { services }) => ({ addresses: await services.getCatchAll(param(input, 'domain')) }),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/catch_all', tag: 'domain settings', role: 'admin', summary: 'Set the catch-all (empty: unknown addresses bounce)',
    params: domainParam, body: catchAll, response: catchAll,
    handle: async (input, { services }) => ({
      addresses: await services.setCatchAll(param(input, 'domain'), (input.body as { addresses: string[] }).addresses),
    }),
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/mail_from_validation', tag: 'domain settings', role: 'admin',
    summary: 'Whether MAIL FROM must match the authenticated mailbox (false: masquerading allowed)',
    params: domainParam, response: validation,
    handle: async (input, { services }) => ({ enabled: !(await getDomainSettings(services, param(input, 'domain'))).masquerade }),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/mail_from_validation', tag: 'domain settings', role: 'admin', summary: 'Turn MAIL FROM validation on or off',
    params: domainParam, body: validation, response: validation,
    async handle(input, { services }) {
      const { enabled } = input.body as { enabled: boolean };
      await services.setMasquerade(param(input, 'domain'), !enabled);
      return { enabled };
    },
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/relay', tag: 'domain settings', role: 'admin', summary: 'The domain’s outbound relay (password masked)',
    params: domainParam, response: relayOut,
    handle: async (input, { services }) => getRelay(services, param(input, 'domain')),
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/relay', tag: 'domain settings', role: 'admin',
    summary: 'Set the relay; a smarthost is verified (STARTTLS + AUTH) first and refused with its answer (422) if it fails',
    params: domainParam, body: relayIn, response: relayOut,
    handle: async (input, { services, verifyRelay }) =>
      verifyRelay
        ? setRelay(services, param(input, 'domain'), input.body as RelayInput, verifyRelay)
        : setRelay(services, param(input, 'domain'), input.body as RelayInput),
  },
  {
    method: 'get', path: '/api/v1/mail/:domain/banner', tag: 'domain settings', role: 'admin', summary: 'The signature appended to submitted mail',
    params: domainParam, response: banner,
    handle: async (input, { services }) => (await getDomainSettings(services, param(input, 'domain'))).signature,
  },
  {
    method: 'post', path: '/api/v1/mail/:domain/banner', tag: 'domain settings', role: 'admin', summary: 'Set the signature (null or empty: none)',
    params: domainParam, body: banner, response: banner,
    handle: async (input, { services }) => setDomainSignature(services, param(input, 'domain'), input.body as { text: string | null; html: string | null }),
  },
];
