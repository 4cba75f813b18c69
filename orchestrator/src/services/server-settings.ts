/**
 * Server-wide settings changed at run time. Each lives in the store's server_settings
 * table under a key owned here, overriding the value from config.json; after a change
 * the config files that carry it are rendered again (`apply`), so it takes effect
 * without a restart.
 */
import { MAX_MESSAGE_SIZE_LIMIT } from '../config/settings';
import type { Store } from '../store';
import { invalid, ServiceError } from './errors';

/** server_settings key: the largest message accepted, in bytes. */
export const MAX_MESSAGE_SIZE_KEY = 'maxMessageSize';
export const MIN_MESSAGE_SIZE = 1024;
export { MAX_MESSAGE_SIZE_LIMIT };

/** Re-renders the configs that carry server settings (Haraka's); throws when that fails. */
export type ApplyServerSettings = () => Promise<void>;

export async function effectiveMaxMessageSize(store: Store, configured: number): Promise<number> {
  const stored = await store.getServerSetting(MAX_MESSAGE_SIZE_KEY);
  if (stored === undefined) return configured;
  const value: unknown = JSON.parse(stored);
  return typeof value === 'number' && Number.isInteger(value) ? value : configured;
}

export class ServerSettingsServices {
  constructor(
    private readonly store: Store,
    /** config.json's maxMessageSize (or its default): the value with nothing stored. */
    private readonly configuredMaxMessageSize: number,
    private readonly apply: ApplyServerSettings,
  ) {}

  getMaxMessageSize(): Promise<number> {
    return effectiveMaxMessageSize(this.store, this.configuredMaxMessageSize);
  }

  /** Stores and applies; if the config cannot be rendered the previous value is put back. */
  async setMaxMessageSize(size: number): Promise<number> {
    if (!Number.isInteger(size) || size < MIN_MESSAGE_SIZE || size > MAX_MESSAGE_SIZE_LIMIT) {
      throw invalid(`the maximum message size must be an integer from ${MIN_MESSAGE_SIZE} to ${MAX_MESSAGE_SIZE_LIMIT} bytes`);
    }
    const previous = (await this.store.getServerSetting(MAX_MESSAGE_SIZE_KEY)) ?? null;
    await this.store.setServerSetting(MAX_MESSAGE_SIZE_KEY, JSON.stringify(size));
    try {
      await this.apply();
    } catch (err) {
      await this.store.setServerSetting(MAX_MESSAGE_SIZE_KEY, previous);
      throw new ServiceError('unavailable', 'the new size could not be applied to the running server; nothing changed', { reason: 'render failed' });
    }
    return size;
  }
}
