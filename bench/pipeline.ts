/**
 * 2. Full inbound pipeline: the inbound throughput of our MX (smtp-source, ~2 KB, N
 * sessions, to stored) with every inbound check the branch has turned on, against the same
 * stack without them, and raw `spamc` throughput on the same message (a private spamd) —
 * the difference is our overhead around the checks.
 *
 * Turning checks on is configuration, not code: BENCH_PIPELINE_CONFIG is JSON merged into
 * config.json of the "pipeline" stack (on top of BENCH_CONFIG, which both stacks get), e.g.
 * the keys the spam filtering and SPF/DKIM/DMARC/DNSBL features define. With it unset the
 * branch's inbound path is measured as it is (LDAP routing + LMTP) and the row says so.
 * DNS for SPF/DNSBL: set MAIL_DNS_SERVERS in BENCH_PIPELINE_ENV to a loopback server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchConfig, parseBenchConfig } from './lib/config';
import { printTable, ratio, writeResult } from './lib/report';
import { PrivateSpamd, spamcRate } from './lib/spamd';
import { startBenchStack } from './lib/stack';
import { runTarget, sessionCounts, type SizeClass } from './inbound';
import { freePort } from '../test/helpers/stack';

// spamd scans take ~70 ms each on a quiet 2-core machine (FACTS.md), over 1 s on a loaded one.
const SPAMC_SCANS = Number(process.env['BENCH_SPAMC_SCANS'] ?? 100);

async function oursRates(config: Record<string, unknown>, env: Record<string, string>, size: SizeClass, sessions: number[], tag: string): Promise<{ rates: (number | null)[]; sample: Buffer | null }> {
  const stack = await startBenchStack(config, env);
  const rates: (number | null)[] = [];
  let sample: Buffer | null = null;
  try {
    await runTarget(stack, `127.0.0.1:${stack.t.ports.smtp}`, 'ours', { ...size, messages: 50 }, 4, `${tag}warm`);
    for (const s of sessions) {
      const run = await runTarget(stack, `127.0.0.1:${stack.t.ports.smtp}`, 'ours', size, s, tag);
      if (run.error) console.error(`pipeline ${tag} s${s}: ${run.error}`);
      rates.push(run.perSecond);
      const dir = path.join(stack.vmail, `${tag}-ours-${size.name.toLowerCase()}-s${s}@acme.test`, 'Maildir', 'new');
      const first = fs.existsSync(dir) ? fs.readdirSync(dir)[0] : undefined;
      if (!sample && first) sample = fs.readFileSync(path.join(dir, first));
    }
  } finally {
    await stack.t.stop();
  }
  return { rates, sample };
}

export async function main(): Promise<void> {
  const messages = Number(process.env['BENCH_MESSAGES'] ?? (process.env['BENCH_FULL'] === '1' ? 10_000 : 1_000));
  const size: SizeClass = { name: '2KB', bytes: 2048, messages };
  const sessions = sessionCounts();
  const pipelineConfig = parseBenchConfig(process.env['BENCH_PIPELINE_CONFIG']);
  const pipelineEnv = parseBenchConfig(process.env['BENCH_PIPELINE_ENV']) as Record<string, string>;
  const enabled = Object.keys(pipelineConfig).length > 0 || Object.keys(pipelineEnv).length > 0;

  const base = await oursRates(benchConfig(), {}, size, sessions, 'base');
  const full = enabled ? await oursRates({ ...benchConfig(), ...pipelineConfig }, pipelineEnv, size, sessions, 'full') : null;
  const spamc: (number | null)[] = [];
  if (base.sample) {
    const spamd = await PrivateSpamd.start(await freePort(), 4);
    try {
      await spamcRate(spamd.port, base.sample, 8, 4); // warm-up: rules compiled, children forked
      for (const s of sessions) spamc.push(await spamcRate(spamd.port, base.sample, SPAMC_SCANS, s));
    } finally {
      await spamd.stop();
    }
  }
  const rows = sessions.map((s, i) => {
    const pipeline = full ? (full.rates[i] ?? null) : null;
    return { sessions: s, messages, base: base.rates[i] ?? null, pipeline, spamc: spamc[i] ?? null, pipelineOverBase: ratio(pipeline, base.rates[i]), pipelineOverSpamc: ratio(pipeline, spamc[i]) };
  });
  const note = enabled ? `pipeline config: ${JSON.stringify(pipelineConfig)}` : 'BENCH_PIPELINE_CONFIG unset: no inbound checks to turn on on this branch; "pipeline" not run';
  printTable(
    `full inbound pipeline: msgs/s to stored (~2 KB), and raw spamc scans/s on the same message (private spamd, 4 children, no network tests)\n${note}`,
    ['sessions', 'messages', 'ours (base)', 'ours (pipeline)', 'raw spamc', 'pipeline/base', 'pipeline/spamc'],
    rows.map((r) => [r.sessions, r.messages, r.base, r.pipeline, r.spamc, r.pipelineOverBase, r.pipelineOverSpamc]),
    [0, 0, 1, 1, 1, 2, 2],
  );
  writeResult('pipeline', { pipelineConfig, pipelineEnv: Object.keys(pipelineEnv), enabled, note, rows });
}
