/** The process entry as the supervisor runs it: `node ldap-bridge/dist/main.js` (build first). */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { dataPaths, MailServices, SqliteStore } from '@mail/orchestrator';
import { Client } from 'ldapts';
import { PASSWORDS, populate } from './testing';

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');
const BASE = 'dc=example,dc=test';
const SECRET = 'service-secret-for-main-test';

type Record = { event?: string; [key: string]: unknown };

let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-bridge-main-'));
  const paths = dataPaths(dataDir);
  const store = new SqliteStore(paths.store);
  await populate(new MailServices(store, paths));
  store.close();
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts main.js; `next(pred)` resolves with the first stdout record matching, `exited` with the exit code. */
function run(env: NodeJS.ProcessEnv): { child: ChildProcess; records: Record[]; next(pred: (r: Record) => boolean): Promise<Record>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const records: Record[] = [];
  const waiters: { pred: (r: Record) => boolean; resolve: (r: Record) => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const record = JSON.parse(line) as Record;
    records.push(record);
    for (const w of waiters.filter((w) => w.pred(record))) w.resolve(record);
  });
  const next = (pred: (r: Record) => boolean): Promise<Record> => {
    const seen = records.find(pred);
    if (seen) return Promise.resolve(seen);
    const arrived = new Promise<Record>((resolve) => waiters.push({ pred, resolve }));
    return Promise.race([arrived, exited.then((code) => Promise.reject(new Error(`main.js exited (${code}) first`)))]);
  };
  return { child, records, next, exited };
}

it('serves the data dir, logs binds without secrets and stops cleanly on SIGTERM', async () => {
  expect(fs.existsSync(MAIN)).toBe(true); // `npx tsc -b` first
  const paths = dataPaths(dataDir);
  fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
  fs.writeFileSync(paths.ldapServiceSecret, `${SECRET}\n`, { mode: 0o600 });
  const port = await freePort();
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ ports: { ldap: port, authPolicy: await freePort() }, ldap: { baseDn: BASE } }));

  const bridge = run({ MAIL_DATA_DIR: dataDir });
  expect(await bridge.next((r) => r.event === 'listening')).toMatchObject({ port, baseDn: BASE, host: '127.0.0.1' });

  const client = new Client({ url: `ldap://127.0.0.1:${port}` });
  await client.bind(`cn=mailserver,ou=system,${BASE}`, SECRET);
  const { searchEntries } = await client.search(`ou=routes,${BASE}`, { filter: '(mail=al@example.com)' });
  expect(searchEntries.map((e) => e['mailRoutingAddress'])).toEqual(['alice@example.com']);
  await expect(client.bind(`cn=alice@example.com,ou=recvmail,${BASE}`, 'wrong-password-main')).rejects.toThrow();
  await client.bind(`cn=alice@example.com,ou=recvmail,${BASE}`, PASSWORDS.alice);
  await bridge.next((r) => r.event === 'bind' && r['result'] === 'success' && r['as'] === 'mailbox:alice@example.com');

  // A connected client must not hold the stop up.
  bridge.child.kill('SIGTERM');
  expect(await bridge.exited).toBe(0);
  await client.unbind().catch(() => undefined);

  const binds = bridge.records.filter((r) => r.event === 'bind').map((r) => r['result']);
  expect(binds).toEqual(['success', 'invalidCredentials', 'success']);
  const text = JSON.stringify(bridge.records);
  for (const secret of [SECRET, PASSWORDS.alice, 'wrong-password-main']) expect(text).not.toContain(secret);
});

it('exits non-zero with one fatal line when the service secret is missing', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-bridge-nosecret-'));
  try {
    fs.writeFileSync(path.join(empty, 'config.json'), JSON.stringify({ ports: { ldap: await freePort(), authPolicy: await freePort() } }));
    const bridge = run({ MAIL_DATA_DIR: empty });
    expect(await bridge.exited).toBe(1);
    expect(bridge.records.map((r) => r.event)).toEqual(['fatal']);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
