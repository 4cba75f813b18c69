/** /api/v1/mailserver/*: server-wide settings (superadmin). */
import { getDnsblZones, MAX_MESSAGE_SIZE_LIMIT, MIN_MESSAGE_SIZE, searchEvents, setDnsblZones } from '../../services';
import { changeSpamSettings, getSpamSettings } from '../../spam/spam-services';
import { checkRulesText, parseAclList } from '../../spam/spam-settings';
import { EVENT_TYPES } from '../../store';
import { arrayOf, int, obj, str, type Route } from '../route';

const event = obj(
  {
    id: int(), time: str(), type: str({ enum: [...EVENT_TYPES] }), source: str(), actor: { type: ['string', 'null'] },
    remote: { type: ['string', 'null'] }, message: str(), details: { type: 'object' },
  },
  ['id', 'time', 'type', 'source', 'actor', 'remote', 'message', 'details'],
);

const dnsbl = obj({ zones: arrayOf(str({ minLength: 1, maxLength: 253 }), { minItems: 1, maxItems: 50 }) }, ['zones']);
const aclList = arrayOf(str({ minLength: 1, maxLength: 320 }), { maxItems: 1000 });
const spamAcl = obj({ blocklist: aclList, allowlist: aclList }, ['blocklist', 'allowlist']);
const spamConfig = obj({ config: str({ maxLength: 256 * 1024 }) }, ['config']);

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
    method: 'get', path: '/api/v1/mailserver/dnsbl_config', tag: 'mail server', role: 'superadmin',
    summary: 'The DNSBL zones every connecting client is looked up in (default zen.spamhaus.org)',
    response: dnsbl,
    handle: async (_in, { services }) => ({ zones: await getDnsblZones(services) }),
  },
  {
    method: 'post', path: '/api/v1/mailserver/dnsbl_config', tag: 'mail server', role: 'superadmin',
    summary: 'Set the DNSBL zones; Haraka rereads them without a restart',
    body: dnsbl, response: dnsbl,
    handle: async (input, { services }) => ({ zones: await setDnsblZones(services, (input.body as { zones: string[] }).zones.join(',')) }),
  },
  {
    method: 'get', path: '/api/v1/mailserver/spam_acl', tag: 'mail server', role: 'superadmin',
    summary: 'Server-wide sender block and allow lists (addresses or domains, * and ? globs)',
    response: spamAcl,
    handle: async (_in, { services }) => {
      const { acl } = await getSpamSettings(services);
      return { blocklist: acl.block, allowlist: acl.allow };
    },
  },
  {
    method: 'post', path: '/api/v1/mailserver/spam_acl', tag: 'mail server', role: 'superadmin',
    summary: 'Replace the block and allow lists: blocked senders land in Spam (USER_IN_BLACKLIST), allowed ones never do',
    body: spamAcl, response: spamAcl,
    async handle(input, { services }) {
      const body = input.body as { blocklist: string[]; allowlist: string[] };
      const next = await changeSpamSettings(services, (s) => ({
        ...s,
        acl: { block: parseAclList(body.blocklist.join(',')), allow: parseAclList(body.allowlist.join(',')) },
      }));
      return { blocklist: next.acl.block, allowlist: next.acl.allow };
    },
  },
  {
    method: 'get', path: '/api/v1/mailserver/spam_custom_config', tag: 'mail server', role: 'superadmin',
    summary: 'The custom SpamAssassin rules',
    response: spamConfig,
    handle: async (_in, { services }) => ({ config: (await getSpamSettings(services)).rules }),
  },
  {
    method: 'post', path: '/api/v1/mailserver/spam_custom_config', tag: 'mail server', role: 'superadmin',
    summary: 'Replace the custom SpamAssassin rules; linted first (422 with the linter\'s message, old rules kept), active at once',
    body: spamConfig, response: spamConfig,
    async handle(input, { services }) {
      const rules = (input.body as { config: string }).config;
      const next = await changeSpamSettings(services, (s) => ({ ...s, rules: checkRulesText(rules) }));
      return { config: next.rules };
    },
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
