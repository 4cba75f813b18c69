/**
 * Where a supervised child's stdout/stderr go: the supervisor reads them from a pipe
 * and appends them to the log file itself. A child given the file directly dies on a
 * full disk (Haraka and the LDAP bridge write with process.stdout.write, whose ENOSPC
 * is an uncaught 'error'), so a full log disk would turn into a crash loop and refused
 * connections instead of the 4xx a full disk must give. Here a failed write drops that
 * output and counts it; the next write that succeeds says how much was lost.
 */
import fs from 'node:fs';

export class LogSink {
  private fd: number | undefined;
  private droppedBytes = 0;
  private lastError = '';

  constructor(readonly file: string) {}

  write(chunk: Buffer | string): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      this.fd ??= fs.openSync(this.file, 'a');
      if (this.droppedBytes > 0) {
        writeAll(this.fd, Buffer.from(`\n[supervisor] ${this.droppedBytes} bytes of output were dropped: ${this.lastError}\n`));
        this.droppedBytes = 0;
      }
      writeAll(this.fd, data);
    } catch (err) {
      this.droppedBytes += data.length;
      this.lastError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
  }

  /** Bytes lost since the last successful write. */
  get dropped(): number {
    return this.droppedBytes;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** writeSync may write part of a buffer before the disk fills: finish it or throw. */
function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset);
}
