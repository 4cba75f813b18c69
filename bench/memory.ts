/**
 * 4. Memory: RSS (VmRSS) of every process of the stack, idle and under inbound load. Each
 * supervised service from run/state.json is counted with all its descendants (Dovecot's
 * auth/lmtp/imap children, Haraka's workers); the orchestrator by itself. Two stacks, one
 * after the other: as shipped (spam filtering on: spamd and its children) and with
 * `"spamFilter": false` (no spamd). BENCH_CONFIG is merged into both.
 */
import { processTree } from './lib/proc';
import { ProcessStack } from './lib/process-stack';
import { benchConfig } from './lib/config';
import { printTable, writeResult } from './lib/report';
import { runSmtpSource } from './lib/smtp-source';

interface Sample {
  process: string;
  processes: number;
  rssMiB: number;
}

function sample(stack: ProcessStack): Sample[] {
  const state = stack.state();
  const mib = (kb: number): number => Math.round((kb / 1024) * 10) / 10;
  const own = processTree(state.pid).find((p) => p.pid === state.pid);
  const rows: Sample[] = [{ process: 'orchestrator', processes: 1, rssMiB: mib(own?.rssKb ?? 0) }];
  for (const [name, service] of Object.entries(state.services)) {
    if (service.pid === null) continue;
    const tree = processTree(service.pid);
    rows.push({ process: name, processes: tree.length, rssMiB: mib(tree.reduce((sum, p) => sum + p.rssKb, 0)) });
  }
  rows.push({ process: 'total', processes: rows.reduce((s, r) => s + r.processes, 0), rssMiB: Math.round(rows.reduce((s, r) => s + r.rssMiB, 0) * 10) / 10 });
  return rows;
}

/** Highest RSS seen per row while `work` runs, sampled every 200 ms. */
async function peakDuring(stack: ProcessStack, work: Promise<unknown>): Promise<Sample[]> {
  const peak = new Map<string, Sample>();
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    for (const s of sample(stack)) if ((peak.get(s.process)?.rssMiB ?? -1) < s.rssMiB) peak.set(s.process, s);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await work;
  return [...peak.values()];
}

interface Variant {
  name: string;
  config: Record<string, unknown>;
}

const VARIANTS: Variant[] = [
  { name: 'with spamd', config: {} },
  { name: 'without spamd', config: { spamFilter: false } },
];

async function measure(variant: Variant, messages: number): Promise<Record<string, unknown>[]> {
  const config = { ...variant.config, ...benchConfig() };
  const stack = await ProcessStack.start(config);
  let idle: Sample[] = [];
  let load: Sample[] = [];
  try {
    // Settle: the first logins and lookups have happened (populate), timers have run once.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    idle = sample(stack);
    const sending = runSmtpSource({ target: `127.0.0.1:${stack.ports.smtp}`, sessions: 16, messages, size: 2048, from: 'load@sender.test', to: 'bob@acme.test' });
    load = await peakDuring(stack, sending);
    const sent = await sending;
    if (sent.errors.length) throw new Error(`load: ${sent.errors[0]}`);
  } finally {
    await stack.stop();
  }
  return idle.map((i) => {
    const peak = load.find((l) => l.process === i.process);
    return { variant: variant.name, process: i.process, processesIdle: i.processes, idleMiB: i.rssMiB, processesLoad: peak?.processes ?? null, loadMiB: peak?.rssMiB ?? null };
  });
}

export async function main(): Promise<void> {
  // Not BENCH_FULL's 10k: the peak is reached within seconds, and with spamd 10k take ~10 min.
  const messages = Number(process.env['BENCH_MEMORY_MESSAGES'] ?? 2_000);
  const rows: Record<string, unknown>[] = [];
  for (const variant of VARIANTS) rows.push(...(await measure(variant, messages)));
  printTable(
    `memory: RSS MiB per service (with its children), idle and peak under load (${messages} × 2 KB, 16 sessions)`,
    ['stack', 'process', 'procs idle', 'idle MiB', 'procs load', 'peak MiB'],
    rows.map((r) => [r['variant'], r['process'], r['processesIdle'], r['idleMiB'], r['processesLoad'], r['loadMiB']] as (string | number | null)[]),
  );
  writeResult('memory', { config: benchConfig(), variants: VARIANTS, messages, rows });
}
