/**
 * The inbound message checks at data_post: forged headers out, DKIM verified and
 * DMARC evaluated (mailauth, all DNS through our resolver), anti-spoof of the From:
 * domain, then the Authentication-Results (RFC 8601), X-Mailserver-Rdns and
 * X-Mailserver-Quarantine headers in, before the spam scanner reads the message.
 */
import { Writable } from 'node:stream';
import { DSN, HookCode, type Connection, type HookAnswer, type Transaction } from '@mail/haraka-common';
import { dkimVerify, dmarc, spf, type DNSResolver } from 'mailauth';
import { antiSpoofVerdict, domainOf } from './lib/antispoof';
import { dmarcAction, type DmarcAction } from './lib/dmarc-action';
import { claimsOurName, isServerHeader, QUARANTINE_HEADER, RDNS_HEADER, rdnsHeaderValue, resultEntry, type RdnsStatus } from './lib/headers';

export interface MessageCheckContext {
  connection: Connection;
  transaction: Transaction;
  resolver: DNSResolver;
  isLocalDomain(domain: string): Promise<boolean>;
  antiSpoof: boolean;
  dmarc: boolean;
  rdns: RdnsStatus;
}

const AUTH_RESULTS = 'Authentication-Results';
const ORIGINAL_AUTH_RESULTS = 'Original-Authentication-Results';

/** RFC 8601 §5: fields claiming our authserv-id go; so does every X-Mailserver-* field. */
export function stripForgedHeaders(transaction: Transaction, hostname: string): number {
  let removed = 0;
  for (const name of [AUTH_RESULTS, ORIGINAL_AUTH_RESULTS]) {
    const values = transaction.header.get_all(name);
    const kept = values.filter((v) => !claimsOurName(v, hostname));
    if (kept.length === values.length) continue;
    removed += values.length - kept.length;
    transaction.remove_header(name);
    for (const value of kept) transaction.add_header(name, value.replace(/\r?\n$/, ''));
  }
  const names = new Set((transaction.header.header_list ?? []).map((line) => /^([^\s:]+):/.exec(line)?.[1]).filter((n): n is string => !!n));
  for (const name of names) {
    if (!isServerHeader(name)) continue;
    removed += transaction.header.get_all(name).length;
    transaction.remove_header(name);
  }
  return removed;
}

/** Rewrites our Authentication-Results from what every plugin recorded (Haraka repeats this at the end). */
export function writeAuthResults(connection: Connection, transaction: Transaction): void {
  const value = connection.auth_results();
  transaction.remove_header(AUTH_RESULTS);
  if (value) transaction.add_leading_header(AUTH_RESULTS, value);
}

export async function readMessage(transaction: Transaction): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    sink.on('finish', resolve).on('error', reject);
    transaction.message_stream.pipe(sink);
  });
  return Buffer.concat(chunks);
}

/** haraka-plugin-spf's MAIL FROM result: `{ result: 'Pass', domain }`, lower-cased. */
export function envelopeSpf(transaction: Transaction): { result: string; domain: string } | undefined {
  const r = transaction.results.get('spf') as { scope?: unknown; result?: unknown; domain?: unknown } | undefined;
  if (r?.scope !== 'mfrom' || typeof r.result !== 'string' || typeof r.domain !== 'string') return undefined;
  return { result: r.result.toLowerCase(), domain: r.domain.toLowerCase() };
}

async function spfFor(ctx: MessageCheckContext, domain: string): Promise<string> {
  const envelope = envelopeSpf(ctx.transaction);
  if (envelope?.domain === domain) return envelope.result;
  const result = await spf({
    sender: `postmaster@${domain}`,
    ip: ctx.connection.remote.ip ?? '',
    helo: ctx.connection.hello.host ?? '',
    mta: ctx.connection.local.host,
    resolver: ctx.resolver,
  });
  return result.status.result;
}

async function fromSpoofAnswer(ctx: MessageCheckContext, fromDomains: string[]): Promise<HookAnswer | undefined> {
  for (const domain of new Set(fromDomains)) {
    if (domain === '' || !(await ctx.isLocalDomain(domain))) continue;
    const spfResult = await spfFor(ctx, domain);
    const verdict = antiSpoofVerdict({ domain, identity: 'From header', local: true, spf: spfResult });
    if (verdict.refuse) return spoofAnswer(verdict.reason, spfResult);
  }
  return undefined;
}

/** RFC 7372 §3.2: X.7.24 is an SPF error (temporary), X.7.1 a refusal by policy. */
export function spoofAnswer(reason: string, spfResult: string | undefined): HookAnswer {
  if (spfResult === 'temperror') return { code: HookCode.DENYSOFT, message: new DSN(451, `4.7.24 ${reason}; try again later`) };
  return { code: HookCode.DENY, message: new DSN(550, `5.7.1 ${reason}`) };
}

/** A passing DKIM signature, as mailauth's dmarc() takes it. */
type PassedSignature = { id?: string; domain: string; aligned?: boolean; underSized?: boolean };

async function evaluateDmarc(ctx: MessageCheckContext, fromAddresses: string[], dkimPassed: PassedSignature[]): Promise<{ action: DmarcAction; domain: string }> {
  // RFC 7489 §6.6.1: DMARC needs exactly one author domain.
  if (fromAddresses.length !== 1) {
    ctx.connection.auth_results('dmarc=permerror (not exactly one From address)');
    return { action: 'accept', domain: '' };
  }
  const envelope = envelopeSpf(ctx.transaction);
  const result = await dmarc({
    headerFrom: fromAddresses,
    spfDomains: envelope?.result === 'pass' ? [envelope.domain] : [],
    dkimDomains: dkimPassed,
    resolver: ctx.resolver,
  });
  if (!result) return { action: 'accept', domain: '' };
  ctx.connection.auth_results(resultEntry(result.info ?? `dmarc=${result.status.result}`));
  const outcome = { result: result.status.result, policy: result.policy, pct: result.pct };
  return { action: dmarcAction(outcome, Math.random() * 100), domain: result.domain };
}

/** Runs every message check; the answer refuses, or the headers are written and CONT. */
export async function checkMessage(ctx: MessageCheckContext): Promise<HookAnswer> {
  const { connection, transaction } = ctx;
  const raw = await readMessage(transaction);
  const verified = await dkimVerify(raw, { resolver: ctx.resolver, sender: transaction.mail_from.address });
  const results = verified.results ?? [];
  if (results.length === 0) connection.auth_results('dkim=none');
  for (const r of results) connection.auth_results(resultEntry(r.info));
  const fromAddresses = verified.headerFrom ?? [];
  if (ctx.antiSpoof) {
    const refusal = await fromSpoofAnswer(ctx, fromAddresses.map(domainOf));
    if (refusal) return refusal;
  }
  const passed = results
    .filter((r) => r.status.result === 'pass')
    .map((r) => ({ domain: r.signingDomain, aligned: r.status.aligned ?? false, underSized: r.status.underSized ?? false, ...(r.id ? { id: r.id } : {}) }));
  const verdict = ctx.dmarc ? await evaluateDmarc(ctx, fromAddresses, passed) : { action: 'accept' as const, domain: '' };
  writeAuthResults(connection, transaction);
  if (verdict.action === 'reject') {
    return { code: HookCode.DENY, message: new DSN(550, `5.7.1 Rejected by the DMARC policy of ${verdict.domain} (RFC 7489)`) };
  }
  if (verdict.action === 'quarantine') transaction.add_header(QUARANTINE_HEADER, 'dmarc');
  transaction.add_header(RDNS_HEADER, rdnsHeaderValue(ctx.rdns, connection.remote.ip ?? ''));
  return { code: HookCode.CONT };
}
