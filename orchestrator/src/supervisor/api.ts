/**
 * The REST API as part of the stack: its own store connection, the first token in
 * secrets/, and the hook that re-renders Haraka's config when a server setting changes.
 */
import { startApiServer } from '../api/server';
import { apiBindAddress, type Settings } from '../config/settings';
import type { DataPaths } from '../config/paths';
import { startEventCollector } from '../events/collector';
import { DEFAULT_EVENT_RETENTION_DAYS, effectiveMaxMessageSize, TokenServices } from '../services';
import { SqliteStore } from '../store';
import type { Stack } from './stack';

/** config.json's settings with the ones set at run time (server_settings) applied. */
export async function withStoredSettings(paths: DataPaths, fileSettings: Settings): Promise<Settings> {
  const store = new SqliteStore(paths.store);
  try {
    return { ...fileSettings, maxMessageSize: await effectiveMaxMessageSize(store, fileSettings.maxMessageSize) };
  } finally {
    store.close();
  }
}

export async function startApiInStack(stack: Stack, fileSettings: Settings, renderHaraka: (settings: Settings) => void | Promise<void>): Promise<void> {
  const store = new SqliteStore(stack.paths.store);
  stack.closers.push(async () => store.close());
  await new TokenServices(store).ensureFirstToken(stack.paths.apiToken);
  const collector = startEventCollector(store, stack.paths.logs, fileSettings.eventLogRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS);
  stack.closers.push(() => collector.stop());
  const server = await startApiServer({
    store,
    paths: stack.paths,
    settings: fileSettings,
    host: apiBindAddress(fileSettings),
    port: fileSettings.ports.api,
    // Haraka rereads mail-auth.ini on change: the new limit applies to the next transaction.
    applyServerSettings: async () => renderHaraka(await withStoredSettings(stack.paths, fileSettings)),
  });
  stack.closers.push(() => server.close());
}
