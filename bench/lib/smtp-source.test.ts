import { parseSmtpSourceOutput, smtpSourceArgs } from './smtp-source';

describe('smtpSourceArgs', () => {
  it('builds an SMTP run', () => {
    expect(smtpSourceArgs({ target: '127.0.0.1:2525', sessions: 4, messages: 100, size: 2048, from: 'a@x.test', to: 'b@y.test' })).toEqual([
      '-c', '-s', '4', '-m', '100', '-l', '2048', '-f', 'a@x.test', '-t', 'b@y.test', '-M', 'bench.test', '127.0.0.1:2525',
    ]);
  });
  it('adds -L for LMTP before the target', () => {
    const args = smtpSourceArgs({ target: 'unix:/run/lmtp', lmtp: true, sessions: 1, messages: 1, size: 0, from: 'a@x.test', to: 'b@y.test' });
    expect(args.slice(-2)).toEqual(['-L', 'unix:/run/lmtp']);
  });
  it('refuses zero sessions or messages', () => {
    expect(() => smtpSourceArgs({ target: 't', sessions: 0, messages: 1, size: 1, from: 'a', to: 'b' })).toThrow(/≥ 1/);
    expect(() => smtpSourceArgs({ target: 't', sessions: 1, messages: Number.NaN, size: 1, from: 'a', to: 'b' })).toThrow(/≥ 1/);
  });
});

describe('parseSmtpSourceOutput', () => {
  it('takes the last -c progress count (carriage-return separated)', () => {
    expect(parseSmtpSourceOutput('1\r2\r3\r', '')).toEqual({ completed: 3, errors: [] });
  });
  it('collects fatal and warning lines, ignoring other stderr', () => {
    const stderr = 'noise\nsmtp-source: fatal: rcpt reject: 550 5.1.1 unknown\nsmtp-source: warning: slow\n';
    expect(parseSmtpSourceOutput('1\r', stderr)).toEqual({ completed: 1, errors: ['smtp-source: fatal: rcpt reject: 550 5.1.1 unknown', 'smtp-source: warning: slow'] });
  });
  it('reports 0 completed when nothing was printed', () => {
    expect(parseSmtpSourceOutput('', 'smtp-source: fatal: connect: Connection refused').completed).toBe(0);
  });
});
