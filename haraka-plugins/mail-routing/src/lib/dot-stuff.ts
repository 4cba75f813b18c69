/**
 * DATA encoding for SMTP and LMTP (RFC 5321 §4.5.2, RFC 2033 §4.2): every line that
 * starts with "." gets one more "."; lines end in CRLF (RFC 5321 §2.3.8 forbids bare
 * CR and LF, so each is turned into CRLF); the data ends with CRLF "." CRLF (§4.1.1.4), adding
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
  /** The previous chunk ended in CR: CRLF or a bare CR, the next byte decides. */
  private pendingCr = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let pos = 0;
    if (this.pendingCr && chunk.length > 0) {
      this.pendingCr = false;
      if (chunk[0] === LF) pos = 1;
      this.endLine(out);
    }
    while (pos < chunk.length) {
      if (this.atLineStart && chunk[pos] === DOT) out.push(EXTRA_DOT);
      const end = nextLineEnd(chunk, pos);
      if (end === -1) {
        out.push(chunk.subarray(pos));
        this.atLineStart = false;
        break;
      }
      out.push(chunk.subarray(pos, end));
      if (chunk[end] === CR && end + 1 === chunk.length) {
        this.pendingCr = true;
        this.atLineStart = false;
        break;
      }
      pos = chunk[end] === CR && chunk[end + 1] === LF ? end + 2 : end + 1;
      this.endLine(out);
    }
    done(null, Buffer.concat(out));
  }

  /**
   * CRLF, a bare LF and a bare CR all end a line and go out as CRLF: a receiver that
   * took a bare CR or LF for a line end would otherwise see an unstuffed "." line
   * (SMTP smuggling, CVE-2023-51764 family).
   */
  private endLine(out: Buffer[]): void {
    out.push(CRLF);
    this.atLineStart = true;
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingCr || !this.atLineStart) this.push(CRLF);
    this.push(TERMINATOR);
    done();
  }
}

/** The index of the next CR or LF at or after `from`, or -1. */
function nextLineEnd(chunk: Buffer, from: number): number {
  const cr = chunk.indexOf(CR, from);
  const lf = chunk.indexOf(LF, from);
  if (cr === -1) return lf;
  return lf === -1 ? cr : Math.min(cr, lf);
}
