import iconv from 'iconv-lite';
import { asciiHtml, htmlInsertPosition, signHtmlPart, signTextPart } from './signature';

const SIG = '-- \nAcme Inc.\nGrüße';

describe('signTextPart', () => {
  it('appends the signature on lines of its own, keeping LF or CRLF', () => {
    expect(signTextPart(Buffer.from('Hello.\n'), 'utf-8', SIG)).toEqual({ body: Buffer.from(`Hello.\n${SIG}\n`), outcome: 'signed' });
    expect(signTextPart(Buffer.from('Hi'), 'UTF-8', 'Acme').body.toString()).toBe('Hi\nAcme\n');
    expect(signTextPart(Buffer.from('a\r\nb\r\n'), 'utf-8', 'x\ny').body.toString()).toBe('a\r\nb\r\nx\r\ny\r\n');
  });

  it("writes the signature in the part's charset", () => {
    const body = iconv.encode('Bonjour à tous\n', 'iso-8859-1');
    const { body: signed, outcome } = signTextPart(body, 'ISO-8859-1', SIG);
    expect(outcome).toBe('signed');
    expect(iconv.decode(signed, 'iso-8859-1')).toBe(`Bonjour à tous\n${SIG}\n`);
  });

  it('leaves a part alone when its charset cannot carry the signature or is unknown', () => {
    const body = Buffer.from('plain\n');
    expect(signTextPart(body, 'us-ascii', SIG)).toEqual({ body, outcome: 'unrepresentable' });
    expect(signTextPart(body, 'x-no-such-charset', SIG)).toEqual({ body, outcome: 'unsupported-charset' });
    expect(signTextPart(body, 'us-ascii', 'ASCII only').outcome).toBe('signed');
  });

  it('leaves empty parts (and so attachments) alone', () => {
    expect(signTextPart(Buffer.alloc(0), 'utf-8', SIG).outcome).toBe('empty');
  });
});

describe('signHtmlPart', () => {
  it('inserts before the last </body>, case-insensitively', () => {
    const body = Buffer.from('<html><body><p>Hi</p></BODY></html>\n');
    expect(signHtmlPart(body, 'utf-8', '<p>Acme</p>').body.toString()).toBe('<html><body><p>Hi</p><p>Acme</p>\n</BODY></html>\n');
  });

  it('falls back to </html>, then to the end', () => {
    expect(signHtmlPart(Buffer.from('<p>Hi</p></html>'), 'utf-8', '<i>A</i>').body.toString()).toBe('<p>Hi</p><i>A</i>\n</html>');
    expect(signHtmlPart(Buffer.from('<p>Hi</p>'), 'utf-8', '<i>A</i>').body.toString()).toBe('<p>Hi</p><i>A</i>\n');
  });

  it('writes non-ASCII as character references, valid in any ASCII-compatible charset', () => {
    const body = iconv.encode('<body>Grüß</body>', 'windows-1252');
    const { body: signed } = signHtmlPart(body, 'windows-1252', '<b>Grüße ✓</b>');
    expect(iconv.decode(signed, 'windows-1252')).toBe('<body>Grüß<b>Gr&#xfc;&#xdf;e &#x2713;</b>\n</body>');
  });

  it('leaves empty parts alone', () => {
    expect(signHtmlPart(Buffer.alloc(0), 'utf-8', '<p>A</p>').outcome).toBe('empty');
  });
});

describe('helpers', () => {
  it('asciiHtml keeps ASCII and escapes astral characters as one reference', () => {
    expect(asciiHtml('a<b>é😀')).toBe('a<b>&#xe9;&#x1f600;');
  });
  it('htmlInsertPosition finds byte offsets even after multi-byte text', () => {
    const body = Buffer.from('ü</body>');
    expect(htmlInsertPosition(body)).toBe(2);
  });
});
