/**
 * At connect (and again after XCLIENT): which checks apply to this client, its
 * forward-confirmed rDNS, and dns-list's zone re-check (lib/dnsbl-recheck.ts).
 */
import { DSN, HookCode, type Connection, type HarakaPlugin, type HookAnswer } from '@mail/haraka-common';
import type { AuthChecksConfig } from './lib/config';
import { shouldRecheckZones } from './lib/dnsbl-recheck';
import type { RdnsStatus } from './lib/headers';
import { checkRdns, type RdnsResolver } from './lib/rdns';

const RDNS_NOTE = 'mail-authchecks.rdns';

/** The part of haraka-plugin-dns-list 1.3.0 we touch (its index.js). */
export interface DnsListPlugin {
  zones: Set<string>;
  cfg: { main: { zones: Set<string> } };
  check_zones(): Promise<void>;
}

export interface RecheckState {
  lastAt: number | undefined;
  zonesKey: string;
}

/** Submission ports: clients authenticate there, and no inbound check applies (issue 4). */
export function onSubmissionPort(config: AuthChecksConfig, connection: Connection): boolean {
  const port = connection.local.port;
  return typeof port === 'number' && config.submissionPorts.includes(port);
}

/** Checked: unauthenticated clients on the MX port from a public address. */
export function isCheckedClient(config: AuthChecksConfig, connection: Connection): boolean {
  return !connection.relaying && !onSubmissionPort(config, connection) && !connection.remote.is_private && !!connection.remote.ip;
}

export async function rdnsOf(connection: Connection, resolver: RdnsResolver): Promise<RdnsStatus> {
  const ip = connection.remote.ip ?? '';
  const note = connection.notes[RDNS_NOTE] as { ip: string; status: RdnsStatus } | undefined;
  if (note?.ip === ip) return note.status;
  const status = await checkRdns(resolver, ip);
  connection.notes[RDNS_NOTE] = { ip, status };
  return status;
}

/** RFC 7372 §3.3: X.7.25 "Reverse DNS validation failed"; 554 is the refusal at connect (RFC 5321 §4.3.2). */
export function rdnsRefusal(status: RdnsStatus, ip: string): HookAnswer {
  // DNS that did not answer is no verdict: come back later (421 at connect).
  if (status === 'temperror') return { code: HookCode.DENYSOFT, message: new DSN(421, `4.7.25 Reverse DNS for ${ip} could not be checked, try again later`) };
  return { code: HookCode.DENY, message: new DSN(554, `5.7.25 No forward-confirmed reverse DNS for ${ip} (${status})`) };
}

/** Re-checks dns-list's zones when none is active (see lib/dnsbl-recheck.ts). */
export async function healDnsList(plugin: HarakaPlugin, state: RecheckState, minIntervalMs: number): Promise<void> {
  const plugins = plugin.haraka_require('plugins') as { registered_plugins: Record<string, unknown> };
  const dnsList = plugins.registered_plugins['dns-list'] as DnsListPlugin | undefined;
  if (!dnsList?.zones || !dnsList.cfg?.main?.zones) return;
  const zonesKey = [...dnsList.cfg.main.zones].sort().join(',');
  const now = Date.now();
  const due = shouldRecheckZones({
    configuredZones: dnsList.cfg.main.zones.size,
    activeZones: dnsList.zones.size,
    lastRecheckAt: state.lastAt,
    zonesChanged: zonesKey !== state.zonesKey,
    now,
    minIntervalMs,
  });
  if (!due) return;
  state.lastAt = now;
  state.zonesKey = zonesKey;
  plugin.loginfo(`dns-list has no active zone: re-checking ${zonesKey}`);
  await dnsList.check_zones();
}
