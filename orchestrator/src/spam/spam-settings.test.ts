import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../store';
import {
  aclEntryToSenderGlob,
  checkRulesText,
  checkThresholds,
  normaliseAclEntry,
  parseAclList,
  readSpamSettings,
  SPAM_ACL_KEY,
  writeSpamSettings,
} from './spam-settings';

describe('ACL entries', () => {
  it('takes addresses and domains with * and ? globs, lower-cased, duplicates dropped', () => {
    expect(parseAclList(' Bad@Example.COM, *.junk.example ,spamm?r@*.x.example,, bad@example.com')).toEqual([
      'bad@example.com',
      '*.junk.example',
      'spamm?r@*.x.example',
    ]);
  });

  it('refuses what could break out of a config line or match everything', () => {
    for (const bad of ['a b@x.example', 'x.example\nblocklist_from *', '"q"@x.example', 'a@b@c.example', '*', '*@*', '?.*', 'back\\slash.example', '']) {
      expect(() => normaliseAclEntry(bad)).toThrow(/is not an address or domain pattern/);
    }
  });

  it('makes a bare domain mean every address in it', () => {
    expect(aclEntryToSenderGlob('bad.example')).toBe('*@bad.example');
    expect(aclEntryToSenderGlob('*.bad.example')).toBe('*@*.bad.example');
    expect(aclEntryToSenderGlob('x@bad.example')).toBe('x@bad.example');
  });
});

describe('thresholds and rules', () => {
  it('wants the reject threshold above the spam threshold, or off', () => {
    expect(checkThresholds({ spam: 5, reject: null })).toEqual({ spam: 5, reject: null });
    expect(checkThresholds({ spam: 4.5, reject: 20 })).toEqual({ spam: 4.5, reject: 20 });
    expect(() => checkThresholds({ spam: 5, reject: 5 })).toThrow(/must be above the spam threshold/);
    expect(() => checkThresholds({ spam: 0, reject: null })).toThrow(/spam threshold/);
    expect(() => checkThresholds({ spam: Number.NaN, reject: null })).toThrow(/spam threshold/);
  });

  it('bounds the rules text (the linter judges its meaning)', () => {
    expect(checkRulesText('score X 1\n')).toBe('score X 1\n');
    expect(() => checkRulesText('a\0b')).toThrow(/NUL/);
    expect(() => checkRulesText('#'.repeat(300 * 1024))).toThrow(/larger than/);
  });
});

describe('stored settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spam-settings-'));
  const store = new SqliteStore(path.join(dir, 'store.sqlite'));
  afterAll(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to nothing blocked, no rules, spam at 5, no rejection', async () => {
    expect(await readSpamSettings(store)).toEqual({ acl: { block: [], allow: [] }, rules: '', thresholds: { spam: 5, reject: null } });
  });

  it('round-trips, and removes rows that hold the defaults', async () => {
    const settings = { acl: { block: ['*@bad.example'], allow: ['ok.example'] }, rules: 'score X 1\n', thresholds: { spam: 6, reject: 30 } };
    await writeSpamSettings(store, settings);
    expect(await readSpamSettings(store)).toEqual(settings);
    await writeSpamSettings(store, { acl: { block: [], allow: [] }, rules: '', thresholds: { spam: 5, reject: null } });
    expect(await store.getServerSetting(SPAM_ACL_KEY)).toBeUndefined();
  });

  it('re-checks what it reads: a hand-edited row cannot smuggle a config line in', async () => {
    await store.setServerSetting(SPAM_ACL_KEY, JSON.stringify({ block: ['x.example\nwelcomelist_from *'], allow: [] }));
    await expect(readSpamSettings(store)).rejects.toThrow(/is not an address or domain pattern/);
    await store.setServerSetting(SPAM_ACL_KEY, null);
  });
});
