/**
 * Typed settings: defaults ← $MAIL_DATA_DIR/config.json ← environment.
 * Unknown keys and bad values are errors that name their path (STYLE 5).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';

export interface Ports {
  smtp: number;
  submission: number;
  submissions: number;
  imap: number;
  imaps: number;
  pop3s: number;
  managesieve: number;
  ldap: number;
  api: number;
  /** spamd, always on 127.0.0.1 (only Haraka talks to it). */
  spamd: number;
  /** The login limiter's HTTP endpoint in the LDAP bridge (always 127.0.0.1; README "Security"). */
  authPolicy: number;
}

/** Lowest TLS version every TLS port accepts (RFC 8996 deprecates 1.0 and 1.1). */
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/**
 * The one login limiter of every protocol (SMTP AUTH, IMAP, POP3, ManageSieve), kept by
 * the LDAP bridge; README "Security" explains each number.
 */
export interface AuthLimits {
  /** Failures are counted over this sliding window. */
  windowSeconds: number;
  /** After this many failures (from one IP, or against one account) every attempt waits delaySeconds. */
  delayAfter: number;
  delaySeconds: number;
  /** Failures from one IP before that IP is refused for lockSeconds. */
  ipLockAfter: number;
  /** Failures against one account (from any IP) before that account is refused for lockSeconds. */
  accountLockAfter: number;
  lockSeconds: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  windowSeconds: 900,
  delayAfter: 3,
  // Dovecot answers every failed login after auth_failure_delay (2 s, counted from the
  // request's start) anyway: the delay must exceed it to slow IMAP/POP3/ManageSieve.
  delaySeconds: 5,
  ipLockAfter: 10,
  accountLockAfter: 30,
  lockSeconds: 900,
};

export interface Settings {
  dataDir: string;
  /** The server's own name: HELO, certificates, Received. */
  hostname: string;
  /** `ip:port` resolvers for every DNS lookup of the stack; empty = the system resolver. */
  dnsServers: string[];
  /** Cap on each DNS query's timeout in Haraka, in ms (DNSBL, SPF, DKIM…); absent: the libraries' own. */
  dnsTimeoutMs?: number;
  /**
   * The bundled local resolver (unbound on 127.0.0.1:port), when enabled in config.json;
   * Haraka's DNS then goes there (dnsServers). `forwarders` (`ip@port`): forward
   * everything there instead of resolving from the root servers.
   */
  unbound?: { port: number; forwarders: string[] };
  /** Refuse MX clients without forward-confirmed reverse DNS (default: only a header the spam score uses). */
  rdnsReject?: boolean;
  /**
   * Spam filtering (spamd + Haraka's mail-spam); default on. Off: no spamd runs, inbound
   * mail is not scored (for a server behind an upstream filter, or a small machine).
   */
  spamFilter?: boolean;
  /** Address every listener binds to. */
  bindAddress: string;
  /** Address the REST API binds to; unset = 127.0.0.1 (it does not follow bindAddress). */
  apiBindAddress?: string;
  /** Days the event log keeps an event; unset = 14. */
  eventLogRetentionDays?: number;
  /** Each service's log in logs/ is rotated at maxMegabytes, `keep` old files kept (loadSettings sets it). */
  logRotation?: { maxMegabytes: number; keep: number };
  ports: Ports;
  ldap: { baseDn: string };
  /** Largest message accepted, in bytes. */
  maxMessageSize: number;
  /** Lowest TLS version accepted (loadSettings always sets it; absent means TLSv1.2). */
  tlsMinVersion?: TlsVersion;
  /** Login limiter numbers (loadSettings always sets them; absent means the defaults). */
  authLimits?: AuthLimits;
}

/**
 * The largest message size settable at run time (`/api/v1/mailserver/max_email_size`),
 * and Haraka core's hard ceiling (connection.ini `[max] bytes`, which core reads only
 * at start); the live limit is enforced below it by the mail-auth plugin. 512 MiB
 * bounds what one SMTP transaction can spool to disk.
 */
export const MAX_MESSAGE_SIZE_LIMIT = 512 * 1024 * 1024;

/** The REST API's address: loopback unless `apiBindAddress` is configured. */
export function apiBindAddress(settings: Settings): string {
  return settings.apiBindAddress ?? '127.0.0.1';
}

export const DEFAULT_PORTS: Ports = {
  smtp: 2525,
  submission: 2587,
  submissions: 2465,
  imap: 2143,
  imaps: 2993,
  pop3s: 2995,
  managesieve: 4190,
  ldap: 3890,
  api: 3080,
  spamd: 2783,
  authPolicy: 3891,
};

const portSchema = { type: 'integer', minimum: 1, maximum: 65535 };
const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    hostname: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.-]+$' },
    dnsServers: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F.:\\[\\]]+$' } },
    dnsTimeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    rdnsReject: { type: 'boolean' },
    spamFilter: { type: 'boolean' },
    unbound: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled'],
      properties: {
        enabled: { type: 'boolean' },
        port: portSchema,
        forwarders: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F.:]+(@[0-9]{1,5})?$' } },
      },
    },
    bindAddress: { type: 'string', minLength: 1 },
    apiBindAddress: { type: 'string', minLength: 1 },
    eventLogRetentionDays: { type: 'integer', minimum: 1, maximum: 3650 },
    logRotation: {
      type: 'object',
      additionalProperties: false,
      properties: { maxMegabytes: { type: 'integer', minimum: 1, maximum: 102400 }, keep: { type: 'integer', minimum: 1, maximum: 100 } },
    },
    ports: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(DEFAULT_PORTS).map((k) => [k, portSchema])),
    },
    ldap: {
      type: 'object',
      additionalProperties: false,
      properties: { baseDn: { type: 'string', pattern: '^([a-zA-Z]+=[^,=]+)(,[a-zA-Z]+=[^,=]+)*$' } },
    },
    maxMessageSize: { type: 'integer', minimum: 1024 },
    tlsMinVersion: { enum: TLS_VERSIONS },
    authLimits: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(DEFAULT_AUTH_LIMITS).map((k) => [k, { type: 'integer', minimum: 1 }])),
    },
  },
} as const;

/** The local resolver's default port (unprivileged, loopback only). */
export const DEFAULT_UNBOUND_PORT = 2553;

type FileSettings = Partial<Omit<Settings, 'dataDir' | 'ports' | 'ldap' | 'unbound' | 'authLimits' | 'logRotation'>> & {
  logRotation?: { maxMegabytes?: number; keep?: number };
  unbound?: { enabled: boolean; port?: number; forwarders?: string[] };
  ports?: Partial<Ports>;
  authLimits?: Partial<AuthLimits>;
  ldap?: { baseDn?: string };
};

export class ConfigError extends Error {}

const validateFile = new Ajv({ allErrors: true }).compile(fileSchema);

/** The project's root (where package.json with the workspaces lives). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env['MAIL_DATA_DIR'] ?? path.join(PROJECT_ROOT, 'data'));
}

export function configFilePath(dataDir: string): string {
  return path.join(dataDir, 'config.json');
}

export function loadSettings(dataDir = defaultDataDir(), env: NodeJS.ProcessEnv = process.env): Settings {
  const file = readConfigFile(configFilePath(dataDir));
  const dnsEnv = env['MAIL_DNS_SERVERS'];
  const settings: Settings = {
    dataDir,
    hostname: env['MAIL_HOSTNAME'] ?? file.hostname ?? defaultHostname(),
    dnsServers: dnsEnv !== undefined ? splitList(dnsEnv) : (file.dnsServers ?? []),
    bindAddress: file.bindAddress ?? '127.0.0.1',
    apiBindAddress: file.apiBindAddress ?? '127.0.0.1',
    eventLogRetentionDays: file.eventLogRetentionDays ?? 14,
    logRotation: { maxMegabytes: file.logRotation?.maxMegabytes ?? 50, keep: file.logRotation?.keep ?? 5 },
    ports: { ...DEFAULT_PORTS, ...file.ports },
    ldap: { baseDn: file.ldap?.baseDn ?? 'dc=cloudron' },
    maxMessageSize: file.maxMessageSize ?? 25 * 1024 * 1024,
    ...(file.dnsTimeoutMs !== undefined ? { dnsTimeoutMs: file.dnsTimeoutMs } : {}),
    ...(file.rdnsReject !== undefined ? { rdnsReject: file.rdnsReject } : {}),
    spamFilter: file.spamFilter ?? true,
    tlsMinVersion: file.tlsMinVersion ?? 'TLSv1.2',
    authLimits: { ...DEFAULT_AUTH_LIMITS, ...file.authLimits },
  };
  if (file.unbound?.enabled) useLocalResolver(settings, file.unbound, dnsEnv !== undefined || file.dnsServers !== undefined);
  checkSettings(settings);
  return settings;
}

/** With the bundled unbound, every DNS lookup of Haraka goes to it (and only it). */
function useLocalResolver(settings: Settings, unbound: { port?: number; forwarders?: string[] }, serversGiven: boolean): void {
  if (serversGiven) throw new ConfigError('unbound.enabled and dnsServers / MAIL_DNS_SERVERS exclude each other: pick one resolver');
  const port = unbound.port ?? DEFAULT_UNBOUND_PORT;
  settings.unbound = { port, forwarders: unbound.forwarders ?? [] };
  settings.dnsServers = [`127.0.0.1:${port}`];
}

function readConfigFile(file: string): FileSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!validateFile(parsed)) {
    const problems = (validateFile.errors ?? []).map((e) => {
      const where = e.instancePath || '/';
      const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params['additionalProperty'])}'` : '';
      return `${where}: ${e.message ?? 'invalid'}${extra}`;
    });
    throw new ConfigError(`${file}: ${problems.join('; ')}`);
  }
  return parsed as FileSettings;
}

function checkSettings(settings: Settings): void {
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(settings.ports)) {
    const other = seen.get(port);
    if (other) throw new ConfigError(`ports.${name} and ports.${other} are both ${port}`);
    seen.set(port, name);
  }
  const resolverPort = settings.unbound?.port;
  if (resolverPort !== undefined && seen.has(resolverPort)) {
    throw new ConfigError(`unbound.port and ports.${seen.get(resolverPort) ?? ''} are both ${resolverPort}`);
  }
  const limits = settings.authLimits ?? DEFAULT_AUTH_LIMITS;
  if (limits.delayAfter > limits.ipLockAfter) throw new ConfigError('authLimits.delayAfter must not exceed authLimits.ipLockAfter');
  for (const server of settings.dnsServers) {
    if (!/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/.test(server)) {
      throw new ConfigError(`dnsServers: '${server}' is not ip[:port]`);
    }
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function defaultHostname(): string {
  const name = os.hostname();
  return name.includes('.') ? name : `${name}.localdomain`;
}
