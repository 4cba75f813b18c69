/**
 * mailctl token show|add|rm|list and export|import mailboxes, through the built CLI
 * against a temp data directory (build first: `npx tsc -b`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths } from '../config/paths';
import { TokenServices } from '../services';
import { SqliteStore } from '../store';
import { spawn, spawnSync } from 'node:child_process';
import { MAILCTL, mailctlIn, runMailctl, type CliResult } from './testing';

let dataDir: string;
let mailctl: (...args: string[]) => Promise<CliResult>;

function ok(result: CliResult): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailctl-api-'));
  mailctl = mailctlIn(dataDir);
  for (const domain of ['example.com', 'other.org']) ok(await mailctl('domain', 'add', domain));
  ok(await mailctl('user', 'add', 'alice', '--password', 'alice-secret'));
  ok(await mailctl('user', 'add', 'bob', '--password', 'bob-secret'));
  ok(await mailctl('group', 'add', 'staff', '--members', 'alice,bob'));
  ok(await mailctl('mailbox', 'add', 'alice@example.com', '--owner', 'alice'));
  ok(await mailctl('mailbox', 'add', 'team@example.com', '--owner', 'staff', '--owner-type', 'group'));
  ok(await mailctl('mailbox', 'add', 'bob@other.org', '--owner', 'bob'));
  ok(await mailctl('mailbox', 'disable', 'bob@other.org'));
  ok(await mailctl('alias', 'set', 'alice@example.com', 'info@example.com', 'alice@other.org'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function withStore<T>(use: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = new SqliteStore(dataPaths(dataDir).store);
  return use(store).finally(() => store.close());
}

describe('mailctl user profile', () => {
  it('add and set keep the email and display name; an empty value clears one', async () => {
    ok(await mailctl('user', 'add', 'gus', '--password', 'gus-secret-1', '--email', 'gus@example.net', '--display-name', 'Gus'));
    ok(await mailctl('user', 'set', 'gus', '--display-name', ''));
    const users = JSON.parse(ok(await mailctl('user', 'list', '--json'))) as { users: { username: string; email: string | null; displayName: string | null }[] };
    expect(users.users.find((u) => u.username === 'gus')).toMatchObject({ email: 'gus@example.net', displayName: null });
    expect((await mailctl('user', 'set', 'gus')).code).toBe(2);
    expect((await mailctl('user', 'set', 'gus', '--email', 'bad')).stderr).toBe("mailctl: 'bad' is not a valid email address\n");
  });
});

describe('mailctl token', () => {
  it('show: explains when the server has not made the first token yet, then prints it', async () => {
    const before = await mailctl('token', 'show');
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/^mailctl: no API token yet .*npm start\)\n$/);
    const token = await withStore((store) => new TokenServices(store).ensureFirstToken(dataPaths(dataDir).apiToken));
    expect(ok(await mailctl('token', 'show'))).toBe(`${token}\n`);
    expect(JSON.parse(ok(await mailctl('token', 'show', '--json')))).toEqual({ token });
  });

  it('add prints a token once; list shows it without the secret; rm revokes it', async () => {
    const added = JSON.parse(ok(await mailctl('token', 'add', 'ci', '--role', 'superadmin', '--json'))) as { token: string; id: string; role: string };
    expect(added.role).toBe('superadmin');
    expect(await withStore((store) => new TokenServices(store).verify(added.token))).toMatchObject({ name: 'ci', role: 'superadmin' });
    const listed = ok(await mailctl('token', 'list'));
    expect(listed).toMatch(/^ID\s+NAME\s+ROLE\s+CREATED\n/);
    expect(listed).toContain(added.id);
    expect(listed).not.toContain(added.token);
    ok(await mailctl('token', 'rm', 'ci'));
    expect(await withStore((store) => new TokenServices(store).verify(added.token))).toBeUndefined();
  });

  it('refuses a bad role (usage), a duplicate name and an unknown token', async () => {
    expect((await mailctl('token', 'add', 'x', '--role', 'root')).code).toBe(2);
    expect((await mailctl('token', 'add', 'admin')).stderr).toBe('mailctl: the token name admin is reserved for the first token\n');
    ok(await mailctl('token', 'add', 'ops'));
    expect((await mailctl('token', 'add', 'ops')).stderr).toBe('mailctl: a token named ops exists\n');
    expect((await mailctl('token', 'rm', 'nope')).stderr).toBe('mailctl: token nope does not exist\n');
  });
});

describe('mailctl export|import mailboxes', () => {
  const CSV = [
    'name,domain,owner,owner type,space separated aliases,active',
    'team,example.com,staff,group,,true',
    'alice,example.com,alice,user,alice@other.org info@example.com,true',
    'bob,other.org,bob,user,,false',
    '',
  ].join('\n');

  it('exports CSV with the header and every column', async () => {
    expect(ok(await mailctl('export', 'mailboxes', '--format', 'csv')).split('\n').sort()).toEqual(CSV.split('\n').sort());
  });

  it('exports JSON, optionally one domain', async () => {
    expect(JSON.parse(ok(await mailctl('export', 'mailboxes', '--domain', 'other.org', '--format', 'json')))).toEqual([
      { name: 'bob', domain: 'other.org', owner: 'bob', ownerType: 'user', aliases: [], active: false },
    ]);
    expect((await mailctl('export', 'mailboxes', '--domain', 'nope.test', '--format', 'json')).stderr).toBe('mailctl: domain nope.test does not exist\n');
    expect((await mailctl('export', 'mailboxes')).code).toBe(2);
  });

  it.each(['csv', 'json'] as const)('round trip in %s: export → wipe → import → export is identical', async (format) => {
    const exported = ok(await mailctl('export', 'mailboxes', '--format', format));
    const file = path.join(dataDir, `export.${format}`);
    fs.writeFileSync(file, exported);
    for (const address of ['alice@example.com', 'team@example.com', 'bob@other.org']) ok(await mailctl('mailbox', 'rm', address));
    expect(ok(await mailctl('mailbox', 'list'))).toBe('no mailboxes\n');
    expect(ok(await mailctl('import', 'mailboxes', file))).toBe('imported 3 mailbox(es)\n');
    expect(ok(await mailctl('export', 'mailboxes', '--format', format))).toBe(exported);
  });

  it('a file with one bad row changes nothing and names every bad line', async () => {
    const before = ok(await mailctl('export', 'mailboxes', '--format', 'json'));
    const file = path.join(dataDir, 'bad.csv');
    fs.writeFileSync(file, ['carol,example.com,alice,user', 'dave,example.com,ghost,user', 'erin,example.com,bob,user', 'frank,nowhere.test,bob,user', ''].join('\n'));
    const result = await mailctl('import', 'mailboxes', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'line 2: user ghost does not exist',
      'line 4: domain nowhere.test does not exist',
      'mailctl: the import has 2 bad row(s); nothing was imported (first: line 2: user ghost does not exist)',
      '',
    ]);
    expect(ok(await mailctl('export', 'mailboxes', '--format', 'json'))).toBe(before);
  });

  it('refuses a duplicate inside the file, a wrong column count, and a missing file', async () => {
    const file = path.join(dataDir, 'dup.csv');
    fs.writeFileSync(file, 'x,example.com,alice,user\nx,example.com,bob,user\ny,example.com\n');
    const result = await mailctl('import', 'mailboxes', file);
    expect(result.stderr).toContain('line 3: expected 4 to 6 columns');
    fs.writeFileSync(file, 'x,example.com,alice,user\nX,example.com,bob,user\n');
    expect((await mailctl('import', 'mailboxes', file)).stderr).toContain('line 2: x@example.com is already used on line 1');
    expect((await mailctl('import', 'mailboxes', path.join(dataDir, 'missing.csv'))).stderr).toBe(`mailctl: cannot read ${path.join(dataDir, 'missing.csv')}: ENOENT\n`);
    expect((await runMailctl(['--data-dir', dataDir, 'import', 'mailboxes', path.join(dataDir, 'x.txt')])).code).toBe(2);
  });
});

describe('import progress', () => {
  it('draws a progress bar on stderr when it is a terminal (script(1) gives it a pty), and not otherwise', async () => {
    ok(await mailctl('domain', 'add', 'bulk.test'));
    const file = path.join(dataDir, 'bulk.csv');
    fs.writeFileSync(file, Array.from({ length: 200 }, (_, i) => `m${i},bulk.test,alice,user`).join('\n'));
    const command = [process.execPath, MAILCTL, '--data-dir', dataDir, 'import', 'mailboxes', file].map((a) => `'${a}'`).join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('\rchecking [');
    expect(run.stdout).toContain('] 200/200');
    expect(run.stdout).toContain('imported 200 mailbox(es)');
  });
});

describe('mailctl events', () => {
  it('lists administrative changes made with mailctl (who, what), filtered by type and text', async () => {
    const out = ok(await mailctl('events', '--type', 'admin', '--search', 'example.com', '--limit', '1000'));
    expect(out).toMatch(/^\S+Z {2}admin {5}mailctl  added domain example\.com {2}\(\S+\)$/m);
    const doc = JSON.parse(ok(await mailctl('events', '--type', 'admin', '--search', 'added user bob', '--json'))) as { events: { actor: string; source: string }[]; total: number };
    expect(doc.total).toBe(1);
    expect(doc.events[0]).toMatchObject({ source: 'mailctl', actor: os.userInfo().username });
    expect(ok(await mailctl('events', '--type', 'login'))).toBe('no events\n');
  });

  it('refuses an unknown type and a bad limit', async () => {
    expect((await mailctl('events', '--type', 'bogus')).stderr).toMatch(/^mailctl: unknown event type\(s\): bogus/);
    expect((await mailctl('events', '--limit', '0')).code).toBe(2);
  });

  it('--follow prints new events as they arrive and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAILCTL, '--data-dir', dataDir, 'events', '--follow', '--type', 'admin', '--limit', '1']);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const seen = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (out.includes(text) ? resolve() : void setTimeout(check, 50));
        check();
      });
    await seen('\n');
    ok(await mailctl('domain', 'add', 'followed.test'));
    await seen('added domain followed.test');
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(2);
  });
});
