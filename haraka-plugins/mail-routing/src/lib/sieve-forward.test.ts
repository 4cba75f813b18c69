import { Srs } from '@mail/core';
import { sieveForwardSender } from './sieve-forward';

const srs = new Srs({ secret: 'test-secret', now: () => Date.UTC(2026, 11, 6) });

it('rewrites a foreign sender with SRS in the redirecting mailbox domain', () => {
  const out = sieveForwardSender('joe@sender.test', ['alice@acme.test'], srs);
  expect(out).toMatch(/^SRS0=[^=]{4}=[^=]{2}=sender\.test=joe@acme\.test$/);
  expect(srs.reverse(out.slice(0, out.lastIndexOf('@')))).toBe('joe@sender.test');
});

it('accepts the header with angle brackets and keeps a sender of the same domain', () => {
  expect(sieveForwardSender('bob@acme.test', [' <alice@acme.test> '], srs)).toBe('bob@acme.test');
});

it('leaves the null sender, a missing or unparsable header, and SRS off alone', () => {
  expect(sieveForwardSender('', ['alice@acme.test'], srs)).toBe('');
  expect(sieveForwardSender('joe@sender.test', [], srs)).toBe('joe@sender.test');
  expect(sieveForwardSender('joe@sender.test', ['not an address'], srs)).toBe('joe@sender.test');
  expect(sieveForwardSender('joe@sender.test', ['alice@acme.test'], undefined)).toBe('joe@sender.test');
});
