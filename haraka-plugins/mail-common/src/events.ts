/**
 * Structured events for the mail event log: one JSON object per line, appended to the
 * file named by MAIL_EVENTS_FILE (set by the orchestrator's supervisor). The
 * orchestrator's collector reads the file into its event store (orchestrator/src/events).
 * Losing an event never loses mail: a failed write is reported once and dropped.
 */
import fs from 'node:fs';

export type MailEventType = 'received' | 'rejected' | 'delivered' | 'deferred' | 'bounced' | 'login' | 'spam';

export interface MailEventInput {
  type: MailEventType;
  [field: string]: unknown;
}

let pending: Promise<void> = Promise.resolve();
let warned = false;

/** Appends in call order (one write per line, O_APPEND), never throws. */
export function emitEvent(event: MailEventInput, file = process.env['MAIL_EVENTS_FILE']): void {
  if (file === undefined || file === '') return;
  const line = `${JSON.stringify({ ts: new Date().toISOString(), source: 'haraka', ...event })}\n`;
  pending = pending.then(
    () => fs.promises.appendFile(file, line, { mode: 0o600 }),
  ).catch((err: unknown) => {
    if (!warned) console.error(`mail events: cannot append to ${file}: ${(err as Error).message}`);
    warned = true;
  });
}

/** Resolves once every event emitted so far is written (tests, shutdown). */
export function eventsFlushed(): Promise<void> {
  return pending;
}
