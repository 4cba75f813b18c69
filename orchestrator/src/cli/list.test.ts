/**
 * mailctl list …, end to end: the built CLI against a temp data directory.
 * Build first: `npx tsc -b`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mailctlIn, type CliResult } from './testing';

let dataDir: string;
let mailctl: ReturnType<typeof mailctlIn>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailctl-list-'));
  mailctl = mailctlIn(dataDir);
  ok(await mailctl('domain', 'add', 'acme.test'));
  ok(await mailctl('user', 'add', 'alice', '--password', 'alice-secret'));
  ok(await mailctl('mailbox', 'add', 'alice@acme.test', '--owner', 'alice'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function ok(result: CliResult): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}

function failed(result: CliResult, code: number): string {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(/^mailctl: [^\n]+\n$/);
  return result.stderr;
}

interface ListJson {
  address: string;
  membersOnly: boolean;
  members: string[];
}

describe('mailctl list', () => {
  it('adds, shows, changes, lists and removes a list', async () => {
    expect(ok(await mailctl('list', 'add', 'Team@acme.test', '--members', 'alice@acme.test, X@Example.org', '--members-only'))).toBe(
      'added mailing list team@acme.test (2 member(s), members only)\n',
    );
    const shown = JSON.parse(ok(await mailctl('list', 'show', 'team@acme.test', '--json'))) as { list: ListJson };
    expect(shown.list).toMatchObject({ address: 'team@acme.test', membersOnly: true, members: ['alice@acme.test', 'x@example.org'] });
    expect(ok(await mailctl('list', 'show', 'team@acme.test'))).toMatch(/members only: +yes/);

    ok(await mailctl('list', 'set', 'team@acme.test', '--members-only', 'off'));
    ok(await mailctl('list', 'set', 'team@acme.test', '--members', 'alice@acme.test'));
    const listed = JSON.parse(ok(await mailctl('list', 'list', 'acme.test', '--json'))) as { lists: ListJson[] };
    expect(listed.lists.map((l) => [l.address, l.membersOnly, l.members])).toEqual([['team@acme.test', false, ['alice@acme.test']]]);
    expect(ok(await mailctl('list', 'list'))).toMatch(/^LIST +MEMBERS ONLY +MEMBERS\nteam@acme\.test +no +alice@acme\.test\n$/);

    ok(await mailctl('list', 'rm', 'team@acme.test'));
    expect(ok(await mailctl('list', 'list'))).toBe('no mailing lists\n');
  });

  it('refuses bad input with one line and changes nothing', async () => {
    expect(failed(await mailctl('list', 'add', 'alice@acme.test', '--members', 'x@example.org'), 1)).toMatch(/already a mailbox/);
    expect(failed(await mailctl('list', 'add', 'l@nowhere.test', '--members', 'x@example.org'), 1)).toMatch(/domain nowhere\.test/);
    expect(failed(await mailctl('list', 'add', 'l@acme.test', '--members', 'not-an-address'), 1)).toMatch(/not a valid member/);
    failed(await mailctl('list', 'add', 'l@acme.test'), 2);
    expect(failed(await mailctl('list', 'set', 'missing@acme.test', '--members-only', 'on'), 1)).toMatch(/does not exist/);
    failed(await mailctl('list', 'set', 'l@acme.test'), 2);
    failed(await mailctl('list', 'rm', 'missing@acme.test'), 1);
    expect(ok(await mailctl('list', 'list'))).toBe('no mailing lists\n');
  });
});
