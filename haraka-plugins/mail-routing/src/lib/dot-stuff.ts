/**
 * DATA encoding for SMTP and LMTP (RFC 5321 §4.5.2, RFC 2033 §4.2): every line that
 * starts with "." gets one more "."; lines end in CRLF (RFC 5321 §2.3.8 forbids a bare
 * LF, so one is turned into CRLF); the data ends with CRLF "." CRLF (§4.1.1.4), adding
 * the CRLF a message without a final line end lacks. Streams: a line may be split
 * across any two chunks.
 */
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const EXTRA_DOT = Buffer.from('.');
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');

export class DotStuffer extends Transform {
  private atLineStart = true;
  private lastByte: number | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.atLineStart && chunk[pos] === DOT) out.push(EXTRA_DOT);
      const lf = chunk.indexOf(LF, pos);
      if (lf === -1) {
        out.push(chunk.subarray(pos));
        this.atLineStart = false;
        break;
      }
      const before = lf > 0 ? chunk[lf - 1] : this.lastByte;
      if (before === CR) out.push(chunk.subarray(pos, lf + 1));
      else out.push(chunk.subarray(pos, lf), CRLF);
      pos = lf + 1;
      this.atLineStart = true;
    }
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1];
    done(null, Buffer.concat(out));
  }

  override _flush(done: TransformCallback): void {
    if (!this.atLineStart) this.push(this.lastByte === CR ? Buffer.from('\n') : CRLF);
    this.push(TERMINATOR);
    done();
  }
}
