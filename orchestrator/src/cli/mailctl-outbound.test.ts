/**
 * mailctl dns show and queue list|flush|rm against a stopped server (the running
 * case: test/outbound.test.ts). The built CLI; build first (`npx tsc -b`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths } from '../config/paths';
import { dkimRoot } from '../dkim/keys';
import { harakaQueueDir } from '../render/haraka';
import { builtCliExists, mailctlIn, type CliResult } from './testing';

let dataDir: string;
let mailctl: ReturnType<typeof mailctlIn>;

beforeAll(async () => {
  if (!builtCliExists()) throw new Error('the CLI is not built: run `npx tsc -b` first');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailctl-outbound-'));
  mailctl = mailctlIn(dataDir);
  expect((await mailctl('domain', 'add', 'Acme.test')).code).toBe(0);
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function ok(result: CliResult): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}

describe('mailctl dns show', () => {
  it('prints the DKIM record of a domain, whose key domain add created', async () => {
    expect(fs.existsSync(path.join(dkimRoot(dataPaths(dataDir)), 'acme.test', 'private'))).toBe(true);
    type Shown = { domain: string; records: { name: string; type: string; value: string }[] };
    const shown = JSON.parse(ok(await mailctl('dns', 'show', 'acme.test', '--json'))) as Shown;
    expect(shown.domain).toBe('acme.test');
    expect(shown.records).toHaveLength(1);
    expect(shown.records[0]?.name).toMatch(/^mail-[0-9a-f]{8}\._domainkey\.acme\.test$/);
    expect(shown.records[0]?.type).toBe('TXT');
    expect(shown.records[0]?.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    const plain = ok(await mailctl('dns', 'show', 'acme.test'));
    expect(plain).toBe(`name:  ${shown.records[0]?.name}\ntype:  TXT\nvalue: ${shown.records[0]?.value}\n`);
  });

  it('refuses an unknown domain with one line', async () => {
    const result = await mailctl('dns', 'show', 'nowhere.test');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('mailctl: domain nowhere.test does not exist\n');
  });
});

describe('mailctl queue with the server stopped', () => {
  it('lists an empty queue', async () => {
    expect(ok(await mailctl('queue', 'list'))).toBe('the queue is empty\n');
    expect(JSON.parse(ok(await mailctl('queue', 'list', '--json')))).toEqual({ messages: [] });
  });

  it('cannot flush, and removes a queued file itself', async () => {
    const flush = await mailctl('queue', 'flush');
    expect(flush.code).toBe(1);
    expect(flush.stderr).toMatch(/^mailctl: the mail server is not running/);
    const queueDir = harakaQueueDir(dataPaths(dataDir));
    fs.mkdirSync(queueDir, { recursive: true });
    const todo = Buffer.from(JSON.stringify({ uuid: 'ABC.1.1', domain: 'remote.test', rcpt_to: [], mail_from: {} }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(todo.length);
    const file = path.join(queueDir, '1_2_1_99_xYz123_1_mail.test');
    fs.writeFileSync(file, Buffer.concat([length, todo, Buffer.from('Subject: x\r\n\r\nx\r\n')]));
    expect(ok(await mailctl('queue', 'list'))).toMatch(/^ID +FROM +TO +ATTEMPTS +NEXT ATTEMPT +QUEUED\nABC\.1\.1 +<> +1 /);
    expect(ok(await mailctl('queue', 'rm', 'ABC.1.1'))).toBe('removed queued message ABC.1.1 (to remote.test)\n');
    expect(fs.existsSync(file)).toBe(false);
    const again = await mailctl('queue', 'rm', 'ABC.1.1');
    expect([again.code, again.stderr]).toEqual([1, 'mailctl: no queued message ABC.1.1\n']);
  });
});
