/** Starts the real stack in a temp data dir on free loopback ports. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, DEFAULT_PORTS, MailServices, SqliteStore, startStack, type Ports, type Stack } from '@mail/orchestrator';
import { TestDnsServer } from './dns-server';

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
  /**
   * The loopback DNS server the stack asks when the test gave none (MAIL_DNS_SERVERS or
   * `dnsServers`): no test lookup (DNSBL zone checks, SPF…) leaves the machine.
   */
  dns?: TestDnsServer;
  stop(): Promise<void>;
  /** Stops and starts the stack again on the same data dir and ports. */
  restart(): Promise<void>;
}

/**
 * `env`: extra environment for the stack (e.g. the test-only MAIL_OUTBOUND_LOCAL_MX_OK);
 * `parentDir`: where the temp data dir is made (e.g. a small filesystem).
 */
export async function startTestStack(
  config: Record<string, unknown> = {},
  extraEnv: Record<string, string> = {},
  parentDir = os.tmpdir(),
): Promise<TestStack> {
  const dataDir = fs.mkdtempSync(path.join(parentDir, 'mail-it-'));
  fs.chmodSync(dataDir, 0o755);
  const ports = await freePorts();
  const dnsGiven = extraEnv['MAIL_DNS_SERVERS'] !== undefined || config['dnsServers'] !== undefined || config['unbound'] !== undefined;
  const ownDns = dnsGiven ? undefined : await TestDnsServer.start();
  const dnsServers = ownDns ? { dnsServers: [ownDns.address] } : {};
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ hostname: 'mail.test', ports, ...dnsServers, ...config }));
  // MAIL_SPAM_DNS=off: SpamAssassin makes no DNS lookups unless a test asks for them.
  const env: NodeJS.ProcessEnv = { ...process.env, MAIL_HOSTNAME: 'mail.test', MAIL_SPAM_DNS: 'off', ...extraEnv };
  delete env['MAIL_DNS_SERVERS'];
  if (extraEnv['MAIL_DNS_SERVERS'] !== undefined) env['MAIL_DNS_SERVERS'] = extraEnv['MAIL_DNS_SERVERS'];
  const store = new SqliteStore(dataPaths(dataDir).store);
  const services = new MailServices(store, dataPaths(dataDir));
  const handle: TestStack = {
    dataDir,
    ports,
    stack: await startStack({ dataDir, env }),
    services,
    ...(ownDns ? { dns: ownDns } : {}),
    async stop() {
      await handle.stack.stop();
      store.close();
      await ownDns?.stop();
      if (!process.env['KEEP_TEST_DATA']) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await handle.stack.stop();
      handle.stack = await startStack({ dataDir, env });
    },
  };
  return handle;
}
