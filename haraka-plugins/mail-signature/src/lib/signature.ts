/**
 * Appending a domain signature to one decoded MIME text part.
 *
 * Haraka's MIME parser (haraka-email-message) hands each text part to a body filter
 * decoded from its Content-Transfer-Encoding but still in its own charset, and encodes
 * the result back (quoted-printable and base64 again, RFC 2045 §6). So these functions
 * work on bytes in the part's charset and must keep that charset valid:
 * - text/plain: the signature encoded in the part's charset, on lines of its own;
 *   when the charset cannot carry a character the part is left alone rather than
 *   mislabelled (RFC 2046 §4.1.2: the charset parameter describes the bytes).
 * - text/html: inserted before `</body>` (or `</html>`, else appended), with every
 *   non-ASCII character written as a numeric character reference, so it is plain
 *   ASCII and valid in any ASCII-compatible charset the part may use.
 * An empty part is left alone: Haraka also calls filters with an empty body for
 * parts sent as attachments (their bytes go to the attachment stream, not here).
 */
import iconv from 'iconv-lite';

export type Outcome = 'signed' | 'empty' | 'unsupported-charset' | 'unrepresentable';

export interface SignResult {
  body: Buffer;
  outcome: Outcome;
}

const unchanged = (body: Buffer, outcome: Outcome): SignResult => ({ body, outcome });

/** Bytes of `text` in `charset`, or the reason it cannot be written there. */
function encodeIn(text: string, charset: string): Buffer | Outcome {
  if (!iconv.encodingExists(charset)) return 'unsupported-charset';
  const bytes = iconv.encode(text, charset);
  // iconv-lite substitutes characters a charset lacks; a round trip shows the loss.
  if (iconv.decode(bytes, charset) !== text) return 'unrepresentable';
  return bytes;
}

/** Appends the text signature on lines of its own, with the part's own line ending. */
export function signTextPart(body: Buffer, charset: string, signature: string): SignResult {
  if (body.length === 0) return unchanged(body, 'empty');
  const newline = body.includes('\r\n') ? '\r\n' : '\n';
  const endsWithNewline = body[body.length - 1] === 0x0a;
  const block = `${endsWithNewline ? '' : newline}${signature.replace(/\r?\n/g, newline)}${newline}`;
  const bytes = encodeIn(block, charset);
  if (!Buffer.isBuffer(bytes)) return unchanged(body, bytes);
  return { body: Buffer.concat([body, bytes]), outcome: 'signed' };
}

/** Non-ASCII as `&#x…;` (HTML numeric character references): ASCII only afterwards. */
export function asciiHtml(html: string): string {
  let out = '';
  for (const char of html) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x80 ? char : `&#x${code.toString(16)};`;
  }
  return out;
}

/** Byte offset of the last `</body` (else `</html`), case-insensitive; the end otherwise. */
export function htmlInsertPosition(body: Buffer): number {
  // latin1 maps every byte to one char, so string offsets are byte offsets.
  const lower = body.toString('latin1').toLowerCase();
  for (const tag of ['</body', '</html']) {
    const at = lower.lastIndexOf(tag);
    if (at >= 0) return at;
  }
  return body.length;
}

/** Inserts the HTML signature before `</body>`; the part's bytes around it stay as they were. */
export function signHtmlPart(body: Buffer, charset: string, signature: string): SignResult {
  if (body.length === 0) return unchanged(body, 'empty');
  const bytes = encodeIn(`${asciiHtml(signature)}\n`, charset);
  if (!Buffer.isBuffer(bytes)) return unchanged(body, bytes);
  const at = htmlInsertPosition(body);
  return { body: Buffer.concat([body.subarray(0, at), bytes, body.subarray(at)]), outcome: 'signed' };
}
