/**
 * The stack as an operator runs it: `node orchestrator/dist/cli/start.js` in its own
 * process (so the orchestrator's memory is its own, not the benchmark's), on a temp data
 * dir with free loopback ports. Ready when run/state.json lists every service running.
 * The directory is filled through the store like mailctl does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, MailServices, SqliteStore, type Ports } from '@mail/orchestrator';
import { populate } from '../../test/helpers/fixtures';
import { freePorts } from '../../test/helpers/stack';
import { repoRoot } from './report';

export interface RunState {
  pid: number;
  services: Record<string, { pid: number | null; state: string }>;
}

export class ProcessStack {
  private constructor(
    readonly dataDir: string,
    readonly ports: Ports,
    readonly services: MailServices,
    private readonly store: SqliteStore,
    private readonly child: ChildProcess,
  ) {}

  static async start(config: Record<string, unknown> = {}): Promise<ProcessStack> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stack-'));
    fs.chmodSync(dataDir, 0o755);
    const ports = await freePorts();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ hostname: 'mail.test', ports, ...config }));
    const start = path.join(repoRoot(), 'orchestrator', 'dist', 'cli', 'start.js');
    const output = path.join(dataDir, 'start.log');
    const log = fs.openSync(output, 'a');
    const child = spawn(process.execPath, [start], { env: { ...process.env, MAIL_DATA_DIR: dataDir, MAIL_HOSTNAME: 'mail.test' }, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const paths = dataPaths(dataDir);
    try {
      await waitFor(() => allRunning(paths.stateFile), 60_000, child);
    } catch (err) {
      const tail = fs.readFileSync(output, 'utf8').slice(-1500);
      if (child.exitCode === null) child.kill('SIGTERM');
      if (!process.env['KEEP_BENCH_DATA']) fs.rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${(err as Error).message}\n${tail}`);
    }
    const store = new SqliteStore(paths.store);
    const stack = new ProcessStack(dataDir, ports, new MailServices(store, paths), store, child);
    await populate(stack.services);
    return stack;
  }

  state(): RunState {
    return JSON.parse(fs.readFileSync(dataPaths(this.dataDir).stateFile, 'utf8')) as RunState;
  }

  async stop(): Promise<void> {
    this.store.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    if (!process.env['KEEP_BENCH_DATA']) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function allRunning(stateFile: string): boolean {
  try {
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as RunState;
    const services = Object.values(state.services);
    return services.length > 0 && services.every((s) => s.state === 'running' && s.pid !== null);
  } catch {
    return false; // not written yet, or mid-replace
  }
}

async function waitFor(ready: () => boolean, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`the stack exited with ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error(`the stack was not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
