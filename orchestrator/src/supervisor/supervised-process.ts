/**
 * One supervised child: start, wait for readiness (with a start timeout), restart
 * with exponential backoff and a cap, and a graceful stop with a force-kill timer
 * (STYLE 7).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { LogSink, type LogRotation } from './log-sink';
import { waitUntil } from './probes';

export type ProcessState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run the child as this account (e.g. spamd as the mail user, never root). */
  uid?: number;
  gid?: number;
  /** stdout and stderr are appended here (through the supervisor: log-sink.ts). */
  logFile: string;
  /** When logFile is rotated (the stack sets it from config.json); absent: never. */
  logRotation?: LogRotation;
  ready: () => Promise<boolean>;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** The signal that asks for a graceful stop (Haraka drains sessions on SIGINT only). */
  stopSignal?: NodeJS.Signals;
  /** Restarts allowed within `restartWindowMs` before the process is declared failed. */
  maxRestarts?: number;
  restartWindowMs?: number;
}

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 15_000;

export class SupervisedProcess extends EventEmitter {
  state: ProcessState = 'stopped';
  restarts = 0;
  private child: ChildProcess | undefined;
  private stopping = false;
  private recentRestarts: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly log: LogSink;

  constructor(readonly spec: ProcessSpec) {
    super();
    this.log = new LogSink(spec.logFile, spec.logRotation);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the process and resolves once it is ready; rejects with the log's tail otherwise. */
  async start(): Promise<void> {
    this.stopping = false;
    this.setState('starting');
    const child = this.spawnChild();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = waitUntil(this.spec.ready, this.spec.startTimeoutMs ?? 20_000);
    const outcome = await Promise.race([ready.then((ok) => (ok ? 'ready' : 'timeout')), exited.then(() => 'exited')]);
    if (outcome === 'ready' && child.exitCode === null) {
      this.setState('running');
      return;
    }
    child.kill('SIGKILL');
    this.setState('failed');
    throw new Error(`${this.spec.name} did not become ready (${outcome}); last log lines:\n${this.logTail()}`);
  }

  private spawnChild(): ChildProcess {
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env ?? process.env,
      cwd: this.spec.cwd,
      ...(this.spec.uid !== undefined ? { uid: this.spec.uid } : {}),
      ...(this.spec.gid !== undefined ? { gid: this.spec.gid } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.on('error', (err) => this.log.write(`spawn error: ${err.message}\n`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    return child;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (this.stopping || this.state === 'starting' || this.state === 'failed') return;
    this.emit('crash', { code, signal });
    this.scheduleRestart();
  }

  /** Backoff doubling per recent restart; past the cap within the window, give up. */
  private scheduleRestart(): void {
    const now = Date.now();
    const windowMs = this.spec.restartWindowMs ?? 300_000;
    this.recentRestarts = this.recentRestarts.filter((t) => now - t < windowMs);
    if (this.recentRestarts.length >= (this.spec.maxRestarts ?? 10)) {
      this.setState('failed');
      return;
    }
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** this.recentRestarts.length, BACKOFF_MAX_MS);
    this.recentRestarts.push(now);
    this.setState('restarting');
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    this.restarts++;
    try {
      await this.start();
    } catch (err) {
      this.emit('restart-failed', err);
      // A restart that fails (e.g. a port the killed process's children still hold)
      // counts as one more crash: back off and try again until the cap, not give up.
      if (!this.stopping) this.scheduleRestart();
    }
  }

  /** The stop signal (SIGTERM by default), then SIGKILL after the stop timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.setState('stopped');
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(this.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.spec.stopTimeoutMs ?? 10_000);
    await exited;
    clearTimeout(timer);
    this.log.close();
    this.setState('stopped');
  }

  /** For tests and failure drills: kill the child as a crash would. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  private setState(state: ProcessState): void {
    this.state = state;
    this.emit('state', state);
  }

  logTail(lines = 20): string {
    try {
      return fs.readFileSync(this.spec.logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
