/**
 * Feeds the event store: tails Haraka's event file (JSON lines from
 * haraka-plugin-mail-events and mail-auth) and Dovecot's log (logins), from a cursor
 * saved with the events (store.ts), and applies retention. Runs inside the stack's
 * process (`npm start`); `mailctl events` only reads the store.
 */
import fs from 'node:fs';
import type { DataPaths } from '../config/paths';
import { parseDovecotLogin } from './dovecot-log';
import { isEventType, type EventInput, type EventStore } from './store';

export interface EventSource {
  name: string;
  file: string;
  parse(line: string): EventInput | undefined;
  /** Renamed away and drained once fully read and larger than this (we own the file). */
  rotateAboveBytes?: number;
}

const CHUNK_BYTES = 1 << 20;
const DAY_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** A line of Haraka's event file; anything malformed is skipped, never fatal. */
export function parseHarakaEvent(line: string): EventInput | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { ts, type, source: _source, ...data } = parsed as Record<string, unknown>;
  if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts)) || typeof type !== 'string' || !isEventType(type)) return undefined;
  return { ts: new Date(ts).toISOString(), type, source: 'haraka', data };
}

export function harakaEventsFile(paths: DataPaths): string {
  return `${paths.logs}/haraka-events.jsonl`;
}

export function defaultSources(paths: DataPaths): EventSource[] {
  return [
    { name: 'haraka', file: harakaEventsFile(paths), parse: parseHarakaEvent, rotateAboveBytes: 8 << 20 },
    { name: 'dovecot', file: `${paths.logs}/dovecot.log`, parse: parseDovecotLogin },
  ];
}

export class EventCollector {
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;

  constructor(
    private readonly store: EventStore,
    private readonly sources: readonly EventSource[],
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 1000): void {
    this.poll();
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  /** One last read, so what happened before the stop is kept. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
  }

  /** Reads every source to its end and prunes when due; errors are reported, never thrown. */
  poll(): void {
    for (const source of this.sources) {
      try {
        this.drain(source);
      } catch (err) {
        console.error(`event log: reading ${source.file} failed: ${(err as Error).message}`);
      }
    }
    if (this.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.store.prune(new Date(this.now() - this.retentionDays * DAY_MS));
      this.lastPrune = this.now();
    }
  }

  private drain(source: EventSource): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source.file);
    } catch {
      return; // nothing written yet
    }
    let offset = this.readFrom(source, stat);
    while (offset < stat.size) {
      const next = this.ingestChunk(source, stat.ino, offset);
      if (next === offset) break; // an unfinished last line: next time
      offset = next;
    }
    if (offset === stat.size && source.rotateAboveBytes !== undefined && stat.size > source.rotateAboveBytes) this.rotate(source, stat.ino);
  }

  /** Where to go on: the saved cursor, or the start of a new or truncated file. */
  private readFrom(source: EventSource, stat: fs.Stats): number {
    const cursor = this.store.cursor(source.name);
    return cursor && cursor.inode === stat.ino && cursor.offset <= stat.size ? cursor.offset : 0;
  }

  private ingestChunk(source: EventSource, inode: number, offset: number): number {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const fd = fs.openSync(source.file, 'r');
    let read: number;
    try {
      read = fs.readSync(fd, buffer, 0, CHUNK_BYTES, offset);
    } finally {
      fs.closeSync(fd);
    }
    const end = buffer.subarray(0, read).lastIndexOf(0x0a);
    if (end < 0) return offset;
    const events = buffer
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .map((line) => source.parse(line.replace(/\r$/, '')))
      .filter((e): e is EventInput => e !== undefined);
    const next = offset + end + 1;
    this.store.add(events, { source: source.name, inode, offset: next });
    return next;
  }

  /** Renames the file away (writers open it by name per line), drains the rest, deletes it. */
  private rotate(source: EventSource, inode: number): void {
    const old = `${source.file}.rotating`;
    fs.renameSync(source.file, old);
    const renamed = { ...source, file: old };
    const stat = fs.statSync(old);
    let offset = this.readFrom(renamed, stat);
    while (offset < stat.size) {
      const next = this.ingestChunk(renamed, inode, offset);
      if (next === offset) break;
      offset = next;
    }
    fs.rmSync(old, { force: true });
    this.store.add([], { source: source.name, inode: 0, offset: 0 });
  }
}
