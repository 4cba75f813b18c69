import { formatReply, ProtocolError, ReplyReader } from './smtp-reply';

describe('ReplyReader (RFC 5321 §4.2)', () => {
  it('reads single and multi-line replies in order, across chunk boundaries', async () => {
    const reader = new ReplyReader();
    reader.push(Buffer.from('220 ready\r\n250-host\r\n250-8BIT'));
    reader.push(Buffer.from('MIME\r\n250 PIPELINING\r\n'));
    expect(await reader.next()).toEqual({ code: 220, lines: ['ready'] });
    const lhlo = await reader.next();
    expect(lhlo).toEqual({ code: 250, lines: ['host', '8BITMIME', 'PIPELINING'] });
    expect(formatReply(lhlo)).toBe('250 host / 8BITMIME / PIPELINING');
  });

  it('waits for a reply that has not arrived yet', async () => {
    const reader = new ReplyReader();
    const pending = reader.next();
    reader.push(Buffer.from('354 go ahead\n')); // bare LF tolerated
    expect(await pending).toEqual({ code: 354, lines: ['go ahead'] });
  });

  it('accepts a code without text', async () => {
    const reader = new ReplyReader();
    reader.push(Buffer.from('250\r\n'));
    expect(await reader.next()).toEqual({ code: 250, lines: [''] });
  });

  it('rejects garbage, code changes inside a reply and endless lines', async () => {
    const bad = async (input: string): Promise<unknown> => {
      const reader = new ReplyReader();
      reader.push(Buffer.from(input));
      return reader.next().catch((err: unknown) => err);
    };
    expect(await bad('hello\r\n')).toBeInstanceOf(ProtocolError);
    expect(await bad('250-a\r\n251 b\r\n')).toBeInstanceOf(ProtocolError);
    expect(await bad('2'.repeat(5000))).toBeInstanceOf(ProtocolError);
  });

  it('fails pending and later reads once the stream breaks', async () => {
    const reader = new ReplyReader();
    const pending = reader.next();
    reader.fail(new Error('closed'));
    await expect(pending).rejects.toThrow('closed');
    await expect(reader.next()).rejects.toThrow('closed');
  });

  it('keeps a UTF-8 character split between chunks', async () => {
    const reader = new ReplyReader();
    const bytes = Buffer.from('550 5.1.1 <jürgen@example.test> unknown\r\n');
    const cut = bytes.indexOf(0xc3) + 1;
    reader.push(bytes.subarray(0, cut));
    reader.push(bytes.subarray(cut));
    expect((await reader.next()).lines[0]).toBe('5.1.1 <jürgen@example.test> unknown');
  });
});
