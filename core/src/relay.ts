/**
 * Per-domain outbound relay: how mail sent from one of our domains leaves the server.
 * Shared by the orchestrator (which validates, verifies and stores it) and the
 * Haraka plugin (which routes by it), so both read the same JSON the same way.
 *
 * - direct: the recipient domain's MX from DNS (RFC 5321 §5.1) — the default.
 * - noop: nothing leaves; remote recipients' copies are dropped (local delivery stays).
 * - smtp: a smarthost with AUTH (RFC 4954), only ever over STARTTLS (RFC 3207), since
 *   the password must not cross the network in clear (RFC 8314 §3).
 * - smtp-noauth: a smarthost that trusts our IP address.
 * - presets: smtp with the provider's host and port filled in (submission, port 587).
 */
export const RELAY_PRESETS = {
  ses: { host: 'email-smtp.us-east-1.amazonaws.com', port: 587 },
  mailgun: { host: 'smtp.mailgun.org', port: 587 },
  postmark: { host: 'smtp.postmarkapp.com', port: 587 },
  sendgrid: { host: 'smtp.sendgrid.net', port: 587 },
  google: { host: 'smtp.gmail.com', port: 587 },
} as const;

export type RelayPreset = keyof typeof RELAY_PRESETS;
export const RELAY_PROVIDERS = ['direct', 'noop', 'smtp', 'smtp-noauth', ...(Object.keys(RELAY_PRESETS) as RelayPreset[])] as const;
export type RelayProvider = (typeof RELAY_PROVIDERS)[number];

export type Relay =
  | { provider: 'direct' | 'noop' }
  | { provider: 'smtp-noauth'; host: string; port: number; acceptSelfSigned: boolean }
  | { provider: 'smtp' | RelayPreset; host: string; port: number; username: string; password: string; acceptSelfSigned: boolean };

export type SmarthostRelay = Exclude<Relay, { provider: 'direct' | 'noop' }>;

/** What an operator may give; `resolveRelay` checks it and fills preset defaults. */
export interface RelayInput {
  provider: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  acceptSelfSigned?: boolean;
}

export const MASKED_PASSWORD = '********';

const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9a-fA-F:.]+\]?$/;

export class RelayError extends Error {
  override name = 'RelayError';
}

function isProvider(value: string): value is RelayProvider {
  return (RELAY_PROVIDERS as readonly string[]).includes(value);
}

function checkHostPort(host: string | undefined, port: number | undefined): { host: string; port: number } {
  if (host === undefined || !HOST.test(host)) throw new RelayError(`relay host '${host ?? ''}' is not a host name or IP address`);
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) throw new RelayError(`relay port '${String(port)}' must be 1-65535`);
  return { host: host.toLowerCase(), port };
}

/** Checks the input for its provider and fills a preset's host and port (both overridable). */
export function resolveRelay(input: RelayInput): Relay {
  const { provider } = input;
  if (!isProvider(provider)) throw new RelayError(`unknown relay provider '${provider}' (one of ${RELAY_PROVIDERS.join(', ')})`);
  if (provider === 'direct' || provider === 'noop') {
    if (input.host !== undefined || input.username !== undefined || input.password !== undefined) {
      throw new RelayError(`the ${provider} provider takes no host or credentials`);
    }
    return { provider };
  }
  const preset = provider in RELAY_PRESETS ? RELAY_PRESETS[provider as RelayPreset] : undefined;
  const target = checkHostPort(input.host ?? preset?.host, input.port ?? preset?.port);
  const acceptSelfSigned = input.acceptSelfSigned ?? false;
  if (provider === 'smtp-noauth') {
    if (input.username !== undefined || input.password !== undefined) throw new RelayError('smtp-noauth takes no username or password');
    return { provider, ...target, acceptSelfSigned };
  }
  if (!input.username || !input.password) throw new RelayError(`the ${provider} relay needs a username and a password`);
  return { provider, ...target, username: input.username, password: input.password, acceptSelfSigned };
}

/** The stored JSON (null = direct) read back; a broken value is an error, never "direct". */
export function parseRelay(json: string | null | undefined): Relay {
  if (json === null || json === undefined || json === '') return { provider: 'direct' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new RelayError('stored relay is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new RelayError('stored relay is not an object');
  return resolveRelay(value as RelayInput);
}

/** The relay as it may be shown: the password replaced. */
export function maskRelay(relay: Relay): Relay {
  return 'password' in relay ? { ...relay, password: MASKED_PASSWORD } : relay;
}

export function isSmarthost(relay: Relay): relay is SmarthostRelay {
  return relay.provider !== 'direct' && relay.provider !== 'noop';
}
