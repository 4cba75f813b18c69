/**
 * Where a supervised child's stdout/stderr go: the supervisor reads them from a pipe
 * and appends them to the log file itself. A child given the file directly dies on a
 * full disk (Haraka and the LDAP bridge write with process.stdout.write, whose ENOSPC
 * is an uncaught 'error'), so a full log disk would turn into a crash loop and refused
 * connections instead of the 4xx a full disk must give. Here a failed write drops that
 * output and counts it; the next write that succeeds says how much was lost.
 *
 * Rotation: once the file holds `maxBytes`, it becomes FILE.1 (FILE.1 becomes FILE.2 …,
 * `keep` old files in all, the oldest deleted) at the end of a chunk that ends a line, so
 * no line is split across two files (a child that never ends a line is rotated at twice
 * the size). The event log follows the rename (events/collector.ts).
 */
import fs from 'node:fs';

export interface LogRotation {
  maxBytes: number;
  /** Old files kept (FILE.1 … FILE.keep). */
  keep: number;
}

export class LogSink {
  private fd: number | undefined;
  private size = 0;
  /** Rotate at this size: maxBytes, or further on after a rotation that failed. */
  private limit: number;
  private droppedBytes = 0;
  private lastError = '';

  constructor(
    readonly file: string,
    /** Absent: the file is never rotated. */
    private readonly rotation?: LogRotation,
  ) {
    this.limit = rotation?.maxBytes ?? Infinity;
  }

  write(chunk: Buffer | string): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      if (this.fd === undefined) {
        this.fd = fs.openSync(this.file, 'a');
        this.size = fs.fstatSync(this.fd).size;
      }
      if (this.droppedBytes > 0) {
        const notice = Buffer.from(`\n[supervisor] ${this.droppedBytes} bytes of output were dropped: ${this.lastError}\n`);
        writeAll(this.fd, notice);
        this.size += notice.length;
        this.droppedBytes = 0;
      }
      writeAll(this.fd, data);
      this.size += data.length;
    } catch (err) {
      this.droppedBytes += data.length;
      this.lastError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      return;
    }
    const lineEnded = data.length > 0 && data[data.length - 1] === 0x0a;
    if (this.rotation && this.size >= (lineEnded ? this.limit : this.limit + this.rotation.maxBytes)) this.rotate(this.rotation);
  }

  /** FILE → FILE.1 → … → FILE.keep; the next write opens a new FILE. A failure keeps appending. */
  private rotate(rotation: LogRotation): void {
    try {
      this.close();
      fs.rmSync(`${this.file}.${rotation.keep}`, { force: true });
      for (let n = rotation.keep - 1; n >= 1; n--) {
        if (fs.existsSync(`${this.file}.${n}`)) fs.renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
      }
      fs.renameSync(this.file, `${this.file}.1`);
      this.limit = rotation.maxBytes;
    } catch (err) {
      // Not retried on every write: again once another maxBytes have been written.
      this.limit = this.size + rotation.maxBytes;
      process.emitWarning(`log rotation of ${this.file} failed: ${(err as Error).message}`);
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
