/**
 * 2. Full inbound pipeline: msgs/s to stored (~2 KB, a new connection per message, N
 * sessions) for our MX three ways, and raw `spamc` on the same message against the same
 * spamd:
 *   base   — no checks: the client presents a private address (checks skip it), no spamd
 *            (`"spamFilter": false`): routing + LMTP, what `inbound` measures;
 *   checks — a public client address: SPF (haraka-plugin-spf), DKIM verify + DMARC
 *            (mailauth), rDNS and the DNSBL (haraka-plugin-dns-list + our re-check), every
 *            DNS answer from a loopback DNS server; still no spamd;
 *   full   — the same with spam filtering on, as shipped (spamd scores every message).
 * The client address is presented with XCLIENT (bench/lib/xclient-load.ts; the stack runs
 * with MAIL_TEST_XCLIENT=1): smtp-source from 127.0.0.1 would have every check skipped.
 * The message is DKIM-signed by its sender domain, whose SPF allows the client and whose
 * DMARC says p=reject, so every check passes; one stored message per run is read back to
 * prove the checks ran (Authentication-Results, X-Mailserver-Rdns, X-Spam-Status, the
 * DNSBL query) — a run where they did not is an error, not a figure.
 * `full/spamc` is how close the whole pipeline comes to spamd alone: our overhead.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dkimSign } from 'mailauth';
import { setDnsblZones } from '@mail/orchestrator';
import { waitForStored } from './lib/maildir';
import { printTable, ratio, writeResult } from './lib/report';
import { spamcRate } from './lib/spamd';
import { freshMailbox, startBenchStack, type BenchStack } from './lib/stack';
import { runXclientLoad } from './lib/xclient-load';
import { sessionCounts } from './inbound';
import { TestDnsServer, type TestRecord } from '../test/helpers/dns-server';
import { SmtpClient, testMessage } from '../test/helpers/smtp';
import { waitFor } from '../test/helpers/wait';

// spamd scans take ~70 ms each on a quiet 2-core machine (FACTS.md).
const SPAMC_SCANS = Number(process.env['BENCH_SPAMC_SCANS'] ?? 100);
/** 198.18.0.0/15 (RFC 2544, benchmarking): public to the plugins, never routed here. */
const PUBLIC_IP = '198.18.7.25';
const PRIVATE_IP = '10.7.0.25';
/** Listed on the bench DNSBL: refused once the zone is in force. */
const LISTED_IP = '198.18.7.66';
const SENDER = 'sender.bench';
const DNSBL_ZONE = 'bl.bench';

type Variant = 'base' | 'checks' | 'full';
const VARIANTS: { name: Variant; config: Record<string, unknown>; clientIp: string }[] = [
  { name: 'base', config: { spamFilter: false }, clientIp: PRIVATE_IP },
  { name: 'checks', config: { spamFilter: false }, clientIp: PUBLIC_IP },
  { name: 'full', config: {}, clientIp: PUBLIC_IP },
];

function records(dkimPublic: string): TestRecord[] {
  return [
    { type: 'TXT', name: SENDER, text: `v=spf1 ip4:198.18.7.0/24 -all` },
    { type: 'TXT', name: `_dmarc.${SENDER}`, text: 'v=DMARC1; p=reject' },
    { type: 'TXT', name: `sel._domainkey.${SENDER}`, text: `v=DKIM1; k=rsa; p=${dkimPublic}` },
    { type: 'PTR', name: TestDnsServer.reverseName(PUBLIC_IP), target: `mx.${SENDER}` },
    { type: 'A', name: `mx.${SENDER}`, address: PUBLIC_IP },
    // The DNSBL's RFC 5782 §5 test entry, so dns-list's zone check finds the zone working.
    { type: 'A', name: `2.0.0.127.${DNSBL_ZONE}`, address: '127.0.0.2' },
    { type: 'A', name: `${TestDnsServer.reverseName(LISTED_IP).replace(/\.in-addr\.arpa$/, '')}.${DNSBL_ZONE}`, address: '127.0.0.2' },
  ];
}

/** A ~2 KB plain-text message, DKIM-signed (relaxed/relaxed, RSA 2048) by the sender domain. */
async function signedMessage(privateKey: crypto.KeyObject, to: string): Promise<string> {
  const paragraph = 'The quarterly figures are attached below as plain text. Please check the totals against your own records before Friday, and tell me if anything looks off.\r\n';
  const raw = testMessage({ from: `load@${SENDER}`, to, subject: 'Quarterly figures', body: `Hello,\r\n\r\n${paragraph.repeat(12)}\r\nRegards,\r\nLoad\r\n` });
  const options = {
    canonicalization: 'relaxed/relaxed',
    signatureData: [{ signingDomain: SENDER, selector: 'sel', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) }],
  };
  // mailauth 4.13's signer reads `signatureData`; its bundled typings describe another shape.
  const { signatures, errors } = await dkimSign(raw, options as unknown as Parameters<typeof dkimSign>[1]);
  if ((errors as unknown[]).length || !signatures) throw new Error(`DKIM signing failed: ${JSON.stringify(errors)}`);
  return signatures + raw;
}

function storedSample(stack: BenchStack, mailbox: string): string {
  const dir = path.join(stack.vmail, mailbox, 'Maildir');
  for (const sub of ['new', 'cur']) {
    const files = fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub)) : [];
    if (files[0]) return fs.readFileSync(path.join(dir, sub, files[0]), 'utf8');
  }
  throw new Error(`${mailbox}: nothing stored`);
}

/** What the stored message proves ran; throws if the variant's checks did not. */
function verify(variant: Variant, stored: string, dns: TestDnsServer): string[] {
  const head = stored.slice(0, stored.indexOf('\r\n\r\n') >= 0 ? stored.indexOf('\r\n\r\n') : stored.indexOf('\n\n')).replace(/\r?\n[ \t]+/g, ' ');
  const seen: string[] = [];
  for (const [label, pattern] of [
    ['spf=pass', /^Authentication-Results:.*\bspf=pass\b/im],
    ['dkim=pass', /^Authentication-Results:.*\bdkim=pass\b/im],
    ['dmarc=pass', /^Authentication-Results:.*\bdmarc=pass\b/im],
    ['rdns=pass', /^X-Mailserver-Rdns: pass\b/im],
    ['spamd scored', /^X-Spam-Status: (Yes|No), score=/im],
  ] as const) {
    if (pattern.test(head)) seen.push(label);
  }
  const reversed = TestDnsServer.reverseName(PUBLIC_IP).replace(/\.in-addr\.arpa$/i, '');
  if (dns.queries.some((q) => q.toLowerCase().startsWith(`${reversed}.${DNSBL_ZONE}/`))) seen.push('dnsbl queried');
  const expected = variant === 'base' ? [] : ['spf=pass', 'dkim=pass', 'dmarc=pass', 'rdns=pass', 'dnsbl queried', ...(variant === 'full' ? ['spamd scored'] : [])];
  const missing = expected.filter((e) => !seen.includes(e));
  if (missing.length) throw new Error(`pipeline ${variant}: the stored message shows no ${missing.join(", ")}:\n${head}\nDNS queries: ${[...new Set(dns.queries)].join(" ")}`);
  if (variant === 'base' && seen.some((s) => s !== 'dnsbl queried')) throw new Error(`pipeline base: checks ran on a private client: ${seen.join(', ')}`);
  return seen;
}

interface VariantResult {
  rates: (number | null)[];
  verified: string[];
  spamc: (number | null)[];
}

async function runVariant(variant: (typeof VARIANTS)[number], dns: TestDnsServer, key: crypto.KeyObject, messages: number, sessions: number[]): Promise<VariantResult> {
  const stack = await startBenchStack(variant.config, { MAIL_DNS_SERVERS: dns.address, MAIL_TEST_XCLIENT: '1' });
  const result: VariantResult = { rates: [], verified: [], spamc: [] };
  try {
    await setDnsblZones(stack.t.services, DNSBL_ZONE);
    // Haraka notices the new dns-list.ini on its own: wait until a listed client is refused.
    await waitFor(`the ${DNSBL_ZONE} zone in force`, async () => {
      const { client } = await SmtpClient.connect(stack.t.ports.smtp);
      await client.ehlo(`mx.${SENDER}`);
      const greeting = await client.cmd(`XCLIENT ADDR=${LISTED_IP}`);
      await client.quit().catch(() => undefined);
      return greeting.code >= 500 ? true : undefined;
    });
    const load = async (tag: string, count: number, s: number): Promise<{ rate: number | null; mailbox: string; message: string }> => {
      const mailbox = await freshMailbox(stack, `${variant.name}-${tag}-s${s}`);
      const message = await signedMessage(key, mailbox);
      dns.queries.length = 0;
      const started = process.hrtime.bigint();
      const sent = await runXclientLoad({ port: stack.t.ports.smtp, sessions: s, messages: count, clientIp: variant.clientIp, helo: `mx.${SENDER}`, from: `load@${SENDER}`, to: mailbox, message });
      if (sent.errors.length || sent.completed < count) {
        console.error(`pipeline ${variant.name} s${s}: ${sent.completed}/${count} accepted; ${sent.errors.join('; ')}`);
        return { rate: null, mailbox, message };
      }
      const stored = await waitForStored(stack.vmail, mailbox, count, 120_000 + count * 200);
      return { rate: count / (Number(stored - started) / 1e9), mailbox, message };
    };
    const warm = await load('warm', 50, 4);
    result.verified = verify(variant.name, storedSample(stack, warm.mailbox), dns);
    let sample = warm.message;
    for (const s of sessions) {
      const run = await load('run', messages, s);
      result.rates.push(run.rate);
      sample = run.message;
    }
    if (variant.name === 'full') {
      // Raw spamc against the stack's own spamd (same config, same children), same message.
      const body = Buffer.from(sample);
      await spamcRate(stack.t.ports.spamd, body, 8, 4);
      for (const s of sessions) result.spamc.push(await spamcRate(stack.t.ports.spamd, body, SPAMC_SCANS, s));
    }
  } finally {
    await stack.t.stop();
  }
  return result;
}

export async function main(): Promise<void> {
  const messages = Number(process.env['BENCH_PIPELINE_MESSAGES'] ?? process.env['BENCH_MESSAGES'] ?? 1_000);
  const sessions = sessionCounts();
  const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dns = await TestDnsServer.start();
  dns.setRecords(records(key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')));
  const results = {} as Record<Variant, VariantResult>;
  try {
    for (const variant of VARIANTS) results[variant.name] = await runVariant(variant, dns, key.privateKey, messages, sessions);
  } finally {
    await dns.stop();
  }
  const rows = sessions.map((s, i) => {
    const [base, checks, full, spamc] = [results.base.rates[i], results.checks.rates[i], results.full.rates[i], results.full.spamc[i]].map((v) => v ?? null) as (number | null)[];
    return { sessions: s, messages, base, checks, full, spamc, checksOverBase: ratio(checks ?? null, base ?? null), fullOverBase: ratio(full ?? null, base ?? null), fullOverSpamc: ratio(full ?? null, spamc ?? null) };
  });
  printTable(
    'full inbound pipeline: msgs/s to stored (~2 KB, DKIM-signed, XCLIENT client address), raw spamc scans/s on the same message (the stack\'s spamd)\n' +
      `verified — checks: ${results.checks.verified.join(', ')}; full: ${results.full.verified.join(', ')}`,
    ['sessions', 'messages', 'base', 'checks', 'full', 'raw spamc', 'checks/base', 'full/base', 'full/spamc'],
    rows.map((r) => [r.sessions, r.messages, r.base, r.checks, r.full, r.spamc, r.checksOverBase, r.fullOverBase, r.fullOverSpamc]),
    [0, 0, 1, 1, 1, 1, 2, 2, 2],
  );
  writeResult('pipeline', { variants: VARIANTS, verified: { checks: results.checks.verified, full: results.full.verified }, rows });
}
