/**
 * A real, small filesystem for disk-full tests: tmpfs with a size limit (which binds
 * root too: tmpfs has no reserved blocks), else an ext4 image on a loop device. Each
 * reports ENOSPC exactly as a full disk does. RLIMIT_FSIZE would not do: it gives
 * EFBIG (and SIGXFSZ) per process, not ENOSPC for every writer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallFs {
  dir: string;
  kind: 'tmpfs' | 'loop-ext4';
  /** Fills the filesystem to the last byte with one file; returns its path. */
  fill(): string;
  unmount(): void;
}

const run = (cmd: string, args: string[]): void => {
  execFileSync(cmd, args, { stdio: 'pipe' });
};

/** Throws with every attempt's reason when neither kind can be mounted here. */
export function mountSmallFs(sizeMb: number): SmallFs {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'small-fs-'));
  // Dovecot's mail processes (the vmail account) must traverse it.
  fs.chmodSync(base, 0o755);
  const dir = path.join(base, 'mnt');
  fs.mkdirSync(dir);
  const reasons: string[] = [];
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir]);
    return handle(dir, 'tmpfs', () => undefined);
  } catch (err) {
    reasons.push(`tmpfs: ${(err as Error).message}`);
  }
  const image = path.join(base, 'fs.img');
  try {
    fs.writeFileSync(image, '');
    fs.truncateSync(image, sizeMb * 1024 * 1024);
    run('mkfs.ext4', ['-q', '-m', '0', image]);
    run('mount', ['-o', 'loop', image, dir]);
    return handle(dir, 'loop-ext4', () => fs.rmSync(image, { force: true }));
  } catch (err) {
    reasons.push(`loop: ${(err as Error).message}`);
  }
  fs.rmSync(base, { recursive: true, force: true });
  throw new Error(`cannot mount a small filesystem here: ${reasons.join('; ')}`);
}

function handle(dir: string, kind: SmallFs['kind'], cleanup: () => void): SmallFs {
  return {
    dir,
    kind,
    fill: () => fillUp(path.join(dir, 'filler')),
    unmount: () => {
      try {
        run('umount', [dir]);
      } catch {
        // A process that outlived the test still holds a file: detach lazily.
        run('umount', ['-l', dir]);
      }
      cleanup();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    },
  };
}

function fillUp(file: string): string {
  const fd = fs.openSync(file, 'a');
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 9, 1]) {
      const chunk = Buffer.alloc(size, 0x78);
      for (;;) {
        try {
          fs.writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
