/**
 * The event log: what the mail server did (deliveries, rejections, logins, fed from
 * Haraka's and Dovecot's logs by events/collector.ts) and every administrative change
 * (recorded here by the API and mailctl: who, what, when — never a password).
 */
import os from 'node:os';
import { EVENT_TYPES, type EventRow, type EventType, type Store } from '../store';
import { invalid } from './errors';

export const DEFAULT_EVENT_RETENTION_DAYS = 14;

export interface EventSearch {
  types?: string[];
  search?: string;
  page: number;
  perPage: number;
  afterId?: number;
}

export function checkEventTypes(types: string[]): EventType[] {
  const bad = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (bad.length > 0) throw invalid(`unknown event type(s): ${bad.join(', ')} (one of ${EVENT_TYPES.join(', ')})`);
  return types as EventType[];
}

export async function searchEvents(store: Store, q: EventSearch): Promise<{ events: EventRow[]; total: number }> {
  const types = checkEventTypes(q.types ?? []);
  return store.queryEvents({
    ...(types.length > 0 ? { types } : {}),
    ...(q.search ? { search: q.search } : {}),
    ...(q.afterId !== undefined ? { afterId: q.afterId } : {}),
    offset: (q.page - 1) * q.perPage,
    limit: q.perPage,
  });
}

/** An administrative change; a failure to record it never undoes the change. */
export async function recordAdminEvent(
  store: Store,
  change: { source: 'api' | 'mailctl'; actor: string; message: string; details?: Record<string, unknown> },
): Promise<void> {
  try {
    await store.addEvents([
      { time: new Date().toISOString(), type: 'admin', source: change.source, actor: change.actor, remote: null, message: change.message, details: change.details ?? {} },
    ]);
  } catch (err) {
    console.error(`event log: could not record '${change.message}': ${(err as Error).message}`);
  }
}

/** Who runs mailctl: the login name of the process owner. */
export function localActor(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
