/**
 * The queue control socket (lib/control-protocol.ts) over Haraka's outbound queue.
 * Haraka 3 has no admin interface of its own (its cluster IPC messages only reach
 * forked workers), so the plugin that lives in Haraka's process listens on a unix
 * socket beside the other run-time files and acts on the queue directly.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { OutboundQueue } from '@mail/haraka-common';
import { formatReply, parseCommand, type ControlCommand, type ControlReply } from './lib/control-protocol';

const MAX_LINE = 512;

export async function startControlServer(socketPath: string, outbound: OutboundQueue, log: (m: string) => void): Promise<net.Server> {
  removeStaleSocket(socketPath);
  const server = net.createServer((socket) => serve(socket, outbound, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Root only: these commands change the queue.
  fs.chmodSync(socketPath, 0o600);
  server.on('error', (err) => log(`control socket error: ${err.message}`));
  return server;
}

/** A socket left by a Haraka that died; a second live stack is refused by the supervisor. */
function removeStaleSocket(socketPath: string): void {
  const stat = fs.lstatSync(socketPath, { throwIfNoEntry: false });
  if (stat?.isSocket()) fs.unlinkSync(socketPath);
}

function serve(socket: net.Socket, outbound: OutboundQueue, log: (m: string) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const end = buffer.indexOf('\n');
    if (end < 0 && buffer.length <= MAX_LINE) return;
    socket.removeAllListeners('data');
    const parsed = parseCommand(end < 0 ? '' : buffer.slice(0, end));
    const reply = 'kind' in parsed ? run(parsed, outbound) : Promise.resolve(parsed);
    reply
      .catch((err: Error): ControlReply => ({ ok: false, code: 'internal', error: err.message }))
      .then((r) => {
        if (r.ok) log(`control: ${r.message}`);
        socket.end(formatReply(r));
      }, () => socket.destroy());
  });
}

function run(command: ControlCommand, outbound: OutboundQueue): Promise<ControlReply> {
  return command.kind === 'flush' ? flush(outbound) : remove(outbound, command.id);
}

/**
 * Every entry waiting for its next attempt is taken off its timer and delivered now.
 * (Haraka's own flush_queue() drains the timers, but an entry loaded at start-up
 * then goes back on a timer until its recorded next-attempt time.)
 */
async function flush(outbound: OutboundQueue): Promise<ControlReply> {
  let retried = 0;
  for (const todo of await outbound.list_queue()) {
    if (!takeOffTimer(outbound, todo.file)) continue;
    outbound.delivery_queue.push(new outbound.HMailItem(todo.file, todo.full_path));
    retried++;
  }
  return { ok: true, message: `retrying ${retried} deferred message(s) now` };
}

/** False when the entry is not waiting (being delivered right now, or gone). */
function takeOffTimer(outbound: OutboundQueue, file: string): boolean {
  try {
    outbound.temp_fail_queue.discard(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Only a message that is waiting for its next attempt is removed: it is taken out of
 * the timer queue first, so no delivery can start on it while the file goes. One
 * being delivered right now is left alone (its file is in use and may be renamed).
 */
async function remove(outbound: OutboundQueue, id: string): Promise<ControlReply> {
  const todo = (await outbound.list_queue()).find((t) => t.uuid === id);
  if (!todo) return { ok: false, code: 'not_found', error: `no queued message ${id}` };
  if (!takeOffTimer(outbound, todo.file)) {
    return { ok: false, code: 'busy', error: `message ${id} is being delivered right now; try again in a moment` };
  }
  await fs.promises.unlink(todo.full_path);
  return { ok: true, message: `removed queued message ${id} (to ${todo.domain})` };
}
