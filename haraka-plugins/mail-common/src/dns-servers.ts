/**
 * Pins every DNS lookup of a Node process to chosen name servers (MAIL_DNS_SERVERS).
 * Haraka has no name-server setting, and several of its modules build their own
 * `Resolver` at load time; a fresh `Resolver` reads /etc/resolv.conf and ignores
 * `dns.setServers()`. So the module-level resolvers get the servers, and both
 * `Resolver` classes are replaced by subclasses that start with them. This must run
 * before anything else requires `node:dns` and keeps a destructured `Resolver`
 * (see dns-preload.ts). `dns.lookup()` (getaddrinfo: /etc/hosts, nsswitch) is left
 * alone; Haraka resolves MX hosts with `resolve4/resolve6`, not with `lookup`.
 */
import type dnsModule from 'node:dns';

type DnsModule = typeof dnsModule;

/** Marks a Resolver class we already replaced, so pinning twice does not stack subclasses. */
const PINNED = Symbol.for('mailserver.dns.pinned');

/** `"127.0.0.1:5353, [::1]:53"` → the list `dns.setServers()` takes (ip, ip:port, [ipv6]:port). */
export function parseDnsServers(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `MAIL_DNS_TIMEOUT_MS`: a positive integer, else undefined (no cap). */
export function parseDnsTimeout(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const ms = Number(value);
  return ms > 0 ? ms : undefined;
}

/**
 * `servers` (none: keep the system's) for every resolver; `timeoutMs` caps each
 * Resolver's per-try timeout (haraka-plugin-dns-list asks for 25 s, which would hold
 * a connection that long when a DNSBL does not answer).
 */
export function pinDnsServers(dns: DnsModule, servers: readonly string[], timeoutMs?: number): void {
  if (servers.length === 0 && timeoutMs === undefined) return;
  const list = [...servers];
  if (list.length > 0) {
    // Throws on a malformed entry: better than silently using the system resolver.
    dns.setServers(list);
    dns.promises.setServers(list);
  }
  dns.Resolver = pinnedSubclass(dns.Resolver, list, timeoutMs);
  dns.promises.Resolver = pinnedSubclass(dns.promises.Resolver, list, timeoutMs);
}

/** The options a pinned Resolver starts with: the caller's, its timeout capped. */
export function cappedOptions(options: dnsModule.ResolverOptions | undefined, timeoutMs?: number): dnsModule.ResolverOptions | undefined {
  if (timeoutMs === undefined) return options;
  const asked = options?.timeout;
  const timeout = asked === undefined || asked < 0 ? timeoutMs : Math.min(asked, timeoutMs);
  return { ...options, timeout };
}

interface ResolverLike {
  setServers(servers: string[]): void;
}
type ResolverClass = new (options?: dnsModule.ResolverOptions) => ResolverLike;

function pinnedSubclass<C extends ResolverClass>(Base: C, servers: string[], timeoutMs?: number): C {
  if ((Base as unknown as Record<symbol, unknown>)[PINNED]) return pinnedSubclass(Object.getPrototypeOf(Base) as C, servers, timeoutMs);
  const Unpinned: ResolverClass = Base;
  const Pinned = class extends Unpinned {
    constructor(options?: dnsModule.ResolverOptions) {
      super(cappedOptions(options, timeoutMs));
      if (servers.length > 0) this.setServers(servers);
    }
  };
  Object.defineProperty(Pinned, 'name', { value: Base.name });
  Object.defineProperty(Pinned, PINNED, { value: true });
  return Pinned as unknown as C;
}
