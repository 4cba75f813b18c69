import { envelopeFromLine, isSpamHeader, notScannedStatus, shouldReject, spamHeaders } from './headers';

describe('spamHeaders', () => {
  it('writes SpamAssassin-shaped status, flag and score', () => {
    expect(spamHeaders({ isSpam: true, score: 1000, required: 5, tests: ['GTUBE', 'USER_IN_BLACKLIST'] })).toEqual([
      ['X-Spam-Status', 'Yes, score=1000.0 required=5.0 tests=GTUBE,USER_IN_BLACKLIST'],
      ['X-Spam-Flag', 'YES'],
      ['X-Spam-Score', '1000.0'],
    ]);
    expect(spamHeaders({ isSpam: false, score: -0.04, required: 5, tests: [] })[0]).toEqual(['X-Spam-Status', 'No, score=-0.0 required=5.0 tests=none']);
  });

  it('keeps the status line inside RFC 5322 limits', () => {
    const tests = Array.from({ length: 200 }, (_, i) => `SOME_LONG_RULE_NAME_${i}`);
    const [[, status]] = spamHeaders({ isSpam: true, score: 9, required: 5, tests }) as [[string, string]];
    expect(status.length).toBeLessThan(998);
    expect(status.endsWith(',...')).toBe(true);
  });
});

describe('notScannedStatus', () => {
  it('says why, in printable ASCII without nested parentheses', () => {
    expect(notScannedStatus('spamd unavailable: connect ECONNREFUSED 127.0.0.1:2783')).toBe('not scanned (spamd unavailable: connect ECONNREFUSED 127.0.0.1:2783)');
    expect(notScannedStatus('a\r\nb (c)')).toBe('not scanned (a  b c)');
  });
});

describe('the rest', () => {
  it('recognises X-Spam-* names case-insensitively', () => {
    expect(['X-Spam-Flag', 'x-spam-status', 'X-SPAM-anything'].every(isSpamHeader)).toBe(true);
    expect(['X-Spammer', 'Spam', 'X-Mailserver-Rdns'].some(isSpamHeader)).toBe(false);
  });

  it('gives spamd the envelope sender on one clean header line', () => {
    expect(envelopeFromLine('a@b.example')).toBe('X-Envelope-From: <a@b.example>\r\n');
    expect(envelopeFromLine('a@b.example\r\nX-Injected: 1')).toBe('X-Envelope-From: <a@b.exampleX-Injected:1>\r\n');
    expect(envelopeFromLine('')).toBe('X-Envelope-From: <>\r\n');
  });

  it('rejects at or above the threshold, never without one', () => {
    expect(shouldReject(20, 20)).toBe(true);
    expect(shouldReject(19.9, 20)).toBe(false);
    expect(shouldReject(1000, null)).toBe(false);
  });
});
