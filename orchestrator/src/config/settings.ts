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
  /** Address every listener binds to. */
  bindAddress: string;
  ports: Ports;
  ldap: { baseDn: string };
  /** Largest message accepted, in bytes. */
  maxMessageSize: number;
  /** Lowest TLS version accepted (loadSettings always sets it; absent means TLSv1.2). */
  tlsMinVersion?: TlsVersion;
  /** Login limiter numbers (loadSettings always sets them; absent means the defaults). */
  authLimits?: AuthLimits;
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
  authPolicy: 3891,
};

const portSchema = { type: 'integer', minimum: 1, maximum: 65535 };
const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    hostname: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.-]+$' },
    dnsServers: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F.:\\[\\]]+$' } },
    bindAddress: { type: 'string', minLength: 1 },
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

type FileSettings = Partial<Omit<Settings, 'dataDir' | 'ports' | 'ldap' | 'authLimits'>> & {
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
    ports: { ...DEFAULT_PORTS, ...file.ports },
    ldap: { baseDn: file.ldap?.baseDn ?? 'dc=cloudron' },
    maxMessageSize: file.maxMessageSize ?? 25 * 1024 * 1024,
    tlsMinVersion: file.tlsMinVersion ?? 'TLSv1.2',
    authLimits: { ...DEFAULT_AUTH_LIMITS, ...file.authLimits },
  };
  checkSettings(settings);
  return settings;
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
