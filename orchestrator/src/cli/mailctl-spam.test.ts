/**
 * mailctl settings spam-rules|spam-acl|spam-thresholds with the server stopped: the built
 * CLI against a temp data directory, the real `spamassassin --lint`. (With the server
 * running, test/spam.test.ts shows the changes acting on the next message.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths } from '../config/paths';
import { SqliteStore } from '../store';
import { runMailctl, type CliResult } from './testing';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailctl-spam-'));
fs.chmodSync(dataDir, 0o755);
new SqliteStore(dataPaths(dataDir).store).close();
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const mailctl = (...args: string[]): Promise<CliResult> => runMailctl(['--data-dir', dataDir, ...args], { env: { MAIL_SPAM_DNS: 'off' } });
const customCf = path.join(dataDir, 'config', 'spamassassin', 'custom.cf');

/** Failed with this exit code and exactly one line on stderr. */
function failed(result: CliResult, code: number): string {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(/^mailctl: [^\n]+\n$/);
  return result.stderr;
}

describe('usage errors change nothing', () => {
  it.each([
    [['settings', 'spam-rules', 'set'], /set needs a FILE/],
    [['settings', 'spam-rules', 'show', 'x.cf'], /'show' takes no FILE/],
    [['settings', 'spam-rules', 'frob'], /unknown action 'frob'/],
    [['settings', 'spam-acl', 'set'], /set needs --block LIST and\/or --allow LIST/],
    [['settings', 'spam-acl', 'set', '--block', 'a b@x.example'], /--block: 'a b@x.example' is not an address or domain pattern/],
    [['settings', 'spam-thresholds', 'set', '--reject', 'soon'], /--reject takes a number or off/],
    [['settings', 'spam-thresholds', 'show', '--spam', '3'], /'show' takes no options/],
  ])('%j', async (args, message) => {
    expect(failed(await mailctl(...args), 2)).toMatch(message);
    expect(fs.existsSync(customCf)).toBe(false);
  });

  it('names a file it cannot read', async () => {
    expect(failed(await mailctl('settings', 'spam-rules', 'set', path.join(dataDir, 'missing.cf')), 1)).toMatch(/cannot read .*missing\.cf: ENOENT/);
  });
});

describe('with the server stopped', () => {
  it('lints and stores rules for the next start, refuses a broken set, and clears', async () => {
    const rules = path.join(dataDir, 'rules.cf');
    fs.writeFileSync(rules, 'header SUBJECT_HAS_DISCOUNT  Subject =~ /\\bdiscount\\b/i\nscore SUBJECT_HAS_DISCOUNT 100\n');
    const set = await mailctl('settings', 'spam-rules', 'set', rules);
    expect(set.stdout).toBe('custom spam rules set (active at the next start)\n');
    expect(fs.readFileSync(customCf, 'utf8')).toContain('SUBJECT_HAS_DISCOUNT');

    fs.writeFileSync(rules, 'score\n');
    expect(failed(await mailctl('settings', 'spam-rules', 'set', rules), 1)).toMatch(/spamassassin --lint rejected the rules: /);
    expect(JSON.parse((await mailctl('settings', 'spam-rules', 'show', '--json')).stdout)).toEqual({ rules: expect.stringContaining('SUBJECT_HAS_DISCOUNT') });
    expect(fs.readFileSync(customCf, 'utf8')).toContain('SUBJECT_HAS_DISCOUNT');

    expect((await mailctl('settings', 'spam-rules', 'clear')).stdout).toBe('custom spam rules cleared (active at the next start)\n');
    expect((await mailctl('settings', 'spam-rules', 'show')).stdout).toBe('(no custom rules)\n');
    expect(fs.readFileSync(customCf, 'utf8')).not.toContain('SUBJECT_HAS_DISCOUNT');
  }, 120_000);

  it('keeps one list when only the other is given, and renders both', async () => {
    await mailctl('settings', 'spam-acl', 'set', '--block', 'Bad.Example', '--allow', 'ok@good.example');
    await mailctl('settings', 'spam-acl', 'set', '--block', '*.junk.example');
    expect((await mailctl('settings', 'spam-acl', 'show')).stdout).toMatch(/^block: +\*\.junk\.example\nallow: +ok@good\.example\n$/);
    const acl = fs.readFileSync(path.join(dataDir, 'config', 'spamassassin', 'acl.cf'), 'utf8');
    expect(acl).toMatch(/^blocklist_from \*@\*\.junk\.example$/m);
    expect(acl).toMatch(/^welcomelist_from ok@good\.example$/m);
    expect(acl).not.toMatch(/bad\.example/);
  }, 120_000);
});
