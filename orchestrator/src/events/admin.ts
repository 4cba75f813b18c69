/**
 * Administrative changes in the event log: who changed what, when. Recorded by the
 * front ends (mailctl here; the API with its token's name) after a change succeeded,
 * with the command's words and positional arguments only — option values (passwords)
 * never reach the log.
 */
import os from 'node:os';
import type { DataPaths } from '../config/paths';
import { EventStore, type EventInput } from './store';

/** Verbs that change something; reads (list, show, status, events) are not recorded. */
const CHANGING_VERBS = new Set(['add', 'rm', 'set', 'passwd', 'enable', 'disable', 'flush', 'import']);

export function isChange(verb: string | undefined): boolean {
  return verb !== undefined && CHANGING_VERBS.has(verb);
}

export function adminEvent(actor: string, action: string, target: readonly string[], now = new Date()): EventInput {
  return { ts: now.toISOString(), type: 'admin', source: 'admin', data: { actor, action, target: target.join(' ') } };
}

/** `mailctl (root)`: the CLI runs on the server, as a system user. */
export function cliActor(): string {
  return `mailctl (${os.userInfo().username})`;
}

export function recordAdminEvent(paths: DataPaths, event: EventInput): void {
  const store = new EventStore(paths.events);
  try {
    store.add([event]);
  } finally {
    store.close();
  }
}
