/**
 * The `npm start` entry as a user runs it: prints the endpoints, stops cleanly on
 * SIGTERM (no child left behind), and a second start keeps the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, MailServices, SqliteStore } from '@mail/orchestrator';
import { imapCanLogin } from './helpers/fixtures';
import { freePorts } from './helpers/stack';

/** Every stack this file started; one still running after a failed assertion is stopped. */
const started: ChildProcess[] = [];
const START = path.resolve(__dirname, '..', 'orchestrator', 'dist', 'cli', 'start.js');

function start(dataDir: string): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, [START], { env: { ...process.env, MAIL_DATA_DIR: dataDir, MAIL_HOSTNAME: 'mail.test' } });
  started.push(child);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/ready in \d+ ms[\s\S]*stop: Ctrl-C/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${String(code)} before ready:\n${output}`)));
  });
  return { child, output: () => output, ready };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) await stop(child);
});

it('starts, prints the endpoints, stops cleanly and keeps data across runs', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-start-'));
  fs.chmodSync(dataDir, 0o755);
  const ports = await freePorts();
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ ports }));

  const first = start(dataDir);
  await first.ready;
  expect(first.output()).toContain(`127.0.0.1:${ports.imaps}`);
  const state = JSON.parse(fs.readFileSync(dataPaths(dataDir).stateFile, 'utf8')) as { services: Record<string, { pid: number }> };
  const childPids = Object.values(state.services).map((s) => s.pid);
  expect(Object.keys(state.services).sort()).toEqual(['dovecot', 'haraka', 'ldap-bridge', 'spamd']);
  expect(childPids).toHaveLength(4);

  const store = new SqliteStore(dataPaths(dataDir).store);
  const services = new MailServices(store, dataPaths(dataDir));
  await services.addDomain('acme.test');
  await services.addUser('alice', 'alice-secret-1');
  await services.addMailbox({ address: 'alice@acme.test', owner: 'alice' });
  store.close();
  expect(await imapCanLogin(ports.imaps, 'alice@acme.test', 'alice-secret-1')).toBe(true);

  // A second start on the same data dir refuses instead of fighting over the ports.
  const duplicate = start(dataDir);
  await expect(duplicate.ready).rejects.toThrow(/already running/);
  expect(duplicate.child.exitCode).toBe(1);

  expect(await stop(first.child)).toBe(0);
  expect(childPids.filter(alive)).toEqual([]);
  expect(fs.existsSync(dataPaths(dataDir).stateFile)).toBe(false);

  const second = start(dataDir);
  await second.ready;
  expect(await imapCanLogin(ports.imaps, 'alice@acme.test', 'alice-secret-1')).toBe(true);
  expect(await stop(second.child)).toBe(0);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
