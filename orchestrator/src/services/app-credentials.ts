/**
 * App mailboxes: an application gets its own SMTP/IMAP login for the mailbox.
 * When the operator gives no password one is generated here, its scrypt hash is
 * stored like any other, and the plain password is returned exactly once — it is
 * never kept or shown again (a lost one is replaced, not recovered).
 */
import { randomSecret } from '../config/passwords';
import type { Ports } from '../config/settings';
import type { MailboxView, MailServices } from './mail-services';

/** 24 random bytes: 192 bits, printed as 32 base64url characters (no quoting needed). */
const GENERATED_PASSWORD_BYTES = 24;

export interface AppEndpoint {
  host: string;
  port: number;
  /** `starttls`: plain connect, then STARTTLS (RFC 3207 / RFC 3501 §6.2.1); `tls`: TLS from the first byte (RFC 8314). */
  security: 'starttls' | 'tls';
}

export interface AppCredentials {
  /** The login name everywhere: the full mailbox address. */
  username: string;
  password: string;
  /** Whether `password` was generated here (then this is the only time it is shown). */
  generated: boolean;
  smtp: AppEndpoint[];
  imap: AppEndpoint[];
}

export interface ServerEndpoints {
  hostname: string;
  ports: Pick<Ports, 'submission' | 'submissions' | 'imap' | 'imaps'>;
}

export function generateAppPassword(): string {
  return randomSecret(GENERATED_PASSWORD_BYTES);
}

export function appEndpoints(server: ServerEndpoints): Pick<AppCredentials, 'smtp' | 'imap'> {
  const host = server.hostname;
  return {
    smtp: [
      { host, port: server.ports.submissions, security: 'tls' },
      { host, port: server.ports.submission, security: 'starttls' },
    ],
    imap: [
      { host, port: server.ports.imaps, security: 'tls' },
      { host, port: server.ports.imap, security: 'starttls' },
    ],
  };
}

/** Adds an app-owned mailbox; without `password` a strong one is generated. */
export async function addAppMailbox(
  services: MailServices,
  input: { address: string; owner: string; password?: string; active?: boolean; pop3?: boolean },
  server: ServerEndpoints,
): Promise<{ mailbox: MailboxView; credentials: AppCredentials }> {
  const generated = input.password === undefined;
  const password = input.password ?? generateAppPassword();
  const mailbox = await services.addMailbox({ ...input, ownerType: 'app', password });
  return { mailbox, credentials: { username: mailbox.address, password, generated, ...appEndpoints(server) } };
}
