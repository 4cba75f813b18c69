/**
 * DKIM keys (RFC 6376): one RSA 2048 key pair per domain under `<data>/dkim/<domain>/`
 * (`private` mode 0600, `public`, `selector`), created on first use and kept. The
 * selector is unique to this installation (`mail-<8 hex>`, from a random install id
 * kept in `secrets/`), so two installs signing for one domain never publish over
 * each other's record. haraka-plugin-dkim reads the same directory through
 * `<haraka dir>/config/dkim` (linkDkimForHaraka).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import { writeFileAtomic } from '../render/files';

export interface DomainKey {
  domain: string;
  selector: string;
  /** SubjectPublicKeyInfo, DER, base64: the `p=` tag of the DNS record (RFC 6376 §3.6.1). */
  publicKey: string;
}

export interface DkimRecord {
  /** `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1). */
  name: string;
  type: 'TXT';
  value: string;
}

// RFC 8301 §3.2: signers must use RSA keys of at least 1024 bits and should use 2048.
const KEY_BITS = 2048;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function dkimRoot(paths: DataPaths): string {
  return path.join(paths.root, 'dkim');
}

function installIdFile(paths: DataPaths): string {
  return path.join(paths.secrets, 'install-id');
}

/** `mail-<first 8 hex of the install id>`; the id is created (0600) on first use. */
export function installSelector(paths: DataPaths): string {
  const file = installIdFile(paths);
  let id = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!/^[0-9a-f]{16,}$/.test(id)) {
    fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
    id = crypto.randomBytes(8).toString('hex');
    writeFileAtomic(file, `${id}\n`, 0o600);
  }
  return `mail-${id.slice(0, 8)}`;
}

function domainDir(paths: DataPaths, domain: string): string {
  const name = domain.toLowerCase();
  // The name becomes a path: only a plain host name may pass.
  if (!DOMAIN.test(name)) throw new Error(`'${domain}' is not a domain name`);
  return path.join(dkimRoot(paths), name);
}

/** The domain's key, created first if it has none. */
export function ensureDomainKey(paths: DataPaths, domain: string): DomainKey {
  return readDomainKey(paths, domain) ?? createDomainKey(paths, domain);
}

export function readDomainKey(paths: DataPaths, domain: string): DomainKey | undefined {
  const dir = domainDir(paths, domain);
  if (!fs.existsSync(path.join(dir, 'private'))) return undefined;
  const selector = fs.readFileSync(path.join(dir, 'selector'), 'utf8').trim();
  const pem = fs.readFileSync(path.join(dir, 'public'), 'utf8');
  const der = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return { domain: path.basename(dir), selector, publicKey: der.toString('base64') };
}

/**
 * Writes the three files into a fresh directory and renames it into place, so
 * Haraka (which looks for the directory) sees a complete key or none. A concurrent
 * creator may win the rename; its key is then the one kept.
 */
function createDomainKey(paths: DataPaths, domain: string): DomainKey {
  const dir = domainDir(paths, domain);
  const root = dkimRoot(paths);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  fs.chmodSync(root, 0o700);
  const selector = installSelector(paths);
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
  const scratch = fs.mkdtempSync(path.join(root, `.new-${path.basename(dir)}-`));
  try {
    writeFileAtomic(path.join(scratch, 'private'), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    writeFileAtomic(path.join(scratch, 'public'), publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
    writeFileAtomic(path.join(scratch, 'selector'), `${selector}\n`, 0o644);
    fs.chmodSync(scratch, 0o700);
    fs.renameSync(scratch, dir);
    syncDirectory(root);
  } catch (err) {
    fs.rmSync(scratch, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  const key = readDomainKey(paths, domain);
  if (!key) throw new Error(`the DKIM key of ${domain} could not be created`);
  return key;
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The TXT record to publish (RFC 6376 §3.6.1: v=DKIM1, k=rsa, p=<base64 key>). */
export function dkimRecord(key: DomainKey): DkimRecord {
  return { name: `${key.selector}._domainkey.${key.domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${key.publicKey}` };
}

/**
 * haraka-plugin-dkim looks for keys in `<haraka dir>/config/dkim/<domain>/`: that
 * directory is a link to the data directory's keys, so a key created while Haraka
 * runs is used from its next message on, with no render or reload.
 */
export function linkDkimForHaraka(paths: DataPaths, harakaConfigDir: string): void {
  const root = dkimRoot(paths);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const link = path.join(harakaConfigDir, 'dkim');
  const current = fs.lstatSync(link, { throwIfNoEntry: false });
  if (current?.isSymbolicLink() && fs.readlinkSync(link) === root) return;
  if (current) fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(root, link);
}
