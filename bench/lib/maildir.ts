/** Counting what Dovecot stored: files in new/ and cur/ of a mailbox's INBOX, read from disk. */
import fs from 'node:fs';
import path from 'node:path';

export function storedCount(vmailDir: string, mailbox: string): number {
  let count = 0;
  for (const sub of ['new', 'cur']) {
    try {
      count += fs.readdirSync(path.join(vmailDir, mailbox.toLowerCase(), 'Maildir', sub)).length;
    } catch {
      // not created yet: nothing stored
    }
  }
  return count;
}

/**
 * Resolves with the time (process.hrtime, ns) at which `count` messages were stored;
 * polls every `everyMs` (the error this adds is at most one interval per run).
 */
export async function waitForStored(vmailDir: string, mailbox: string, count: number, timeoutMs: number, everyMs = 25): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = storedCount(vmailDir, mailbox);
    if (stored >= count) return process.hrtime.bigint();
    if (Date.now() > deadline) throw new Error(`${mailbox}: ${stored} of ${count} messages stored after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
