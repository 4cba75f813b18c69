/**
 * Reading SMTP/LMTP replies off a byte stream (RFC 5321 §4.2): one or more lines
 * `NNN-text` ending with `NNN text`. Pure: bytes in with `push`, replies out with `next`.
 */
import { StringDecoder } from 'node:string_decoder';

export interface Reply {
  code: number;
  /** Text of each line, without the code and separator. */
  lines: string[];
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** `250 2.0.0 <a@b> Saved` (multi-line replies are joined with ' / '). */
export function formatReply(reply: Reply): string {
  return `${reply.code} ${reply.lines.join(' / ')}`.trim();
}

export function isPositive(reply: Reply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; allow slack, but bound it.
const MAX_LINE = 4096;
const MAX_LINES_PER_REPLY = 100;
const REPLY_LINE = /^([2-5]\d\d)(?:([ -])(.*))?$/;

interface Waiter {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
}

export class ReplyReader {
  private buffered = '';
  // Keeps a UTF-8 character split across two chunks intact.
  private readonly decoder = new StringDecoder('utf8');
  private current: { code: number; lines: string[] } | undefined;
  private readonly ready: Reply[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: Error | undefined;

  /** Feeds bytes from the peer. */
  push(chunk: Buffer): void {
    if (this.failure) return;
    this.buffered += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      this.takeLine(line);
      if (this.failure) return;
    }
    if (this.buffered.length > MAX_LINE) this.fail(new ProtocolError('reply line too long'));
  }

  /** The stream ended or broke: every pending and future `next()` rejects with `err`. */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }

  /** The next complete reply, in order. */
  next(): Promise<Reply> {
    const reply = this.ready.shift();
    if (reply) return Promise.resolve(reply);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private takeLine(line: string): void {
    const match = REPLY_LINE.exec(line);
    if (!match) return this.fail(new ProtocolError(`malformed reply line '${line.slice(0, 80)}'`));
    const code = Number(match[1]);
    const text = match[3] ?? '';
    if (this.current && this.current.code !== code) {
      return this.fail(new ProtocolError(`reply code changed inside a multi-line reply (${this.current.code} → ${code})`));
    }
    const current = this.current ?? { code, lines: [] };
    current.lines.push(text);
    if (current.lines.length > MAX_LINES_PER_REPLY) return this.fail(new ProtocolError('reply has too many lines'));
    if (match[2] === '-') {
      this.current = current;
      return;
    }
    this.current = undefined;
    this.deliver(current);
  }

  private deliver(reply: Reply): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(reply);
    else this.ready.push(reply);
  }
}
