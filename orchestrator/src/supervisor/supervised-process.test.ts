/**
 * The supervisor's restart loop with a real child process: a restart that itself
 * fails (the child exits before it is ready) is retried with backoff, not left failed.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { probeTcp, waitUntil } from './probes';
import { SupervisedProcess } from './supervised-process';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Without the marker file the child creates it and exits at once (a failed start);
// with it, the child listens on the port (ready).
const CHILD = `
const fs = require('fs');
const [marker, port] = process.argv.slice(1);
if (!fs.existsSync(marker)) { fs.writeFileSync(marker, ''); process.exit(1); }
require('net').createServer().listen(Number(port), '127.0.0.1');
`;

let dir: string;
let proc: SupervisedProcess | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervised-'));
});
afterEach(async () => {
  await proc?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('retries a restart that fails, until the process is ready again', async () => {
  const marker = path.join(dir, 'marker');
  const port = await freePort();
  fs.writeFileSync(marker, '');
  proc = new SupervisedProcess({
    name: 'child',
    command: process.execPath,
    args: ['-e', CHILD, marker, String(port)],
    logFile: path.join(dir, 'child.log'),
    ready: () => probeTcp('127.0.0.1', port),
    startTimeoutMs: 10_000,
  });
  await proc.start();
  const firstPid = proc.pid;
  const failedRestarts: unknown[] = [];
  proc.on('restart-failed', (err) => failedRestarts.push(err));

  fs.rmSync(marker);
  process.kill(firstPid ?? 0, 'SIGKILL');
  const running = proc;
  expect(await waitUntil(async () => running.state === 'running' && running.pid !== firstPid, 20_000)).toBe(true);
  expect(failedRestarts).toHaveLength(1);
  expect(proc.restarts).toBe(2);
  expect(await probeTcp('127.0.0.1', port)).toBe(true);
});

it('gives up after the restart cap and says so in its state', async () => {
  proc = new SupervisedProcess({
    name: 'crasher',
    command: process.execPath,
    args: ['-e', 'setTimeout(() => process.exit(3), 50)'],
    logFile: path.join(dir, 'crasher.log'),
    ready: async () => true,
    maxRestarts: 2,
  });
  await proc.start();
  const crashing = proc;
  expect(await waitUntil(async () => crashing.state === 'failed', 20_000)).toBe(true);
  expect(proc.restarts).toBe(2);
});
