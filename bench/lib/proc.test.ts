import { parseStat, parseVmRssKb } from './proc';

describe('parseVmRssKb', () => {
  it('reads VmRSS in kB', () => {
    expect(parseVmRssKb('Name:\tdovecot\nVmPeak:\t  9000 kB\nVmRSS:\t    5124 kB\nRssAnon:\t 1 kB\n')).toBe(5124);
  });
  it('is null for a process without VmRSS (kernel thread, zombie)', () => {
    expect(parseVmRssKb('Name:\tkthreadd\nState:\tS\n')).toBeNull();
  });
});

describe('parseStat', () => {
  it('reads the name and parent pid, even when the name holds spaces and parentheses', () => {
    expect(parseStat('123 (imap-login (x)) S 45 123 123 0 -1')).toEqual({ name: 'imap-login (x)', ppid: 45 });
  });
  it('is null for garbage', () => {
    expect(parseStat('nonsense')).toBeNull();
  });
});
