import { Readable } from 'node:stream';
import { DotStuffer } from './dot-stuff';

async function stuff(...chunks: string[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new DotStuffer())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString();
}

describe('DotStuffer (RFC 5321 §4.5.2)', () => {
  it('doubles a leading dot and ends with CRLF.CRLF', async () => {
    expect(await stuff('.hidden\r\nplain\r\n..two\r\n')).toBe('..hidden\r\nplain\r\n...two\r\n.\r\n');
  });

  it('handles a lone dot line, which would otherwise end the data', async () => {
    expect(await stuff('a\r\n.\r\nb\r\n')).toBe('a\r\n..\r\nb\r\n.\r\n');
  });

  it('turns bare LF into CRLF and leaves CRLF alone', async () => {
    expect(await stuff('a\nb\r\nc\n')).toBe('a\r\nb\r\nc\r\n.\r\n');
  });

  it('turns bare CR into CRLF, also when the CR ends a chunk', async () => {
    expect(await stuff('a\rb\r\r\nc')).toBe('a\r\nb\r\n\r\nc\r\n.\r\n');
    expect(await stuff('a\r', '.b\r', '\n')).toBe('a\r\n..b\r\n.\r\n');
  });

  it('adds the missing final line end', async () => {
    expect(await stuff('no newline')).toBe('no newline\r\n.\r\n');
    expect(await stuff('ends in CR\r')).toBe('ends in CR\r\n.\r\n');
  });

  it('terminates an empty message', async () => {
    expect(await stuff()).toBe('.\r\n');
  });

  it('sees lines and dots split across chunks', async () => {
    expect(await stuff('a\r', '\n.', 'b\r\n', '\n.c', '\r\n')).toBe('a\r\n..b\r\n\r\n..c\r\n.\r\n');
    expect(await stuff('x\n', '.y')).toBe('x\r\n..y\r\n.\r\n');
  });

  it('does not stuff a dot in the middle of a line', async () => {
    expect(await stuff('a.b\r\n', 'c', '.d\r\n')).toBe('a.b\r\nc.d\r\n.\r\n');
  });
});

/**
 * SMTP smuggling (test/smuggling.test.ts) against our own LMTP client: whatever a stored
 * message holds — fake ends of data, bare CR/LF — the stream to Dovecot has exactly one
 * line made of a single dot (the terminator), and every line ends in CRLF.
 */
describe('DotStuffer never emits a bare "." line before the end', () => {
  const fakeEnds = ['\n.\n', '\n.\r\n', '\r.\r', '\r\n.\n', '\r\n.\r', '\r.\r\n', '\r\n.\r\r\n', '\n..\n', '\r\n.\r\n', '.\r\n'];
  it.each(fakeEnds)('in a message holding %j, in one chunk or split at every byte', async (fakeEnd) => {
    const message = `Subject: x\r\n\r\nfirst${fakeEnd}MAIL FROM:<a@b>\r\nsecond${fakeEnd}`;
    for (const out of [await stuff(message), await stuff(...message.split(''))]) {
      expect(out.endsWith('\r\n.\r\n')).toBe(true);
      // Split the way Dovecot's LMTP reader does (at LF), and also at any CR.
      for (const lines of [out.split('\n'), out.split(/\r?\n|\r/)]) {
        const dots = lines.filter((l) => l === '.' || l === '.\r');
        expect(dots).toHaveLength(1);
      }
      expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    }
  });
});
