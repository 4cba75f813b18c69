/**
 * Outbound throughput: authenticated submission → DKIM signing → Haraka's durable
 * outbound queue → a loopback "remote MX" found through the loopback DNS server.
 * Reports messages/s accepted on the submission port (each 250 means queued and
 * fsync'd) and delivered end to end (until the MX has every message), for a few
 * client concurrencies. Run: `npm run bench -- outbound`.
 */
import nodemailer from 'nodemailer';
import { PASSWORDS } from '../test/helpers/fixtures';
import type { RemoteMx } from '../test/helpers/remote-mx';
import { startWorld } from '../test/helpers/world';
import { printTable, writeResult } from './lib/report';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 400);
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '1,4,16').split(',').map(Number);
const BODY = 'x'.repeat(76).concat('\r\n').repeat(26); // ~2 KB, like FACTS.md's baselines

interface Row {
  concurrency: number;
  messages: number;
  acceptedPerSecond: number;
  deliveredPerSecond: number;
}

async function runOnce(port: number, mx: RemoteMx, concurrency: number, tag: string): Promise<Row> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    pool: true,
    maxConnections: concurrency,
    maxMessages: Infinity,
    auth: { user: 'alice@acme.test', pass: PASSWORDS.alice },
    tls: { rejectUnauthorized: false },
  });
  const before = mx.messages.length;
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < MESSAGES) {
      const i = next++;
      await transport.sendMail({
        envelope: { from: 'alice@acme.test', to: ['bob@remote.test'] },
        raw: `From: alice@acme.test\r\nTo: bob@remote.test\r\nSubject: ${tag}-${i}\r\nMessage-ID: <${tag}-${i}@acme.test>\r\n\r\n${BODY}`,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const accepted = Number(process.hrtime.bigint() - started) / 1e9;
  while (mx.messages.length - before < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 20));
  const delivered = Number(process.hrtime.bigint() - started) / 1e9;
  transport.close();
  return { concurrency, messages: MESSAGES, acceptedPerSecond: MESSAGES / accepted, deliveredPerSecond: MESSAGES / delivered };
}

export async function main(): Promise<void> {
  const world = await startWorld();
  const { mx, t } = world;
  const rows: Row[] = [];
  try {
    await runOnce(t.ports.submission, mx, 2, 'warmup');
    for (const c of CONCURRENCY) rows.push(await runOnce(t.ports.submission, mx, c, `c${c}`));
    const signed = mx.messages.filter((m) => /^DKIM-Signature:/im.test(m.raw.toString('utf8'))).length;
    if (signed !== mx.messages.length) throw new Error(`only ${signed} of ${mx.messages.length} messages were DKIM-signed`);
  } finally {
    await world.stop();
  }
  printTable(
    'outbound: submission 587 → DKIM → queue → loopback MX, ~2 KB messages, msgs/s',
    ['concurrency', 'messages', 'accepted msg/s', 'delivered msg/s'],
    rows.map((r) => [r.concurrency, r.messages, r.acceptedPerSecond, r.deliveredPerSecond]),
  );
  writeResult('outbound', { rows });
}
