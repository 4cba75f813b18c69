/**
 * Haraka glue: hands list forwards and SRS bounces (lib/list-delivery.ts) to Haraka's
 * outbound queue, each as a transaction of its own so its envelope sender can differ
 * from the received one. The queue file is written (and fsync'd by Haraka) before the
 * callback, so a 250 given afterwards keeps the promise of DESIGN.md.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import { Address } from '@haraka/email-address';
import {
  HookCode,
  type Connection,
  type HarakaPlugin,
  type MessageStream,
  type Outbound,
  type Transaction,
} from '@mail/haraka-common';
import type { Forward } from './lib/list-delivery';

/** The parts of Haraka's Transaction this file uses beyond mail-common's type. */
interface FullTransaction extends Transaction {
  cfg?: unknown;
  message_stream: MessageStream & { add_line_end(): void };
  header: { get_all(name: string): string[] };
  add_data(line: Buffer): void;
}

interface TransactionModule {
  createTransaction(uuid: string | null, cfg: unknown): FullTransaction;
}

export function headerValues(transaction: Transaction, names: readonly string[]): string[] {
  const { header } = transaction as FullTransaction;
  return names.flatMap((name) => header.get_all(name));
}

/** The received message in wire form (still dot-stuffed, CRLF), as one buffer. */
async function wireMessage(transaction: Transaction): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    sink.once('end', resolve);
    sink.once('error', reject);
  });
  transaction.message_stream.pipe(sink, { dot_stuffed: false, line_endings: '\r\n' });
  await done;
  return Buffer.concat(chunks);
}

/** Splits at LF, keeping each line's CRLF (binary-safe: 8BITMIME bodies stay intact). */
function* lines(message: Buffer): Generator<Buffer> {
  let start = 0;
  for (let lf = message.indexOf(0x0a); lf >= 0; lf = message.indexOf(0x0a, start)) {
    yield message.subarray(start, lf + 1);
    start = lf + 1;
  }
  if (start < message.length) yield message.subarray(start);
}

function queueOne(plugin: HarakaPlugin, source: Transaction, message: Buffer, forward: Forward): Promise<boolean> {
  const transactions = plugin.haraka_require('transaction') as TransactionModule;
  const outbound = plugin.haraka_require('outbound') as Outbound;
  const copy = transactions.createTransaction(null, (source as FullTransaction).cfg);
  copy.mail_from = new Address(`<${forward.sender}>`);
  copy.rcpt_to = forward.recipients.map((r) => new Address(`<${r}>`));
  // Our own name in EHLO even where Haraka leaves it unset (NODE_ENV=test, see HarakaMx).
  copy.notes['outbound_helo'] = plugin.config.get('me', 'value') ?? os.hostname();
  for (const line of lines(message)) copy.add_data(line);
  copy.message_stream.add_line_end();
  return new Promise((resolve) => outbound.send_trans_email(copy, (code) => resolve(code === HookCode.OK)));
}

/** Queues every forward; false if any could not be queued (the caller tempfails). */
export async function queueForwards(
  plugin: HarakaPlugin,
  connection: Connection,
  transaction: Transaction,
  forwards: readonly Forward[],
): Promise<boolean> {
  if (forwards.length === 0) return true;
  const message = await wireMessage(transaction);
  for (const forward of forwards) {
    const queued = await queueOne(plugin, transaction, message, forward);
    const log = queued ? connection.loginfo : connection.logerror;
    log.call(connection, plugin, queued ? 'forward queued' : 'forward could not be queued', {
      sender: forward.sender,
      rcpts: forward.recipients.join(','),
    });
    if (!queued) return false;
  }
  return true;
}
