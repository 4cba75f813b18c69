/**
 * Sender Rewriting Scheme, the "Guarded" variant of Shevek's SRS paper (the scheme
 * libsrs2, postsrsd and python3-srs implement), so that bounces to addresses we
 * rewrite can be decoded by them and theirs by us:
 *
 *   SRS0=HHHH=TT=orig.domain=orig.local@our.domain          (first forwarder)
 *   SRS1=HHHH=first.forwarder==HHHH=TT=orig.domain=orig.local@our.domain  (later hops)
 *
 * HHHH: the first characters of base64(HMAC-SHA1(secret, lower-cased fields));
 * TT: days since the epoch modulo 1024 in two base32 characters. A forwarder rewrites
 * the envelope sender (RFC 5321 §3.9.1 says aliases keep it, which breaks SPF,
 * RFC 7208 §1.2.1) and must refuse forged or stale SRS addresses so it never becomes
 * a backscatter relay.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SRS_MAX_AGE_DAYS = 21;
const HASH_LENGTH = 4;
const DAY_MS = 86_400_000;
/** Two base32 characters hold 10 bits of day number. */
const TIMESTAMP_CYCLE = 1024;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** The separator right after the tag may be any of these; all others are '='. */
const TAG = /^(SRS[01])([=+-])/i;

export type SrsFailure = 'malformed' | 'bad-hash' | 'expired';

export class SrsError extends Error {
  override name = 'SrsError';
  constructor(
    readonly reason: SrsFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SrsOptions {
  secret: string;
  maxAgeDays?: number;
  /** Injected clock, for tests. */
  now?: () => number;
}

/** Whether a local part looks like an SRS address (the tag and a separator). */
export function isSrsLocalPart(local: string): boolean {
  return TAG.test(local);
}

export class Srs {
  private readonly maxAgeDays: number;
  private readonly now: () => number;

  constructor(private readonly options: SrsOptions) {
    if (options.secret === '') throw new Error('SRS needs a non-empty secret');
    this.maxAgeDays = options.maxAgeDays ?? SRS_MAX_AGE_DAYS;
    this.now = options.now ?? Date.now;
  }

  /**
   * The envelope sender to use when forwarding mail from `sender` on behalf of
   * `srsDomain`. The null sender stays null (bounces are never rewritten), and a
   * sender already in `srsDomain` needs no rewriting.
   */
  forward(sender: string, srsDomain: string): string {
    const at = sender.lastIndexOf('@');
    if (sender === '' || at < 1) return sender;
    const local = sender.slice(0, at);
    const domain = sender.slice(at + 1);
    if (domain.toLowerCase() === srsDomain.toLowerCase()) return sender;
    const tagged = TAG.exec(local);
    if (tagged?.[1]?.toUpperCase() === 'SRS1') {
      // Keep the first forwarder and its opaque part; only our hash is new.
      const [, firstHop, opaque] = splitFields(local.slice(tagged[0].length), 3, local) as [string, string, string];
      return `SRS1=${this.hash(firstHop, opaque)}=${firstHop}=${opaque}@${srsDomain}`;
    }
    if (tagged?.[1]?.toUpperCase() === 'SRS0') {
      // The SRS0 separator stays in front of the opaque part ("==" in the result).
      const opaque = local.slice(4);
      return `SRS1=${this.hash(domain, opaque)}=${domain}=${opaque}@${srsDomain}`;
    }
    const stamp = this.timestamp();
    return `SRS0=${this.hash(stamp, domain, local)}=${stamp}=${domain}=${local}@${srsDomain}`;
  }

  /**
   * The address an SRS local part stands for: the original sender (SRS0), or the
   * first forwarder's SRS0 address (SRS1). Throws SrsError when it is not one of
   * ours, was tampered with, or is older than the maximum age.
   */
  reverse(local: string): string {
    const tagged = TAG.exec(local);
    if (!tagged) throw new SrsError('malformed', 'not an SRS address');
    const rest = local.slice(tagged[0].length);
    if (tagged[1]?.toUpperCase() === 'SRS1') {
      const [hash, firstHop, opaque] = splitFields(rest, 3, local) as [string, string, string];
      this.verifyHash(hash, firstHop, opaque);
      return `SRS0${opaque}@${firstHop}`;
    }
    const [hash, stamp, domain, original] = splitFields(rest, 4, local) as [string, string, string, string];
    this.verifyHash(hash, stamp, domain, original);
    this.verifyTimestamp(stamp);
    return `${original}@${domain}`;
  }

  private hash(...fields: string[]): string {
    const hmac = createHmac('sha1', this.options.secret);
    for (const field of fields) hmac.update(field.toLowerCase());
    return hmac.digest('base64').slice(0, HASH_LENGTH);
  }

  /** Mail systems may change the case of a local part: compare hashes case-insensitively. */
  private verifyHash(given: string, ...fields: string[]): void {
    const expected = Buffer.from(this.hash(...fields).toLowerCase());
    const actual = Buffer.from(given.toLowerCase());
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new SrsError('bad-hash', 'SRS hash does not match');
    }
  }

  private timestamp(): string {
    const day = Math.floor(this.now() / DAY_MS) % TIMESTAMP_CYCLE;
    return `${BASE32[day >> 5]}${BASE32[day & 31]}`;
  }

  private verifyTimestamp(stamp: string): void {
    const chars = [...stamp.toUpperCase()].map((c) => BASE32.indexOf(c));
    const [high, low] = chars;
    if (chars.length !== 2 || high === undefined || low === undefined || high < 0 || low < 0) {
      throw new SrsError('malformed', 'SRS timestamp is not two base32 characters');
    }
    const then = (high << 5) | low;
    const today = Math.floor(this.now() / DAY_MS) % TIMESTAMP_CYCLE;
    // The day number wraps every 1024 days; a stamp "from the future" is from the last cycle.
    const age = (today - then + TIMESTAMP_CYCLE) % TIMESTAMP_CYCLE;
    if (age > this.maxAgeDays) throw new SrsError('expired', `SRS address is ${age} days old`);
  }
}

/** Splits on '=' into exactly `count` non-empty fields, the last one taking the rest. */
function splitFields(rest: string, count: number, whole: string): string[] {
  const fields: string[] = [];
  let remaining = rest;
  for (let i = 1; i < count; i++) {
    const eq = remaining.indexOf('=');
    if (eq < 0) break;
    fields.push(remaining.slice(0, eq));
    remaining = remaining.slice(eq + 1);
  }
  fields.push(remaining);
  if (fields.length !== count || fields.some((f) => f === '')) {
    throw new SrsError('malformed', `'${whole}' is not a well-formed SRS address`);
  }
  return fields;
}
