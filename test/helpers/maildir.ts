/**
 * Reads a mailbox's maildir straight from disk (data/vmail/<address>/Maildir, every
 * folder): which load tokens it holds, how many times, and whether each copy is whole.
 * Reading the files, not IMAP, counts exactly what Dovecot stored, independent of its
 * indexes; the IMAP view is checked separately where it matters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { endMarker } from './load-generator';

export interface MaildirScan {
  /** token → copies stored (cur/ and new/ of every folder). */
  copies: Map<string, number>;
  /** Files in cur/ or new/ that hold a token but not its last line (a truncated copy). */
  truncated: string[];
  /** Files in cur/ or new/ (any content). */
  files: number;
  /** Files left in tmp/ (a save that never completed; Dovecot removes them later). */
  tmpFiles: number;
}

const TOKEN = /^X-Load-Token: (\S+)\r?$/m;

export function scanMaildir(vmailDir: string, mailbox: string): MaildirScan {
  const scan: MaildirScan = { copies: new Map(), truncated: [], files: 0, tmpFiles: 0 };
  const root = path.join(vmailDir, mailbox.toLowerCase(), 'Maildir');
  if (fs.existsSync(root)) walk(root, scan);
  return scan;
}

function walk(dir: string, scan: MaildirScan): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    if (entry.name === 'tmp') scan.tmpFiles += fs.readdirSync(sub).length;
    else if (entry.name === 'cur' || entry.name === 'new') fs.readdirSync(sub).forEach((f) => readMessage(path.join(sub, f), scan));
    else walk(sub, scan);
  }
}

function readMessage(file: string, scan: MaildirScan): void {
  scan.files++;
  const text = fs.readFileSync(file, 'latin1');
  const token = TOKEN.exec(text)?.[1];
  if (!token) return;
  scan.copies.set(token, (scan.copies.get(token) ?? 0) + 1);
  if (!text.includes(endMarker(token))) scan.truncated.push(file);
}
