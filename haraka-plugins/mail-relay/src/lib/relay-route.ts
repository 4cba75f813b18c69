/**
 * Where one outbound queue entry goes, given its sender domain's relay: DNS MX as
 * usual (direct), nowhere (noop), or the smarthost with its credentials, in the shape
 * Haraka's outbound takes from a get_mx hook (an MX with `auth_user`/`auth_pass`,
 * haraka-net-utils HarakaMx). No Haraka imports: unit-tested on its own.
 */
import { isSmarthost, type Relay } from '@mail/core';

export interface RelayMx {
  priority: number;
  exchange: string;
  port: number;
  auth_user?: string;
  auth_pass?: string;
}

export type RelayRoute = { kind: 'direct' } | { kind: 'drop' } | { kind: 'relay'; mx: RelayMx };

/** `relay` undefined: the sender's domain is not ours (e.g. a bounce's null sender): direct. */
export function relayRoute(relay: Relay | undefined): RelayRoute {
  if (!relay || relay.provider === 'direct') return { kind: 'direct' };
  if (relay.provider === 'noop') return { kind: 'drop' };
  if (!isSmarthost(relay)) return { kind: 'direct' };
  const mx: RelayMx = { priority: 0, exchange: relay.host, port: relay.port };
  if ('password' in relay) {
    mx.auth_user = relay.username;
    mx.auth_pass = relay.password;
  }
  return { kind: 'relay', mx };
}

/** What is logged about a route: never the password (STYLE 11). */
export function describeRoute(route: RelayRoute): string {
  if (route.kind !== 'relay') return route.kind;
  return `relay ${route.mx.exchange}:${route.mx.port}${route.mx.auth_user ? ` as ${route.mx.auth_user}` : ''}`;
}
