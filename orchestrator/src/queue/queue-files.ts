/**
 * Reads Haraka's outbound queue directory (as outbound/qfile.js and queue.js write
 * it) without Haraka: works whether or not the stack runs. One file per message and
 * destination domain, named `arrival_nextAttempt_attempts_pid_uid_counter_host`, and
 * starting with a 4-byte big-endian length and that many bytes of JSON (the "todo":
 * envelope, domain, notes, uuid); the message follows.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface QueuedMessage {
  /** The entry's uuid: stable while Haraka renames the file between attempts. */
  id: string;
  file: string;
  domain: string;
  sender: string;
  recipients: string[];
  /** ISO 8601. */
  queuedAt: string;
  nextAttempt: string;
  /** Failed attempts so far. */
  attempts: number;
  bytes: number;
}

interface TodoAddress {
  user?: string;
  host?: string;
}

interface Todo {
  uuid?: string;
  domain?: string;
  mail_from?: TodoAddress;
  rcpt_to?: TodoAddress[];
}

/** Names Haraka itself skips: files being written, and ones it set aside as unreadable. */
function isQueueEntry(name: string): boolean {
  return !name.startsWith('__tmp__.') && !name.startsWith('error.') && name.split('_').length === 7;
}

export function listQueue(queueDir: string): QueuedMessage[] {
  let names: string[];
  try {
    names = fs.readdirSync(queueDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: QueuedMessage[] = [];
  for (const name of names.filter(isQueueEntry)) {
    const entry = readEntry(queueDir, name);
    if (entry) found.push(entry);
  }
  return found.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
}

/** Undefined for a file that vanished meanwhile (delivered) or is not a queue file. */
function readEntry(queueDir: string, name: string): QueuedMessage | undefined {
  const [arrival, nextAttempt, attempts] = name.split('_').map(Number);
  let todo: Todo;
  let bytes: number;
  try {
    const fd = fs.openSync(path.join(queueDir, name), 'r');
    try {
      bytes = fs.fstatSync(fd).size;
      const head = Buffer.alloc(4);
      if (fs.readSync(fd, head, 0, 4, 0) !== 4) return undefined;
      const length = head.readUInt32BE(0);
      if (length > 1 << 20) return undefined;
      const json = Buffer.alloc(length);
      if (fs.readSync(fd, json, 0, length, 4) !== length) return undefined;
      todo = JSON.parse(json.toString('utf8')) as Todo;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return {
    id: todo.uuid ?? name,
    file: name,
    domain: todo.domain ?? '',
    sender: formatAddress(todo.mail_from),
    recipients: (todo.rcpt_to ?? []).map(formatAddress),
    queuedAt: isoTime(arrival),
    nextAttempt: isoTime(nextAttempt),
    attempts: Number.isInteger(attempts) ? (attempts ?? 0) : 0,
    bytes,
  };
}

function formatAddress(address: TodoAddress | undefined): string {
  if (!address?.user) return '<>';
  return address.host ? `${address.user}@${address.host}` : address.user;
}

function isoTime(ms: number | undefined): string {
  return ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

export function findQueued(queueDir: string, id: string): QueuedMessage | undefined {
  return listQueue(queueDir).find((m) => m.id === id);
}
