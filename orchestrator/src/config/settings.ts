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
}

export interface Settings {
  dataDir: string;
  /** The server's own name: HELO, certificates, Received. */
  hostname: string;
  /** `ip:port` resolvers for every DNS lookup of the stack; empty = the system resolver. */
  dnsServers: string[];
  /** Address every listener binds to. */
  bindAddress: string;
  /** Address the REST API binds to; unset = 127.0.0.1 (it does not follow bindAddress). */
  apiBindAddress?: string;
  /** Days the event log keeps an event; unset = 14. */
  eventLogRetentionDays?: number;
  ports: Ports;
  ldap: { baseDn: string };
  /** Largest message accepted, in bytes. */
  maxMessageSize: number;
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
};

const portSchema = { type: 'integer', minimum: 1, maximum: 65535 };
const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    hostname: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.-]+$' },
    dnsServers: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F.:\\[\\]]+$' } },
    bindAddress: { type: 'string', minLength: 1 },
    apiBindAddress: { type: 'string', minLength: 1 },
    eventLogRetentionDays: { type: 'integer', minimum: 1, maximum: 3650 },
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
  },
} as const;

type FileSettings = Partial<Omit<Settings, 'dataDir' | 'ports' | 'ldap'>> & {
  ports?: Partial<Ports>;
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
    ports: { ...DEFAULT_PORTS, ...file.ports },
    ldap: { baseDn: file.ldap?.baseDn ?? 'dc=cloudron' },
    maxMessageSize: file.maxMessageSize ?? 25 * 1024 * 1024,
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
