import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, type DataPaths } from '../config/paths';
import { dkimRecord, dkimRoot, ensureDomainKey, installSelector, linkDkimForHaraka, readDomainKey } from './keys';

let paths: DataPaths;

beforeEach(() => {
  paths = dataPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'dkim-keys-')));
});
afterEach(() => fs.rmSync(paths.root, { recursive: true, force: true }));

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('DKIM keys', () => {
  it('creates an RSA 2048 key pair once per domain, private key 0600, and keeps it', () => {
    expect(readDomainKey(paths, 'acme.test')).toBeUndefined();
    const key = ensureDomainKey(paths, 'Acme.Test');
    const dir = path.join(dkimRoot(paths), 'acme.test');
    expect(mode(path.join(dir, 'private'))).toBe(0o600);
    expect(mode(dkimRoot(paths))).toBe(0o700);
    const privateKey = crypto.createPrivateKey(fs.readFileSync(path.join(dir, 'private')));
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(ensureDomainKey(paths, 'acme.test')).toEqual(key);
    expect(fs.readdirSync(dkimRoot(paths))).toEqual(['acme.test']);
  });

  it('uses one selector per installation, unique and stable, from a 0600 install id', () => {
    const selector = installSelector(paths);
    expect(selector).toMatch(/^mail-[0-9a-f]{8}$/);
    expect(installSelector(paths)).toBe(selector);
    expect(mode(path.join(paths.secrets, 'install-id'))).toBe(0o600);
    expect(ensureDomainKey(paths, 'a.test').selector).toBe(selector);
    expect(ensureDomainKey(paths, 'b.test').selector).toBe(selector);
    const other = dataPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'dkim-keys-')));
    expect(installSelector(other)).not.toBe(selector);
    fs.rmSync(other.root, { recursive: true, force: true });
  });

  it('gives the TXT record to publish, whose key matches the private one', () => {
    const key = ensureDomainKey(paths, 'acme.test');
    const record = dkimRecord(key);
    expect(record.name).toBe(`${key.selector}._domainkey.acme.test`);
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    const signature = crypto.sign('sha256', Buffer.from('x'), fs.readFileSync(path.join(dkimRoot(paths), 'acme.test', 'private')));
    const publicKey = crypto.createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(crypto.verify('sha256', Buffer.from('x'), publicKey, signature)).toBe(true);
  });

  it.each(['../etc', 'a/b.test', 'nodot', '', '-x.test'])('refuses %j as a domain', (domain) => {
    expect(() => ensureDomainKey(paths, domain)).toThrow(/not a domain name/);
  });

  it('links Haraka config/dkim to the keys, idempotently', () => {
    const configDir = path.join(paths.root, 'haraka-config');
    fs.mkdirSync(configDir);
    linkDkimForHaraka(paths, configDir);
    linkDkimForHaraka(paths, configDir);
    ensureDomainKey(paths, 'acme.test');
    expect(fs.readlinkSync(path.join(configDir, 'dkim'))).toBe(dkimRoot(paths));
    expect(fs.existsSync(path.join(configDir, 'dkim', 'acme.test', 'selector'))).toBe(true);
  });
});
