/**
 * Server-wide DNSBL zones (server_settings key `dnsbl`, a JSON array of zone names).
 * haraka-plugin-dns-list asks each zone about every connecting public address
 * (RFC 5782 §2.1); the orchestrator renders them into its dns-list.ini.
 */
import { installDnsListConfig } from '../render/dnsbl';
import { invalid } from './errors';
import type { MailServices } from './mail-services';

export const DNSBL_SETTING = 'dnsbl';
/** The product's default (specification: "zen spamhaus lookup"). */
export const DEFAULT_DNSBL_ZONES: readonly string[] = ['zen.spamhaus.org'];

// RFC 1035 §2.3.1 labels (letters, digits, inner hyphens), at least two of them.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `"zen.spamhaus.org, bl.example"` → checked, lower-cased, de-duplicated zones; throws `invalid`. */
export function parseDnsblZones(text: string): string[] {
  const zones = text
    .split(',')
    .map((z) => z.trim().toLowerCase().replace(/\.$/, ''))
    .filter((z) => z !== '');
  if (zones.length === 0) throw invalid('give at least one DNSBL zone, e.g. zen.spamhaus.org');
  for (const zone of zones) {
    const labels = zone.split('.');
    if (zone.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
      throw invalid(`'${zone}' is not a DNS zone name`);
    }
  }
  return [...new Set(zones)];
}

/** The stored zones, or the default when none were ever set. */
export async function getDnsblZones(services: MailServices): Promise<string[]> {
  return zonesFromSetting(await services.store.getServerSetting(DNSBL_SETTING));
}

/** The zones a stored `dnsbl` value holds (undefined: never set, the default). */
export function zonesFromSetting(stored: string | undefined): string[] {
  if (stored === undefined) return [...DEFAULT_DNSBL_ZONES];
  const value: unknown = JSON.parse(stored);
  if (!Array.isArray(value) || !value.every((z) => typeof z === 'string')) {
    throw new Error(`server setting ${DNSBL_SETTING} is not a list of zones: ${stored}`);
  }
  return value as string[];
}

/** Stores the zones and, when Haraka's config exists, rewrites dns-list.ini (Haraka rereads it). */
export async function setDnsblZones(services: MailServices, text: string): Promise<string[]> {
  const zones = parseDnsblZones(text);
  await services.store.setServerSetting(DNSBL_SETTING, JSON.stringify(zones));
  installDnsListConfig(services.paths, zones);
  return zones;
}
