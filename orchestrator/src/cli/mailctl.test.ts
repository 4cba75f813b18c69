/**
 * mailctl end to end: the built CLI against a temp data directory.
 * Build first: `npx tsc -b`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dataPaths } from '../config/paths';
import { MailServices } from '../services';
import { SqliteStore } from '../store';
import { builtCliExists, mailctlIn, runMailctl, type CliResult } from './testing';

const tempDirs: string[] = [];
function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailctl-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function ok(result: CliResult): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}

function okJson<T = Record<string, unknown>>(result: CliResult): T {
  return JSON.parse(ok(result)) as T;
}

/** Failed with this exit code, exactly one line on stderr, nothing on stdout. */
function failed(result: CliResult, code: number): string {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(/^mailctl: [^\n]+\n$/);
  return result.stderr;
}

/** Two domains, users alice and bob, group staff, three mailboxes, one alias. */
async function seed(dataDir: string): Promise<void> {
  const mailctl = mailctlIn(dataDir);
  for (const domain of ['example.com', 'other.org']) ok(await mailctl('domain', 'add', domain));
  ok(await mailctl('user', 'add', 'alice', '--password', 'alice-secret'));
  ok(await runMailctl(['--data-dir', dataDir, 'user', 'add', 'bob', '--password-stdin'], { input: 'bob-secret\n' }));
  ok(await mailctl('group', 'add', 'staff', '--members', 'alice,bob'));
  ok(await mailctl('mailbox', 'add', 'alice@example.com', '--owner', 'alice'));
  ok(await mailctl('mailbox', 'add', 'bob@example.com', '--owner', 'bob'));
  ok(await mailctl('mailbox', 'add', 'team@example.com', '--owner', 'staff', '--owner-type', 'group'));
  ok(await mailctl('alias', 'set', 'alice@example.com', 'info@example.com'));
}

async function withServices<T>(dataDir: string, use: (services: MailServices) => Promise<T>): Promise<T> {
  const paths = dataPaths(dataDir);
  const store = new SqliteStore(paths.store);
  try {
    return await use(new MailServices(store, paths));
  } finally {
    store.close();
  }
}

beforeAll(() => {
  if (!builtCliExists()) throw new Error('the CLI is not built: run `npx tsc -b` first');
});

describe('mailctl directory commands', () => {
  const dataDir = tempDataDir();
  const mailctl = mailctlIn(dataDir);
  beforeAll(() => seed(dataDir));

  test('domain list and masquerade', async () => {
    ok(await mailctl('domain', 'set', 'other.org', '--masquerade', 'on'));
    const { domains } = okJson<{ domains: { name: string; masquerade: boolean }[] }>(await mailctl('domain', 'list', '--json'));
    expect(domains.map((d) => [d.name, d.masquerade])).toEqual([['example.com', false], ['other.org', true]]);
    expect(ok(await mailctl('domain', 'list'))).toMatch(/^DOMAIN +INCOMING +MASQUERADE +CREATED\nexample\.com +yes +no /);
    ok(await mailctl('domain', 'set', 'other.org', '--masquerade', 'off'));
  });

  test('domain set --incoming: on by default, off makes the domain send-only', async () => {
    type Listed = { domains: { name: string; incoming: boolean; masquerade: boolean }[] };
    const listed = async () => okJson<Listed>(await mailctl('domain', 'list', '--json')).domains.map((d) => [d.name, d.incoming, d.masquerade]);
    expect(await listed()).toEqual([['example.com', true, false], ['other.org', true, false]]);
    const off = okJson(await mailctl('domain', 'set', 'Other.org', '--incoming', 'off', '--json'));
    expect(off).toMatchObject({ ok: true, message: 'incoming mail off for Other.org', incoming: false });
    expect(await listed()).toEqual([['example.com', true, false], ['other.org', false, false]]);
    expect(ok(await mailctl('domain', 'list'))).toMatch(/^other\.org +no +no /m);
    ok(await mailctl('domain', 'set', 'other.org', '--incoming', 'on', '--masquerade', 'on'));
    expect(await listed()).toEqual([['example.com', true, false], ['other.org', true, true]]);
    ok(await mailctl('domain', 'set', 'other.org', '--masquerade', 'off'));
  });

  test('users, passwords from the command line and from stdin', async () => {
    const { users } = okJson<{ users: { username: string; groups: string[] }[] }>(await mailctl('user', 'list', '--json'));
    expect(users.map((u) => [u.username, u.groups])).toEqual([['alice', ['staff']], ['bob', ['staff']]]);
    const input = 'new-alice-secret\n';
    ok(await runMailctl(['--data-dir', dataDir, 'user', 'passwd', 'alice', '--password-stdin'], { input }));
    ok(await mailctl('user', 'passwd', 'bob', '--password', 'new-bob-secret'));
    await withServices(dataDir, async (services) => {
      expect(await services.authenticateUser('alice', 'new-alice-secret')).toBe(true);
      expect(await services.authenticateUser('bob', 'new-bob-secret')).toBe(true);
      expect(await services.authenticateUser('bob', 'bob-secret')).toBe(false);
    });
  });

  test('groups', async () => {
    ok(await mailctl('group', 'add', 'empty'));
    ok(await mailctl('group', 'set', 'staff', '--members', 'bob'));
    const { groups } = okJson<{ groups: unknown[] }>(await mailctl('group', 'list', '--json'));
    expect(groups).toEqual([{ name: 'empty', members: [] }, { name: 'staff', members: ['bob'] }]);
    ok(await mailctl('group', 'rm', 'empty'));
    expect(ok(await mailctl('group', 'list'))).toBe('GROUP  MEMBERS\nstaff  bob\n');
  });

  test('mailboxes: app owner, disable, POP3, list and show', async () => {
    const appArgs = ['--owner', 'bot', '--owner-type', 'app', '--password', 'app-secret', '--json'];
    const added = okJson(await mailctl('mailbox', 'add', 'Bot.App@other.org', ...appArgs));
    expect(added).toMatchObject({ ok: true, mailbox: { address: 'bot.app@other.org', ownerType: 'app', aliases: [] } });
    ok(await mailctl('mailbox', 'disable', 'bob@example.com'));
    ok(await mailctl('mailbox', 'set', 'alice@example.com', '--pop3', 'on'));
    const shown = await mailctl('mailbox', 'show', 'alice@example.com', '--json');
    const { mailbox } = okJson<{ mailbox: Record<string, unknown> }>(shown);
    expect(mailbox).toMatchObject({ address: 'alice@example.com', ownerType: 'user', owner: 'alice', active: true, pop3: true });
    expect(mailbox['aliases']).toEqual(['info@example.com']);
    type Listed = { mailboxes: { address: string; active: boolean }[] };
    const list = okJson<Listed>(await mailctl('mailbox', 'list', 'example.com', '--json'));
    expect(list.mailboxes.map((m) => [m.address, m.active])).toEqual([
      ['alice@example.com', true],
      ['bob@example.com', false],
      ['team@example.com', true],
    ]);
    const all = okJson<{ mailboxes: unknown[] }>(await mailctl('mailbox', 'list', '--json'));
    expect(all.mailboxes).toHaveLength(4);
    expect(ok(await mailctl('mailbox', 'show', 'bob@example.com'))).toMatch(/^active: +no$/m);
    ok(await mailctl('mailbox', 'enable', 'bob@example.com'));
    await withServices(dataDir, async (services) => {
      expect(await services.authenticateMailbox('bot.app@other.org', 'app-secret')).toBe(true);
      expect(await services.authenticateMailbox('team@example.com', 'new-bob-secret')).toBe(true);
    });
  });

  test('app mailboxes without --password get a generated one, printed once', async () => {
    type Added = { credentials: { username: string; password: string; generated: boolean; smtp: unknown[]; imap: unknown[] } };
    const added = okJson<Added>(await mailctl('mailbox', 'add', 'gen.app@other.org', '--owner', 'gen', '--owner-type', 'app', '--json'));
    const { credentials } = added;
    expect(credentials).toMatchObject({ username: 'gen.app@other.org', generated: true });
    expect(credentials.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(credentials.smtp).toContainEqual(expect.objectContaining({ port: 2465, security: 'tls' }));
    expect(credentials.imap).toContainEqual(expect.objectContaining({ port: 2993, security: 'tls' }));
    const plain = ok(await mailctl('mailbox', 'add', 'txt.app@other.org', '--owner', 'txt', '--owner-type', 'app'));
    const printed = /^password: +(\S+)$/m.exec(plain)?.[1] ?? '';
    expect(plain).toMatch(/shown only now/);
    expect(ok(await mailctl('mailbox', 'show', 'txt.app@other.org'))).not.toContain(printed);
    await withServices(dataDir, async (services) => {
      expect(await services.authenticateMailbox('gen.app@other.org', credentials.password)).toBe(true);
      expect(await services.authenticateMailbox('txt.app@other.org', printed)).toBe(true);
    });
    ok(await mailctl('mailbox', 'rm', 'gen.app@other.org'));
    ok(await mailctl('mailbox', 'rm', 'txt.app@other.org'));
  });

  test('settings: masquerade and signature per domain', async () => {
    ok(await mailctl('settings', 'set', 'example.com', 'masquerade', 'on'));
    ok(await mailctl('settings', 'set', 'example.com', 'signature', '--text=-- \r\nExample Ltd.  ', '--html', '<p>Example</p>'));
    type Shown = { settings: { masquerade: boolean; signature: { text: string | null; html: string | null } } };
    const shown = okJson<Shown>(await mailctl('settings', 'show', 'Example.COM', '--json'));
    expect(shown.settings).toEqual({ domain: 'example.com', masquerade: true, signature: { text: '-- \nExample Ltd.', html: '<p>Example</p>' } });
    expect(ok(await mailctl('settings', 'show', 'example.com'))).toMatch(/^masquerade: +yes$/m);
    ok(await mailctl('settings', 'set', 'example.com', 'masquerade', 'off'));
    ok(await mailctl('settings', 'set', 'example.com', 'signature', '--clear'));
    const cleared = okJson<Shown>(await mailctl('settings', 'show', 'example.com', '--json'));
    expect(cleared.settings).toMatchObject({ masquerade: false, signature: { text: null, html: null } });
    expect(failed(await mailctl('settings', 'set', 'example.com', 'masquerade', 'maybe'), 2)).toMatch(/on or off/);
    expect(failed(await mailctl('settings', 'set', 'example.com', 'signature'), 2)).toMatch(/--clear/);
    expect(failed(await mailctl('settings', 'show', 'nowhere.org'), 1)).toMatch(/does not exist/);
  });

  test('aliases: replace, filter, clear', async () => {
    ok(await mailctl('alias', 'set', 'bob@example.com', 'robert@example.com', 'Bob@Other.org'));
    const byDomain = okJson<{ aliases: unknown[] }>(await mailctl('alias', 'list', '--domain', 'other.org', '--json'));
    expect(byDomain.aliases).toEqual([{ address: 'bob@other.org', mailbox: 'bob@example.com' }]);
    ok(await mailctl('alias', 'set', 'bob@example.com', 'rob@example.com'));
    const ofBob = okJson<{ aliases: unknown[] }>(await mailctl('alias', 'list', '--mailbox', 'bob@example.com', '--json'));
    expect(ofBob.aliases).toEqual([{ address: 'rob@example.com', mailbox: 'bob@example.com' }]);
    ok(await mailctl('alias', 'set', 'bob@example.com'));
    const all = okJson<{ aliases: unknown[] }>(await mailctl('alias', 'list', '--json'));
    expect(all.aliases).toEqual([{ address: 'info@example.com', mailbox: 'alice@example.com' }]);
  });

  test('catch-all: set, show, clear', async () => {
    ok(await mailctl('catchall', 'set', 'example.com', 'alice@example.com', 'team@example.com'));
    const shown = okJson(await mailctl('catchall', 'show', 'example.com', '--json'));
    expect(shown).toEqual({ domain: 'example.com', mailboxes: ['alice@example.com', 'team@example.com'] });
    ok(await mailctl('catchall', 'set', 'example.com'));
    expect(okJson(await mailctl('catchall', 'show', 'example.com', '--json'))).toEqual({ domain: 'example.com', mailboxes: [] });
    expect(ok(await mailctl('catchall', 'show', 'example.com'))).toMatch(/bounce/);
  });

  test('removing: mailbox mail kept or deleted, then owner, group and domain', async () => {
    const vmail = dataPaths(dataDir).vmail;
    for (const address of ['bob@example.com', 'team@example.com']) {
      fs.mkdirSync(path.join(vmail, address, 'Maildir', 'cur'), { recursive: true });
    }
    const kept = okJson<{ archivedTo: string }>(await mailctl('mailbox', 'rm', 'bob@example.com', '--json'));
    ok(await mailctl('mailbox', 'rm', 'team@example.com', '--delete-mails'));
    // Kept mail moves aside, so a new mailbox with the same address starts empty.
    expect(fs.existsSync(path.join(vmail, 'bob@example.com'))).toBe(false);
    expect(kept.archivedTo.startsWith(path.join(vmail, 'archived', 'bob@example.com.'))).toBe(true);
    expect(fs.existsSync(path.join(kept.archivedTo, 'Maildir', 'cur'))).toBe(true);
    expect(fs.existsSync(path.join(vmail, 'team@example.com'))).toBe(false);
    ok(await mailctl('user', 'rm', 'bob'));
    ok(await mailctl('group', 'rm', 'staff'));
    ok(await mailctl('mailbox', 'rm', 'bot.app@other.org'));
    ok(await mailctl('domain', 'rm', 'other.org'));
    expect(okJson(await mailctl('domain', 'list', '--json'))).toMatchObject({ domains: [{ name: 'example.com' }] });
    expect(okJson(await mailctl('user', 'list', '--json'))).toMatchObject({ users: [{ username: 'alice' }] });
  });
});

describe('mailctl refuses bad input and changes nothing', () => {
  const dataDir = tempDataDir();
  const mailctl = mailctlIn(dataDir);
  let before: string;

  /** Every row of every table of the store, password hashes included. */
  function snapshot(): string {
    const db = new Database(dataPaths(dataDir).store, { readonly: true });
    try {
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      return JSON.stringify(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    await seed(dataDir);
    ok(await mailctl('catchall', 'set', 'example.com', 'alice@example.com'));
    before = snapshot();
  });

  const USAGE = 2;
  const ERROR = 1;
  const cases: [string, string[], number, RegExp][] = [
    ['a + in the name', ['mailbox', 'add', 'a+b@example.com', '--owner', 'alice'], ERROR, /'\+'/],
    ['.app for a user', ['mailbox', 'add', 'x.app@example.com', '--owner', 'alice'], ERROR, /reserved for apps/],
    ['a 201-character name', ['mailbox', 'add', `${'a'.repeat(201)}@example.com`, '--owner', 'alice'], ERROR, /longer than 200/],
    ['an underscore', ['mailbox', 'add', 'bad_name@example.com', '--owner', 'alice'], ERROR, /only letters/],
    ['an unknown domain', ['mailbox', 'add', 'z@nowhere.org', '--owner', 'alice'], ERROR, /domain nowhere\.org does not exist/],
    ['an unknown owner', ['mailbox', 'add', 'z@example.com', '--owner', 'nobody'], ERROR, /user nobody does not exist/],
    ['an unknown group', ['mailbox', 'add', 'z@example.com', '--owner', 'x', '--owner-type', 'group'], ERROR, /group x/],
    ['a taken alias as mailbox', ['mailbox', 'add', 'info@example.com', '--owner', 'alice'], ERROR, /already an alias/],
    ['a user mailbox password', ['mailbox', 'add', 'z@example.com', '--owner', 'alice', '--password', 'x-secret-1'], ERROR, /only for apps/],
    ['an app with a short password', ['mailbox', 'add', 'z.app@example.com', '--owner', 'z', '--owner-type', 'app', '--password', 'short'], ERROR, /at least 8/],
    ['an unknown relay provider', ['relay', 'set', 'example.com', '--provider', 'pigeon'], ERROR, /unknown relay provider/],
    ['a relay without credentials', ['relay', 'set', 'example.com', '--provider', 'smtp', '--host', 'relay.example', '--port', '587'], ERROR, /username and a password/],
    ['a relay port that is no number', ['relay', 'set', 'example.com', '--provider', 'smtp-noauth', '--host', 'r.example', '--port', 'x'], USAGE, /--port must be a number/],
    ['an unreachable relay', ['relay', 'set', 'example.com', '--provider', 'smtp-noauth', '--host', '127.0.0.1', '--port', '1'], ERROR, /does not work: .*ECONNREFUSED/],
    ['a bad owner type', ['mailbox', 'add', 'z@example.com', '--owner', 'alice', '--owner-type', 'robot'], USAGE, /owner-type/],
    ['a missing --owner', ['mailbox', 'add', 'z@example.com'], USAGE, /--owner NAME is required/],
    ['an alias that is a mailbox', ['alias', 'set', 'alice@example.com', 'new@example.com', 'bob@example.com'], ERROR, /already a mailbox/],
    ['an alias of another mailbox', ['alias', 'set', 'bob@example.com', 'info@example.com'], ERROR, /alias of alice/],
    ['the mailbox as its alias', ['alias', 'set', 'alice@example.com', 'alice@example.com'], ERROR, /mailbox itself/],
    ['rm of a mailbox owner', ['user', 'rm', 'alice'], ERROR, /owns mailboxes: alice@example\.com/],
    ['rm of a group owner', ['group', 'rm', 'staff'], ERROR, /owns mailboxes: team@example\.com/],
    ['rm of a used domain', ['domain', 'rm', 'example.com'], ERROR, /still has 3 mailbox/],
    ['a duplicate domain', ['domain', 'add', 'example.com'], ERROR, /already exists/],
    ['a bad domain name', ['domain', 'add', 'localhost'], ERROR, /not a valid domain/],
    ['a short password', ['user', 'add', 'carol', '--password', 'short'], ERROR, /at least 8/],
    ['a bad user name', ['user', 'add', 'Carol!', '--password', 'carol-secret'], ERROR, /lower-case/],
    ['no password', ['user', 'add', 'carol'], USAGE, /--password-stdin is required/],
    ['an unknown member', ['group', 'add', 'crew', '--members', 'alice,ghost'], ERROR, /user ghost does not exist/],
    ['a bad on|off', ['domain', 'set', 'example.com', '--masquerade', 'maybe'], USAGE, /on or off/],
    ['a bad --incoming', ['domain', 'set', 'example.com', '--incoming', 'yes'], USAGE, /on or off/],
    ['a bad --incoming with a good --masquerade', ['domain', 'set', 'example.com', '--masquerade', 'on', '--incoming', ''], USAGE, /incoming/],
    ['domain set without a setting', ['domain', 'set', 'example.com'], USAGE, /--incoming on\|off or --masquerade on\|off/],
    ['--incoming for an unknown domain', ['domain', 'set', 'ghost.org', '--incoming', 'off'], ERROR, /domain ghost\.org does not exist/],
    ['an unknown catch-all target', ['catchall', 'set', 'example.com', 'nobody@example.com'], ERROR, /does not exist/],
    ['an unknown mailbox', ['mailbox', 'show', 'nobody@example.com'], ERROR, /mailbox nobody@example\.com does not exist/],
    ['an unknown flag', ['domain', 'add', 'new.org', '--frobnicate'], USAGE, /unknown option '--frobnicate'.*usage: mailctl domain add NAME/],
    ['an extra argument', ['domain', 'add', 'new.org', 'more.org'], USAGE, /unexpected argument 'more\.org'/],
    ['a missing argument', ['mailbox', 'disable'], USAGE, /missing argument/],
    ['a missing verb', ['alias'], USAGE, /needs one of: set, list/],
  ];

  test.each(cases)('%s', async (_name, args, code, message) => {
    expect(failed(await mailctl(...args), code)).toMatch(message);
    expect(snapshot()).toBe(before);
  });
});

describe('mailctl usage and data directory', () => {
  test('help, --help and an unknown command', async () => {
    const help = ok(await runMailctl(['help']));
    for (const noun of ['domain', 'user', 'group', 'mailbox', 'alias', 'catchall', 'status']) {
      expect(help).toMatch(new RegExp(`^  ${noun} `, 'm'));
    }
    expect(ok(await runMailctl(['--help']))).toBe(help);
    expect(ok(await runMailctl(['domain', 'add', '--help']))).toMatch(/^Usage: mailctl domain add NAME\n/);
    const unknown = await runMailctl(['frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mailctl: unknown command 'frob'\nUsage: mailctl/);
    expect(unknown.stdout).toBe('');
    const bare = await runMailctl([]);
    expect([bare.code, bare.stdout, bare.stderr]).toEqual([2, '', help]);
  });

  test('--data-dir overrides $MAIL_DATA_DIR; a missing directory is refused', async () => {
    const fromEnv = tempDataDir();
    const fromFlag = tempDataDir();
    ok(await runMailctl(['domain', 'add', 'env.example'], { env: { MAIL_DATA_DIR: fromEnv } }));
    ok(await runMailctl(['--data-dir', fromFlag, 'domain', 'add', 'flag.example'], { env: { MAIL_DATA_DIR: fromEnv } }));
    expect(okJson(await mailctlIn(fromEnv)('domain', 'list', '--json'))).toMatchObject({ domains: [{ name: 'env.example' }] });
    expect(okJson(await mailctlIn(fromFlag)('domain', 'list', '--json'))).toMatchObject({ domains: [{ name: 'flag.example' }] });
    const missing = path.join(fromFlag, 'no-such-dir');
    expect(failed(await mailctlIn(missing)('domain', 'list'), 1)).toMatch(/data directory .* does not exist/);
    expect(fs.existsSync(missing)).toBe(false);
  });
});
