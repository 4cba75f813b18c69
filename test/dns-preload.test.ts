/**
 * The DNS preload (haraka-plugins/mail-common/src/dns-preload.ts) in a real Node
 * process started the way the supervisor starts Haraka: the module resolver and
 * every Resolver created afterwards — also one destructured at load time, as
 * haraka-net-utils does — ask the test DNS server, and only it.
 */
import { spawn } from 'node:child_process';
import { DNS_PRELOAD } from '../orchestrator/src/supervisor/haraka-env';
import { TestDnsServer } from './helpers/dns-server';

let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.setRecords([
    { type: 'MX', name: 'remote.test', exchange: 'mx.remote.test', priority: 5 },
    { type: 'A', name: 'mx.remote.test', address: '127.1.2.3' },
    { type: 'TXT', name: 'sel._domainkey.remote.test', text: `v=DKIM1; k=rsa; p=${'A'.repeat(600)}` },
  ]);
});
afterAll(async () => {
  await dns?.stop();
});

// Runs in the child: each way Haraka's modules reach DNS.
const CHILD = `
const { Resolver } = require('node:dns').promises;
const dns = require('node:dns');
(async () => {
  const out = {};
  out.moduleMx = await dns.promises.resolveMx('remote.test');
  out.destructured = await new Resolver({ timeout: 2000, tries: 1 }).resolve4('mx.remote.test');
  out.callback = await new Promise((ok, ko) => new dns.Resolver().resolveTxt('sel._domainkey.remote.test', (e, r) => (e ? ko(e) : ok(r))));
  out.missing = await dns.promises.resolve4('nowhere.test').catch((e) => e.code);
  out.servers = new Resolver().getServers();
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e)); process.exit(1); });
`;

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('DNS preload (MAIL_DNS_SERVERS)', () => {
  it('sends every lookup of the process to the configured server (a long TXT record too)', async () => {
    const env = { ...process.env, MAIL_DNS_SERVERS: dns.address, NODE_OPTIONS: `--require "${DNS_PRELOAD}"` };
    const result = await runChild(env);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out['moduleMx']).toEqual([{ exchange: 'mx.remote.test', priority: 5 }]);
    expect(out['destructured']).toEqual(['127.1.2.3']);
    expect((out['callback'] as string[][])[0]?.join('')).toBe(`v=DKIM1; k=rsa; p=${'A'.repeat(600)}`);
    expect(out['missing']).toBe('ENOTFOUND');
    expect(out['servers']).toEqual([dns.address]);
  });

  it('changes nothing when MAIL_DNS_SERVERS is empty', async () => {
    const env = { ...process.env, MAIL_DNS_SERVERS: '', NODE_OPTIONS: `--require "${DNS_PRELOAD}"` };
    const child = spawn(process.execPath, ['-e', "process.stdout.write(JSON.stringify(new (require('node:dns').Resolver)().getServers()))"], { env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    await new Promise((resolve) => child.on('close', resolve));
    expect(JSON.parse(stdout)).not.toContain(dns.address);
  });
});
