/**
 * Reverse DNS of the client (forward-confirmed, "FCrDNS"): the client's PTR names
 * (RFC 1035 §3.5) must resolve back to the client's address. Outcomes, as the
 * `X-Mailserver-Rdns` header carries them: pass, none (no PTR), mismatch (no PTR name
 * resolves back), temperror (DNS did not answer).
 */
import net from 'node:net';
import type { RdnsStatus } from './headers';

export interface RdnsResolver {
  reverse(ip: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** Names that do not exist or have no such record: an answer, not a failure. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);
/** Bounds the work a hostile PTR set can cause (as haraka-plugin-fcrdns does). */
export const MAX_PTR_NAMES = 10;

function isNoRecord(err: unknown): boolean {
  return NO_RECORD.has(String((err as { code?: unknown }).code));
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is the IPv4 address. */
export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(ip);
  return mapped?.[1] ?? ip;
}

/** IPv6 has many spellings of one address (RFC 5952); BlockList compares the bits. */
function sameAddress(a: string, b: string): boolean {
  if (!net.isIPv6(a) || !net.isIPv6(b)) return a === b;
  const list = new net.BlockList();
  list.addAddress(a, 'ipv6');
  return list.check(b, 'ipv6');
}

async function forwardMatches(resolver: RdnsResolver, name: string, ip: string): Promise<boolean> {
  const addresses = net.isIPv6(ip) ? await resolver.resolve6(name) : await resolver.resolve4(name);
  return addresses.some((a) => sameAddress(a, ip));
}

export async function checkRdns(resolver: RdnsResolver, clientIp: string): Promise<RdnsStatus> {
  const ip = normaliseIp(clientIp);
  let names: string[];
  try {
    names = await resolver.reverse(ip);
  } catch (err) {
    return isNoRecord(err) ? 'none' : 'temperror';
  }
  if (names.length === 0) return 'none';
  let unanswered = false;
  for (const name of names.slice(0, MAX_PTR_NAMES)) {
    try {
      if (await forwardMatches(resolver, name, ip)) return 'pass';
    } catch (err) {
      if (!isNoRecord(err)) unanswered = true;
    }
  }
  return unanswered ? 'temperror' : 'mismatch';
}
