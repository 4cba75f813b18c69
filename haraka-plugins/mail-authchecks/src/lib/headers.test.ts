import { authservId, claimsOurName, isServerHeader, rdnsHeaderValue, resultEntry, stripComments } from './headers';

describe('authserv-id (RFC 8601 §2.2)', () => {
  it.each([
    ['mail.test; spf=pass', 'mail.test'],
    ['  mail.test 1; dkim=none', 'mail.test'],
    ['(forged) mail.test; spf=pass', 'mail.test'],
    ['mail.test(comment);spf=pass', 'mail.test'],
    ['"mail.test"; none', 'mail.test'],
    ['mail.test;\r\n\tspf=pass', 'mail.test'],
    ['', undefined],
    ['(only a comment)', undefined],
  ])('of %j is %j', (value, id) => {
    expect(authservId(value)).toBe(id);
  });

  it('claims our name case-insensitively and only as the authserv-id', () => {
    expect(claimsOurName('MAIL.Test; spf=pass', 'mail.test')).toBe(true);
    expect(claimsOurName('relay.example; spf=pass smtp.mailfrom=mail.test', 'mail.test')).toBe(false);
    expect(claimsOurName('mail.test.evil.example; spf=pass', 'mail.test')).toBe(false);
  });

  it('drops nested comments and quoted parentheses', () => {
    expect(stripComments('a (b (c) \\) d) e')).toBe('a  e');
  });
});

describe('our headers', () => {
  it('recognises every X-Mailserver-* name and nothing else', () => {
    expect(isServerHeader('X-Mailserver-Rdns')).toBe(true);
    expect(isServerHeader('x-mailserver-anything')).toBe(true);
    expect(isServerHeader('X-Mailer')).toBe(false);
    expect(isServerHeader('X-Spam-Flag')).toBe(false);
  });

  it('formats the rDNS header as the contract says', () => {
    expect(rdnsHeaderValue('mismatch', '198.18.0.1')).toBe('mismatch (198.18.0.1)');
  });

  it('keeps a result entry on one line', () => {
    expect(resultEntry('dkim=pass\r\n X-Evil: yes  header.d=a.test')).toBe('dkim=pass X-Evil: yes header.d=a.test');
  });
});
