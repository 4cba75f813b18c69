/** Starts the real stack in a temp data dir on free loopback ports. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, DEFAULT_PORTS, MailServices, SqliteStore, startStack, type Ports, type Stack } from '@mail/orchestrator';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function freePorts(): Promise<Ports> {
  const ports: Partial<Ports> = {};
  const seen = new Set<number>();
  for (const name of Object.keys(DEFAULT_PORTS) as (keyof Ports)[]) {
    let port = await freePort();
    while (seen.has(port)) port = await freePort();
    seen.add(port);
    ports[name] = port;
  }
  return ports as Ports;
}

export interface TestStack {
  dataDir: string;
  ports: Ports;
  stack: Stack;
  services: MailServices;
  stop(): Promise<void>;
  /** Stops and starts the stack again on the same data dir and ports. */
  restart(): Promise<void>;
}

/** `env`: extra environment for the stack (e.g. the test-only MAIL_OUTBOUND_LOCAL_MX_OK). */
export async function startTestStack(config: Record<string, unknown> = {}, extraEnv: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-it-'));
  fs.chmodSync(dataDir, 0o755);
  const ports = await freePorts();
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ hostname: 'mail.test', ports, ...config }));
  // MAIL_SPAM_DNS=off: SpamAssassin makes no DNS lookups unless a test gives it a resolver.
  const env = { ...process.env, MAIL_HOSTNAME: 'mail.test', MAIL_SPAM_DNS: 'off', ...extraEnv };
  const store = new SqliteStore(dataPaths(dataDir).store);
  const services = new MailServices(store, dataPaths(dataDir));
  const handle: TestStack = {
    dataDir,
    ports,
    stack: await startStack({ dataDir, env }),
    services,
    async stop() {
      await handle.stack.stop();
      store.close();
      if (!process.env['KEEP_TEST_DATA']) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await handle.stack.stop();
      handle.stack = await startStack({ dataDir, env });
    },
  };
  return handle;
}
