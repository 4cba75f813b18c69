/**
 * 6. Change latency: from starting `mailctl mailbox add` (a new CLI process, as an operator
 * types it) to the first message to that address answered 250 after DATA on the MX port.
 * Meanwhile a sender retries the address (RCPT 550 → RSET → RCPT again, on one connection,
 * reconnecting if the server hangs up), so the figure is "when does the change reach mail
 * routing", CLI start-up included. Also reported: when the CLI process exited.
 * Each way of making the change is a `ChangeVia`: the CLI, and the REST API (the stack's own
 * API on loopback, with the token the stack wrote to secrets/; one HTTP request per change,
 * a keep-alive connection as an admin tool or panel would hold).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dataPaths } from '@mail/orchestrator';
import { median, printTable, repoRoot, writeResult } from './lib/report';
import { startBenchStack, type BenchStack } from './lib/stack';
import { SmtpClient, testMessage } from '../test/helpers/smtp';

const MAILCTL = path.join(repoRoot(), 'orchestrator', 'dist', 'cli', 'mailctl.js');

export interface ChangeVia {
  name: string;
  /** Why it cannot run here, or null. */
  unavailable: () => string | null;
  /** Creates the mailbox; resolves when the change call returned. */
  addMailbox: (stack: BenchStack, address: string) => Promise<void>;
}

function mailctl(stack: BenchStack, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAILCTL, '--data-dir', stack.t.dataDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MAIL_HOSTNAME: 'mail.test' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`mailctl ${args.join(' ')}: ${stderr.trim()}`))));
  });
}

export const CHANGE_VIA: ChangeVia[] = [
  { name: 'mailctl', unavailable: () => null, addMailbox: (stack, address) => mailctl(stack, ['mailbox', 'add', address, '--owner', 'alice']) },
  { name: 'REST API', unavailable: () => null, addMailbox: apiAddMailbox },
];

/** POST /api/v1/mail/:domain/mailboxes with the stack's first token; any status but 201 is an error. */
async function apiAddMailbox(stack: BenchStack, address: string): Promise<void> {
  const [name, domain] = address.split('@') as [string, string];
  const token = fs.readFileSync(dataPaths(stack.t.dataDir).apiToken, 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${stack.t.ports.api}/api/v1/mail/${domain}/mailboxes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, ownerId: 'alice', ownerType: 'user' }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`API mailbox add ${address}: ${res.status} ${text}`);
}

/** Retries until the address takes a message; resolves at the 250 after DATA. */
async function deliverWhenRoutable(port: number, address: string, deadline: number): Promise<bigint> {
  let client: SmtpClient | null = null;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${address}: no delivery before the deadline`);
    try {
      if (!client) {
        client = (await SmtpClient.connect(port)).client;
        await client.ehlo('latency.test');
      }
      const sent = await client.send('latency@sender.test', [address], testMessage({ from: 'latency@sender.test', to: address, subject: 'change latency' }));
      if (sent.data?.code === 250) {
        const at = process.hrtime.bigint();
        await client.quit();
        return at;
      }
    } catch {
      client = null; // the server hung up (too many refused RCPTs): reconnect
    }
    // A pause between tries, so the sender does not take the CPU the change needs (±10 ms).
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function measureOnce(stack: BenchStack, via: ChangeVia, address: string): Promise<{ cliMs: number; deliveredMs: number }> {
  const started = process.hrtime.bigint();
  const delivered = deliverWhenRoutable(stack.t.ports.smtp, address, Date.now() + 60_000);
  await via.addMailbox(stack, address);
  const cliMs = Number(process.hrtime.bigint() - started) / 1e6;
  const deliveredMs = Number((await delivered) - started) / 1e6;
  return { cliMs, deliveredMs };
}

export async function main(): Promise<void> {
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 10);
  const stack = await startBenchStack();
  const rows: Record<string, unknown>[] = [];
  try {
    for (const via of CHANGE_VIA) {
      const why = via.unavailable();
      if (why) {
        rows.push({ via: via.name, rounds: 0, note: why });
        continue;
      }
      const samples = [];
      for (let i = 0; i < rounds; i++) samples.push(await measureOnce(stack, via, `lat-${via.name.replace(/\W/g, '')}-${i}@acme.test`));
      const delivered = samples.map((s) => s.deliveredMs);
      rows.push({ via: via.name, rounds, changeReturnedMedianMs: median(samples.map((s) => s.cliMs)), deliveredMedianMs: median(delivered), deliveredMinMs: Math.min(...delivered), deliveredMaxMs: Math.max(...delivered), samples });
    }
  } finally {
    await stack.t.stop();
  }
  printTable(
    'change latency: mailbox add → first 250 to it on the MX port, ms',
    ['via', 'rounds', 'change returned (median)', 'delivered (median)', 'min', 'max', 'note'],
    rows.map((r) => [r['via'] as string, r['rounds'] as number, r['changeReturnedMedianMs'] as number, r['deliveredMedianMs'] as number, r['deliveredMinMs'] as number, r['deliveredMaxMs'] as number, (r['note'] as string) ?? '']),
  );
  writeResult('latency', { rows });
}
