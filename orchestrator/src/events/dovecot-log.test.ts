import { parseDovecotLogin } from './dovecot-log';

it('reads successful and failed logins of every login service', () => {
  expect(
    parseDovecotLogin('2026-12-06T03:52:53+0000 imap-login: Info: Login: user=<alice@acme.test>, method=PLAIN, rip=198.18.0.9, lip=127.0.0.1, mpid=29318, TLS, session=<x>'),
  ).toEqual({
    ts: '2026-12-06T03:52:53.000Z',
    type: 'login',
    source: 'dovecot',
    data: { service: 'imap', user: 'alice@acme.test', remote: '198.18.0.9', success: true },
  });
  expect(
    parseDovecotLogin('2026-12-06T04:52:53+0100 managesieve-login: Info: Disconnected (auth failed, 2 attempts in 4 secs): user=<bob@acme.test>, method=PLAIN, rip=::1, lip=::1, TLS'),
  ).toMatchObject({ ts: '2026-12-06T03:52:53.000Z', data: { service: 'sieve', user: 'bob@acme.test', remote: '::1', success: false, attempts: 2 } });
});

it('ignores every other line', () => {
  expect(parseDovecotLogin('2026-12-06T03:52:49+0000 imap-login: Info: Disconnected: Connection closed (no auth attempts in 0 secs): user=<>, rip=127.0.0.1')).toBeUndefined();
  expect(parseDovecotLogin('2026-12-06T03:52:49+0000 lmtp(alice@acme.test): Info: saved mail to INBOX')).toBeUndefined();
  expect(parseDovecotLogin('Dec 06 03:52:53 imap-login: Info: Login: user=<a@b.c>, rip=1.2.3.4')).toBeUndefined();
});
