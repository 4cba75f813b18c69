/**
 * The crash drill: SMTP load on port 25 while each supervised process in turn is
 * killed with SIGKILL; the supervisor must bring each back (new pid, restart counter
 * up, ready). Kills are spaced by progress (acknowledged messages), never by time.
 * Afterwards the load stops, Haraka's queue drains, and the maildirs are counted.
 */
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import { harakaQueueDir } from '../../orchestrator/src/render/haraka';
import { LoadGenerator, type LoadOptions, type Stage } from './load-generator';
import { buildReport, type LoadReport } from './load-report';
import { scanMaildir, type MaildirScan } from './maildir';
import type { TestStack } from './stack';
import { waitFor } from './wait';

/** Kill order (the issue's): the stack runs as shipped, spamd included. */
export const CRASH_VICTIMS = ['haraka', 'dovecot', 'ldap-bridge', 'spamd'] as const;

/**
 * When to pull the trigger: as some session reaches this step, so the kill lands in
 * the window that matters — after the final "." (Haraka mid-delivery, Dovecot
 * mid-LMTP, spamd mid-scan) or at RCPT (the routing lookup in the LDAP bridge). Other
 * names: end-of-data.
 */
const KILL_AT: Record<string, Stage> = { 'ldap-bridge': 'rcpt' };

/** The mailboxes the drills write to (test/helpers/fixtures.ts populate()). */
export const LOAD_MAILBOXES = ['alice@acme.test', 'bob@acme.test', 'carol@acme.test'] as const;

/** One mailbox per message, every fifth to two (exercises per-recipient LMTP replies). */
export function loadRecipients(n: number): string[] {
  const first = LOAD_MAILBOXES[n % 3] ?? 'alice@acme.test';
  return n % 5 === 0 ? [first, LOAD_MAILBOXES[(n + 1) % 3] ?? 'bob@acme.test'] : [first];
}

export interface DrillOptions {
  victims: readonly string[];
  rounds: number;
  sessions: number;
  /** Messages acknowledged before the first kill, between two kills and after the last. */
  acknowledgedBetweenKills: number;
  recipients: LoadOptions['recipients'];
  /** Every mailbox any message may go to (the maildirs to scan). */
  mailboxes: readonly string[];
  /** How a victim goes down: SIGKILL (default), or a clean stop and start (soak). */
  interruption?: 'kill' | 'stop-start';
}

export interface KillRecord {
  name: string;
  oldPid: number;
  newPid: number;
  restartsBefore: number;
  restartsAfter: number;
  acknowledgedAtKill: number;
}

export interface DrillResult {
  kills: KillRecord[];
  report: LoadReport;
  scans: Map<string, MaildirScan>;
}

export async function runCrashDrill(t: TestStack, options: DrillOptions): Promise<DrillResult> {
  const kills = options.victims.length * options.rounds;
  const load = new LoadGenerator({
    port: t.ports.smtp,
    sessions: options.sessions,
    // Enough for every step, with room for the messages in flight at each kill.
    maxMessages: options.acknowledgedBetweenKills * (kills + 1) * 2 + options.sessions,
    from: 'load@sender.test',
    recipients: options.recipients,
  }).start();
  const records: KillRecord[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const name of options.victims) {
        await load.waitForAcknowledged(load.acknowledged + options.acknowledgedBetweenKills);
        await load.whenStage(KILL_AT[name] ?? 'end-of-data');
        records.push(
          options.interruption === 'stop-start'
            ? await stopAndStart(t, name, load.acknowledged)
            : await killAndAwaitRestart(t, name, load.acknowledged),
        );
      }
    }
    // Mail must flow again after the last restart.
    await load.waitForAcknowledged(load.acknowledged + options.acknowledgedBetweenKills);
  } finally {
    await load.stop();
  }
  // Partial deliveries handed to Haraka's queue (mail-routing delivery.ts) finish first.
  await waitFor('an empty outbound queue', () => (queueEntries(t).length === 0 ? true : undefined), 120_000);
  const scans = new Map(options.mailboxes.map((m) => [m.toLowerCase(), scanMaildir(dataPaths(t.dataDir).vmail, m)]));
  return { kills: records, report: buildReport(load.messages, scans, load.runId), scans };
}

async function killAndAwaitRestart(t: TestStack, name: string, acknowledgedAtKill: number): Promise<KillRecord> {
  const proc = t.stack.process(name);
  const oldPid = proc.pid;
  if (oldPid === null || proc.state !== 'running') throw new Error(`${name} is not running before the kill (${proc.state})`);
  const restartsBefore = proc.restarts;
  process.kill(oldPid, 'SIGKILL');
  const newPid = await waitFor(
    `${name} restarted by the supervisor`,
    () => (proc.state === 'running' && proc.pid !== null && proc.pid !== oldPid ? proc.pid : undefined),
    90_000,
  );
  if (!(await proc.spec.ready())) throw new Error(`${name} restarted but does not answer its readiness probe`);
  return { name, oldPid, newPid, restartsBefore, restartsAfter: proc.restarts, acknowledgedAtKill };
}

/** A clean stop (the stop signal, drain) and a start by hand: restarts do not count. */
async function stopAndStart(t: TestStack, name: string, acknowledgedAtKill: number): Promise<KillRecord> {
  const proc = t.stack.process(name);
  const oldPid = proc.pid ?? 0;
  const restartsBefore = proc.restarts;
  await proc.stop();
  await proc.start();
  return { name, oldPid, newPid: proc.pid ?? 0, restartsBefore, restartsAfter: proc.restarts, acknowledgedAtKill };
}

/**
 * Haraka's outbound queue files (delivery in progress or waiting, or set aside as
 * `error.*`). A `__tmp__.*` file is a queue write that a kill interrupted: never renamed,
 * so never acknowledged, and skipped by Haraka — not mail.
 */
export function queueEntries(t: TestStack): string[] {
  const dir = harakaQueueDir(dataPaths(t.dataDir));
  try {
    return fs.readdirSync(dir).filter((f) => !f.startsWith('.') && !f.startsWith('__tmp__.'));
  } catch {
    return [];
  }
}
