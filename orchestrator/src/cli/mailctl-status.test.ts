/**
 * `mailctl status` against hand-written state files. Build first: `npx tsc -b`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PORTS, type Ports } from '../config/settings';
import { dataPaths } from '../config/paths';
import { builtCliExists, mailctlIn } from './testing';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailctl-status-'));
const paths = dataPaths(dataDir);
const mailctl = mailctlIn(dataDir);
const PORT_NAMES = Object.keys(DEFAULT_PORTS) as (keyof Ports)[];

let listener: net.Server;
let listeningPort: number;
/** Ports that were free a moment ago and are closed now: nothing answers there. */
let closedPorts: number[];

function listen(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;
const close = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** The pid of a process that has already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid ?? 0));
  });
}

function writeState(pid: number): void {
  const ports = Object.fromEntries(PORT_NAMES.map((name, i) => [name, name === 'smtp' ? listeningPort : closedPorts[i]]));
  const state = {
    pid,
    startedAt: '2025-01-02T03:04:05.000Z',
    hostname: 'mail.test',
    dataDir,
    bindAddress: '127.0.0.1',
    ports,
    services: {
      haraka: { pid, state: 'running', restarts: 0 },
      dovecot: { pid: null, state: 'restarting', restarts: 2 },
    },
  };
  fs.mkdirSync(paths.run, { recursive: true });
  fs.writeFileSync(paths.stateFile, JSON.stringify(state));
}

beforeAll(async () => {
  if (!builtCliExists()) throw new Error('the CLI is not built: run `npx tsc -b` first');
  listener = await listen();
  listeningPort = portOf(listener);
  const spares = await Promise.all(PORT_NAMES.map(() => listen()));
  closedPorts = spares.map(portOf);
  await Promise.all(spares.map(close));
});

afterAll(async () => {
  await close(listener);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => fs.rmSync(paths.stateFile, { force: true }));

test('no state file: not running, exit 3', async () => {
  const plain = await mailctl('status');
  expect(plain.code).toBe(3);
  expect(plain.stdout).toMatch(/^not running/);
  const json = await mailctl('status', '--json');
  expect(json.code).toBe(3);
  expect(JSON.parse(json.stdout)).toEqual({ running: false });
  expect(fs.existsSync(paths.store)).toBe(false);
});

test('a live orchestrator: its endpoints probed one by one', async () => {
  writeState(process.pid);
  const result = await mailctl('status', '--json');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(result.stdout) as Record<string, unknown> & {
    endpoints: Record<string, { port: number; reachable: boolean }>;
  };
  expect(report).toMatchObject({ running: true, pid: process.pid, hostname: 'mail.test', dataDir });
  expect(report['services']).toEqual({
    haraka: { pid: process.pid, state: 'running', restarts: 0 },
    dovecot: { pid: null, state: 'restarting', restarts: 2 },
  });
  expect(Object.keys(report.endpoints).sort()).toEqual([...PORT_NAMES].sort());
  expect(report.endpoints['smtp']).toEqual({ port: listeningPort, reachable: true });
  for (const name of PORT_NAMES.filter((n) => n !== 'smtp')) {
    expect(report.endpoints[name]).toMatchObject({ reachable: false });
  }
  const plain = await mailctl('status');
  expect(plain.code).toBe(0);
  expect(plain.stdout).toMatch(new RegExp(`^running \\(pid ${process.pid}`));
  expect(plain.stdout).toMatch(new RegExp(`^smtp +127\\.0\\.0\\.1:${listeningPort} +yes$`, 'm'));
  expect(plain.stdout).toMatch(/^dovecot +- +restarting +2$/m);
});

test('a state file left by a dead orchestrator: not running, exit 3', async () => {
  writeState(await deadPid());
  const result = await mailctl('status', '--json');
  expect(result.code).toBe(3);
  expect(JSON.parse(result.stdout)).toMatchObject({ running: false, hostname: 'mail.test' });
  expect((await mailctl('status')).stdout).toMatch(/^not running \(pid \d+ is gone/);
});

test('a broken state file: one clear line, exit 1', async () => {
  fs.mkdirSync(paths.run, { recursive: true });
  fs.writeFileSync(paths.stateFile, JSON.stringify({ pid: 'one' }));
  const result = await mailctl('status', '--json');
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^mailctl: .*state\.json: .*pid.*\n$/);
});
