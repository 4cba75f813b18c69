/**
 * haraka-plugin-dns-list's config (dns-list.ini) from the server-wide zones. Written
 * at stack start and by `mailctl settings dnsbl set`; Haraka rereads the file at once
 * (mail-authchecks then re-checks the zones, see the template).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import { DNSBL_SETTING, zonesFromSetting } from '../services/dnsbl';
import { SqliteStore } from '../store';
import { harakaConfigDir, checkHarakaConfig } from './haraka';
import { installValidated, renderTemplate, templateDir, type RenderedFile } from './files';

export const DNS_LIST_FILE = 'dns-list.ini';

export function renderDnsListFile(zones: readonly string[]): RenderedFile {
  if (zones.length === 0 || zones.some((z) => !/^[a-z0-9.-]+$/.test(z))) {
    throw new Error(`cannot render ${DNS_LIST_FILE}: bad zones ${JSON.stringify(zones)}`);
  }
  const content = renderTemplate(path.join(templateDir('haraka'), `${DNS_LIST_FILE}.hbs`), { zones: zones.join(',') });
  return { name: DNS_LIST_FILE, content, mode: 0o644 };
}

/** Validates with Haraka's own parser, then swaps the file in; false when Haraka's config dir does not exist yet. */
export function installDnsListConfig(paths: DataPaths, zones: readonly string[]): boolean {
  const dir = harakaConfigDir(paths);
  if (!fs.existsSync(dir)) return false;
  const expected = { [DNS_LIST_FILE]: { main: { zones: zones.join(','), search: 'all' } } };
  installValidated(dir, [renderDnsListFile(zones)], (scratch) => checkHarakaConfig(scratch, expected));
  return true;
}

/** The zones in the store (at stack start, before anything else holds it open). */
export async function storedDnsblZones(paths: DataPaths): Promise<string[]> {
  const store = new SqliteStore(paths.store);
  try {
    return zonesFromSetting(await store.getServerSetting(DNSBL_SETTING));
  } finally {
    store.close();
  }
}
