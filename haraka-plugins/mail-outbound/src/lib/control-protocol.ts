/**
 * The queue control protocol between `mailctl queue` and Haraka: one request line,
 * one JSON reply line, then the server closes. Over a unix socket of mode 0600, so
 * only root (who owns the data directory anyway) can use it. Pure.
 *
 *   flush         → every deferred message is retried now
 *   remove <id>   → the queued message with that id (the queue entry's uuid) is deleted
 */

export type ControlCommand = { kind: 'flush' } | { kind: 'remove'; id: string };

export type ControlReply =
  | { ok: true; message: string }
  | { ok: false; code: 'bad_request' | 'not_found' | 'busy' | 'internal'; error: string };

/** Queue ids are Haraka transaction uuids plus `.N`. */
const ID = /^[A-Za-z0-9.-]{1,100}$/;

export function parseCommand(line: string): ControlCommand | ControlReply {
  const [verb, ...rest] = line.trim().split(/\s+/);
  if (verb === 'flush' && rest.length === 0) return { kind: 'flush' };
  if (verb === 'remove' && rest.length === 1 && ID.test(rest[0] ?? '')) return { kind: 'remove', id: rest[0] ?? '' };
  return { ok: false, code: 'bad_request', error: `unknown command '${line.trim().slice(0, 80)}'` };
}

export function formatReply(reply: ControlReply): string {
  return `${JSON.stringify(reply)}\n`;
}
