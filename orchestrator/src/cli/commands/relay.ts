/**
 * mailctl relay set|show — how a domain's outbound mail leaves:
 *   relay set DOMAIN --provider direct|noop|smtp|smtp-noauth|ses|mailgun|postmark|sendgrid|google
 *         [--host H] [--port N] [--username U] [--password P | --password-stdin] [--accept-self-signed]
 *   relay show DOMAIN
 */
import { RELAY_PROVIDERS, type Relay, type RelayInput } from '@mail/core';
import { loadSettings } from '../../config/settings';
import { getRelay, nodemailerVerifier, setRelay } from '../../services';
import { flag, optionalString, type OptionValues } from '../args';
import type { CommandContext } from '../context';
import { UsageError } from '../failure';
import { formatFields, yesNo } from '../output';
import { arg, type Command } from './types';

function portOption(values: OptionValues): number | undefined {
  const raw = optionalString(values, 'port');
  if (raw === undefined) return undefined;
  if (!/^\d{1,5}$/.test(raw)) throw new UsageError(`--port must be a number, not '${raw}'`);
  return Number(raw);
}

async function relayInput(ctx: CommandContext, values: OptionValues): Promise<RelayInput> {
  const provider = optionalString(values, 'provider');
  if (provider === undefined) throw new UsageError(`--provider is required (${RELAY_PROVIDERS.join('|')})`);
  const host = optionalString(values, 'host');
  const port = portOption(values);
  const username = optionalString(values, 'username');
  const password = await ctx.password(values, false);
  return {
    provider,
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(flag(values, 'accept-self-signed') ? { acceptSelfSigned: true } : {}),
  };
}

function describe(domain: string, relay: Relay): string[] {
  const fields: [string, string][] = [
    ['domain', domain],
    ['provider', relay.provider],
  ];
  if ('host' in relay) {
    fields.push(['server', `${relay.host}:${relay.port}`], ['accept self-signed', yesNo(relay.acceptSelfSigned)]);
  }
  if ('username' in relay) fields.push(['username', relay.username], ['password', relay.password]);
  return formatFields(fields);
}

export const relayCommands: Command[] = [
  {
    noun: 'relay',
    verb: 'set',
    synopsis:
      `DOMAIN --provider ${RELAY_PROVIDERS.join('|')} [--host H] [--port N] [--username U] ` +
      '[--password P | --password-stdin] [--accept-self-signed]',
    summary: 'a smarthost is verified (STARTTLS + AUTH) before it is stored',
    options: {
      provider: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'accept-self-signed': { type: 'boolean' },
    },
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const domain = arg(args, 0).toLowerCase();
      // The relay's name is resolved the way Haraka will: through the stack's resolvers.
      const { dnsServers } = loadSettings(ctx.paths.root, ctx.io.env);
      const relay = await setRelay(ctx.services(), domain, await relayInput(ctx, args.values), nodemailerVerifier(dnsServers));
      const where = 'host' in relay ? ` via ${relay.host}:${relay.port}` : '';
      await ctx.done(`relay for ${domain}: ${relay.provider}${where}`, { relay });
    },
  },
  {
    noun: 'relay',
    verb: 'show',
    synopsis: 'DOMAIN',
    summary: 'the password is never shown',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const domain = arg(args, 0).toLowerCase();
      const relay = await getRelay(ctx.services(), domain);
      ctx.show({ domain, relay }, () => describe(domain, relay));
    },
  },
];
