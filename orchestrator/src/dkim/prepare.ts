/**
 * At stack start: every domain in the store has its DKIM key (one added while the
 * stack was down, or before keys existed, gets one now) and Haraka's config dir links
 * to the keys. Domains added while the stack runs get theirs from `mailctl domain add`.
 */
import type { DataPaths } from '../config/paths';
import { SqliteStore } from '../store';
import { ensureDomainKey, linkDkimForHaraka } from './keys';

export async function prepareDkim(paths: DataPaths, harakaConfigDir: string): Promise<void> {
  linkDkimForHaraka(paths, harakaConfigDir);
  const store = new SqliteStore(paths.store);
  try {
    for (const domain of await store.listDomains()) ensureDomainKey(paths, domain.name);
  } finally {
    store.close();
  }
}
