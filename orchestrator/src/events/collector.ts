/**
 * Feeds the event log from the logs the supervisor writes (data/logs/haraka.log,
 * dovecot.log, ldap-bridge.log): every second it reads what was appended since the last time, from an
 * offset kept in the store (server_settings `eventLog.offsets`), so a restart neither
 * loses nor repeats lines (a crash between the two writes may repeat one batch).
 * A file that shrank or was replaced is read again from its start; when it was replaced
 * by the supervisor's rotation (log-sink.ts: FILE became FILE.1), the rest of FILE.1 is
 * read first, so no line is lost to a rotation. Every hour, events older than the
 * retention are pruned.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NewEvent, Store } from '../store';
import { parseBridgeLine } from './parse-bridge';
import { parseDovecotLine } from './parse-dovecot';
import { HarakaLogParser } from './parse-haraka';

const OFFSETS_KEY = 'eventLog.offsets';
const POLL_MS = 1000;
const PRUNE_MS = 3_600_000;
/** Read at most this much of one file per tick, so a huge backlog does not stall the process. */
const MAX_CHUNK = 4 * 1024 * 1024;

type Offsets = Record<string, { ino: number; offset: number }>;

interface Source {
  file: string;
  parse(line: string): NewEvent | undefined;
}

export interface EventCollector {
  /** Reads what is new now (tests, and the timer). */
  collect(): Promise<number>;
  prune(): Promise<number>;
  /** Stops the timers and waits for a read in progress. */
  stop(): Promise<void>;
}

export function startEventCollector(store: Store, logsDir: string, retentionDays: number): EventCollector {
  const haraka = new HarakaLogParser();
  const sources: Source[] = [
    { file: path.join(logsDir, 'haraka.log'), parse: (line) => haraka.parse(line) },
    { file: path.join(logsDir, 'dovecot.log'), parse: (line) => parseDovecotLine(line) },
    { file: path.join(logsDir, 'ldap-bridge.log'), parse: parseBridgeLine },
  ];
  let running: Promise<number> | undefined;
  const collector: EventCollector = {
    collect: () => (running ??= collectOnce(store, sources).finally(() => (running = undefined))),
    prune: () => store.pruneEvents(new Date(Date.now() - retentionDays * 86_400_000).toISOString()),
    async stop() {
      clearInterval(poll);
      clearInterval(pruner);
      await running?.catch(() => 0);
    },
  };
  const report = (err: unknown): void => console.error(`event log: ${(err as Error).message}`);
  const poll = setInterval(() => void collector.collect().catch(report), POLL_MS);
  const pruner = setInterval(() => void collector.prune().catch(report), PRUNE_MS);
  poll.unref();
  pruner.unref();
  void collector.prune().catch(report);
  return collector;
}

async function collectOnce(store: Store, sources: Source[]): Promise<number> {
  const offsets = JSON.parse((await store.getServerSetting(OFFSETS_KEY)) ?? '{}') as Offsets;
  const events: NewEvent[] = [];
  for (const source of sources) {
    const last = offsets[source.file];
    const rest = last ? restOfRotated(source.file, last) : { lines: [], position: last };
    if (rest.position) offsets[source.file] = rest.position;
    const next = readNewLines(source.file, rest.position);
    if (next) offsets[source.file] = next.position;
    for (const line of [...rest.lines, ...(next?.lines ?? [])]) {
      const event = source.parse(line);
      if (event) events.push(event);
    }
  }
  if (events.length > 0) await store.addEvents(events);
  await store.setServerSetting(OFFSETS_KEY, JSON.stringify(offsets));
  return events.length;
}

/**
 * When FILE is no longer the file the offset was kept for but FILE.1 is (rotated since the
 * last read): the complete lines FILE.1 holds past the offset, and the position after them
 * (still FILE.1's inode, so the next read of FILE starts at its beginning).
 */
function restOfRotated(file: string, last: Offsets[string]): { lines: string[]; position: Offsets[string] } {
  const lines: string[] = [];
  try {
    if (fs.statSync(file).ino === last.ino) return { lines, position: last };
  } catch {
    // FILE not there yet after the rename: FILE.1 may still hold the rest
  }
  let position = last;
  for (;;) {
    const next = readNewLines(`${file}.1`, position);
    if (!next || next.position.ino !== last.ino || next.lines.length === 0) return { lines, position };
    lines.push(...next.lines);
    position = next.position;
  }
}

function readNewLines(file: string, last: Offsets[string] | undefined): { lines: string[]; position: Offsets[string] } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined; // not written yet
  }
  try {
    const { ino, size } = fs.fstatSync(fd);
    const start = last && last.ino === ino && last.offset <= size ? last.offset : 0;
    const length = Math.min(size - start, MAX_CHUNK);
    if (length <= 0) return { lines: [], position: { ino, offset: start } };
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, start);
    // Only complete lines: a line still being written is read next time.
    const end = buffer.lastIndexOf(0x0a) + 1;
    const lines = buffer.subarray(0, end).toString('utf8').split('\n').filter((l) => l.length > 0);
    return { lines, position: { ino, offset: start + end } };
  } finally {
    fs.closeSync(fd);
  }
}
