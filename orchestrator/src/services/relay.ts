/**
 * `mailctl relay set|show`: a domain's outbound relay. Setting a smarthost first
 * proves it works — connect, EHLO, STARTTLS, AUTH, through nodemailer's verify() —
 * and refuses it otherwise, quoting the server's answer; nothing is stored then.
 * The relay reaches Haraka live through the LDAP bridge (`mailRelay` on the domain).
 */
import { isSmarthost, maskRelay, parseRelay, RelayError, resolveRelay, type Relay, type RelayInput, type SmarthostRelay } from '@mail/core';
import dns from 'node:dns';
import net from 'node:net';
import nodemailer from 'nodemailer';
import type { DomainRow } from '../store';
import { invalid, notFound, ServiceError } from './errors';
import type { MailServices } from './mail-services';

/** Proves a smarthost accepts us; rejects with the reason (the server's reply when there is one). */
export type RelayVerifier = (relay: SmarthostRelay) => Promise<void>;

const VERIFY_TIMEOUT_MS = 15_000;

/**
 * The relay host's address through the stack's resolvers (MAIL_DNS_SERVERS /
 * `dnsServers`), as Haraka will resolve it; an IP, or no resolvers set, is left to
 * nodemailer (the system resolver).
 */
async function connectAddress(host: string, dnsServers: readonly string[]): Promise<string> {
  if (net.isIP(host) || dnsServers.length === 0) return host;
  const resolver = new dns.promises.Resolver({ timeout: 5_000, tries: 2 });
  resolver.setServers([...dnsServers]);
  const v4 = await resolver.resolve4(host).catch(() => [] as string[]);
  const addresses = v4.length > 0 ? v4 : await resolver.resolve6(host).catch(() => [] as string[]);
  const first = addresses[0];
  if (first === undefined) throw new Error(`${host} has no A or AAAA record`);
  return first;
}

/** connect, EHLO, STARTTLS, AUTH (nodemailer's verify()), resolving through `dnsServers`. */
export function nodemailerVerifier(dnsServers: readonly string[] = []): RelayVerifier {
  return async (relay) => {
    const transport = nodemailer.createTransport({
      host: await connectAddress(relay.host, dnsServers),
      port: relay.port,
      secure: false,
      // STARTTLS is mandatory wherever a password is sent (RFC 8314 §3); opportunistic otherwise.
      requireTLS: 'password' in relay,
      ...('password' in relay ? { auth: { user: relay.username, pass: relay.password } } : {}),
      // SNI carries host names only (RFC 6066 §3), never an IP address; the certificate is
      // checked against the name even when we connect to the address we resolved.
      tls: { rejectUnauthorized: !relay.acceptSelfSigned, ...(net.isIP(relay.host) ? {} : { servername: relay.host }) },
      connectionTimeout: VERIFY_TIMEOUT_MS,
      greetingTimeout: VERIFY_TIMEOUT_MS,
      socketTimeout: VERIFY_TIMEOUT_MS,
    });
    try {
      await transport.verify();
    } finally {
      transport.close();
    }
  };
}

export const verifyWithNodemailer: RelayVerifier = nodemailerVerifier();

async function requireDomain(services: MailServices, name: string): Promise<DomainRow> {
  const row = await services.store.getDomain(name.trim().toLowerCase());
  if (!row) throw notFound(`domain ${name.trim().toLowerCase()} does not exist`);
  return row;
}

function describeFailure(err: unknown): string {
  const e = err as { response?: unknown; message?: unknown };
  const text = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err);
  return text.replace(/\s+/g, ' ').trim();
}

/** Validates, verifies a smarthost, then stores; returns the relay masked. */
export async function setRelay(
  services: MailServices,
  name: string,
  input: RelayInput,
  verify: RelayVerifier = verifyWithNodemailer,
): Promise<Relay> {
  const row = await requireDomain(services, name);
  let relay: Relay;
  try {
    relay = resolveRelay(input);
  } catch (err) {
    if (err instanceof RelayError) throw invalid(err.message);
    throw err;
  }
  if (isSmarthost(relay)) {
    try {
      await verify(relay);
    } catch (err) {
      throw new ServiceError('invalid', `relay ${relay.host}:${relay.port} does not work: ${describeFailure(err)}`);
    }
  }
  await services.store.setDomainRelay(row.name, relay.provider === 'direct' ? null : JSON.stringify(relay));
  return maskRelay(relay);
}

/** The domain's relay with the password masked. */
export async function getRelay(services: MailServices, name: string): Promise<Relay> {
  const row = await requireDomain(services, name);
  return maskRelay(parseRelay(row.relay));
}
