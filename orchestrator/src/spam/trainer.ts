/**
 * The Bayes trainer. Dovecot's imap_sieve scripts only drop a copy of each message a
 * user moves into (spam) or out of (ham) the Spam folder into learn/spam or learn/ham
 * (dovecot-templates/sieve/learn.sh: atomic, capped) and return at once, so IMAP never
 * waits for SpamAssassin. Here one sa-learn at a time takes a batch of them (one process
 * for many messages: loading the rules costs seconds), then removes them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MailUser } from '../config/mail-user';

export type LearnKind = 'spam' | 'ham';
const KINDS: readonly LearnKind[] = ['spam', 'ham'];

export interface TrainerOptions {
  queueDir: string;
  configDir: string;
  mailUser: MailUser;
  home: string;
  logFile: string;
  /** How often the queue is looked at when idle. */
  pollMs?: number;
  /** Messages per sa-learn run. */
  batchSize?: number;
}

/** Queue entries ready to learn: complete files only (the script writes `.tmp.*` first). */
export function readyEntries(dir: string, limit: number): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .sort()
    .slice(0, limit)
    .map((n) => path.join(dir, n));
}

export function saLearnArgs(configDir: string, kind: LearnKind, files: string[]): string[] {
  return ['--siteconfigpath', configDir, `--${kind}`, '--', ...files];
}

export class SpamTrainer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: TrainerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling and waits for a batch in flight (its messages are then learned). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.options.pollMs ?? 500);
  }

  /** Learns everything queued now, batch by batch, spam first. */
  async drain(): Promise<void> {
    for (const kind of KINDS) {
      for (;;) {
        const files = readyEntries(path.join(this.options.queueDir, kind), this.options.batchSize ?? 200);
        if (files.length === 0 || this.stopped) break;
        await this.learn(kind, files);
      }
    }
  }

  private async learn(kind: LearnKind, files: string[]): Promise<void> {
    const { configDir, mailUser, home } = this.options;
    const started = Date.now();
    const result = await run('sa-learn', saLearnArgs(configDir, kind, files), { uid: mailUser.uid, gid: mailUser.gid, home });
    const outcome = result.code === 0 ? 'ok' : `failed (exit ${String(result.code)})`;
    this.log(`learned ${files.length} as ${kind} in ${Date.now() - started} ms: ${outcome} ${result.output.trim().split('\n').slice(-3).join(' / ')}`);
    // A message sa-learn cannot take now will not be taken later either: drop it, logged,
    // so one bad file cannot block the queue (the queue is capped in learn.sh anyway).
    for (const file of files) fs.rmSync(file, { force: true });
  }

  private log(line: string): void {
    fs.appendFileSync(this.options.logFile, `${new Date().toISOString()} ${line}\n`);
  }
}

function run(command: string, args: string[], as: { uid: number; gid: number; home: string }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      uid: as.uid,
      gid: as.gid,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: as.home, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => resolve({ code: null, output: err.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}
