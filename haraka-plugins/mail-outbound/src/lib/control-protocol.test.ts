import { formatReply, parseCommand } from './control-protocol';

describe('queue control protocol', () => {
  it('parses flush and remove <id>', () => {
    expect(parseCommand('flush')).toEqual({ kind: 'flush' });
    expect(parseCommand(' remove 8B92AB3D-FE23-4473-B02A-82F84B2C2A0E.1.1 \r')).toEqual({
      kind: 'remove',
      id: '8B92AB3D-FE23-4473-B02A-82F84B2C2A0E.1.1',
    });
  });

  it.each(['', 'flush now', 'remove', 'remove ../../etc/passwd', 'remove a b', 'FLUSH', 'drop x'])('refuses %j', (line) => {
    expect(parseCommand(line)).toMatchObject({ ok: false, code: 'bad_request' });
  });

  it('answers with one JSON line', () => {
    expect(formatReply({ ok: true, message: 'done' })).toBe('{"ok":true,"message":"done"}\n');
  });
});
