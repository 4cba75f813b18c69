/** Log lines as Haraka 3.3.4, Dovecot 2.3 and the LDAP bridge write them (copied from test runs) → events. */
import { parseBridgeLine } from './parse-bridge';
import { dovecotTime, parseDovecotLine } from './parse-dovecot';
import { HarakaLogParser, keyValues } from './parse-haraka';

const T = '2026-12-06T03:59:23.340Z';

describe('HarakaLogParser', () => {
  it('turns a hook DENY into a rejection with the client address from the connect line', () => {
    const p = new HarakaLogParser();
    expect(p.parse(`${T} [NOTICE] [C5D8] [core] connect ip=198.18.0.7 port=34760 local_ip=127.0.0.1 local_port=2525`)).toBeUndefined();
    const e = p.parse(
      `${T} [INFO] [C5D8.1] [core]  hook=rcpt plugin=mail-routing function=hook_rcpt params=<carol@acme.test> retval=DENY msg="5.1.1 <carol@acme.test>: no such mailbox here"`,
    );
    expect(e).toEqual({
      time: T,
      source: 'haraka',
      type: 'rejection',
      remote: '198.18.0.7',
      actor: 'carol@acme.test',
      message: 'rcpt refused by mail-routing: 5.1.1 <carol@acme.test>: no such mailbox here',
      details: { hook: 'rcpt', plugin: 'mail-routing', retval: 'DENY', reply: '5.1.1 <carol@acme.test>: no such mailbox here', permanent: true },
    });
    p.parse(`${T} [NOTICE] [C5D8] [core] disconnect ip=198.18.0.7 rdns=x helo=y`);
    expect(p.parse(`${T} [INFO] [C5D8.2] [core]  hook=mail plugin=mail-auth function=hook_mail params=<x@y> retval=DENYSOFT msg="4.3.0 try later"`))
      .toMatchObject({ remote: null, details: { permanent: false } });
  });

  it('reads deliveries and SMTP logins; ignores everything else', () => {
    const p = new HarakaLogParser();
    expect(p.parse(`${T} [INFO] [A.1] [mail-routing] lmtp mailbox=bob@acme.test status=delivered reply="250 2.0.0 <bob@acme.test> x Saved"`)).toMatchObject({
      type: 'delivery', actor: 'bob@acme.test', message: 'delivered to bob@acme.test', details: { status: 'delivered' },
    });
    expect(p.parse(`${T} [INFO] [A] [mail-auth] auth user=alice@acme.test result=fail`)).toMatchObject({
      type: 'login', actor: 'alice@acme.test', details: { service: 'smtp', success: false },
    });
    expect(p.parse(`${T} [INFO] [A.1] [core]  hook=rcpt plugin=mail-routing function=hook_rcpt params=<a@b> retval=OK msg=""`)).toBeUndefined();
    expect(p.parse(`${T} [INFO] [A.1] [mail-routing] route rcpt=bob@acme.test route=deliver relaying=false`)).toBeUndefined();
    expect(p.parse('Reloaded file: /x/mail-auth.ini')).toBeUndefined();
  });

  it('reads outbound results: delivered, refused by the remote MX, deferred, bounced', () => {
    const p = new HarakaLogParser();
    const at = `${T} [NOTICE] [2AEB.1] [outbound]`;
    expect(p.parse(`${at}  delivered file=179_vm domain=remote.test host=mx.remote.test ip=127.207.135.235 port=25 mode=SMTP tls=Y auth=N response="OK: message queued" delay=0.254 fails=0 rcpts=1/0/0`))
      .toEqual({
        time: T, source: 'haraka', remote: null, type: 'outbound', actor: 'remote.test', message: 'delivered to remote.test via mx.remote.test (SMTP)',
        details: { status: 'delivered', domain: 'remote.test', host: 'mx.remote.test', ip: '127.207.135.235', tls: true, response: 'OK: message queued', rcpts: '1/0/0' },
      });
    expect(p.parse(`${at} recipient <nobody@remote.test> rejected: 550 5.1.1 No such user here`)).toMatchObject({
      actor: 'nobody@remote.test', details: { status: 'rejected', reply: '550 5.1.1 No such user here' },
    });
    expect(p.parse(`${T} [INFO] [889C.1.1] [outbound] Temp failing 1796_Q8yLIb_4_vm for 60 seconds: Tried all MXs`)).toMatchObject({
      type: 'outbound', details: { status: 'deferred', retryInSeconds: 60, reason: 'Tried all MXs' },
    });
    expect(p.parse(`${T} [INFO] [3733.1.1] [outbound] bouncing mail: Some recipients failed: <nobody@remote.test>`)).toMatchObject({
      details: { status: 'bounced', reason: 'Some recipients failed: <nobody@remote.test>' },
    });
    expect(p.parse(`${T} [INFO] [-] [outbound] Transaction delivery for domain: remote.test`)).toBeUndefined();
  });

  it('reads spam verdicts and unscanned deliveries, not ham', () => {
    const p = new HarakaLogParser();
    expect(p.parse(`${T} [INFO] [S.1] [mail-spam] scanned score=1004.9 required=5 spam=true tests=GTUBE,MISSING_DATE`)).toMatchObject({
      type: 'spam',
      message: 'judged spam (score 1004.9, required 5)',
      details: { scanned: true, score: 1004.9, required: 5, tests: ['GTUBE', 'MISSING_DATE'] },
    });
    expect(p.parse(`${T} [WARN] [S.2] [mail-spam] message not scanned: spamd unreachable (ECONNREFUSED)`)).toMatchObject({
      type: 'spam',
      details: { scanned: false, reason: 'spamd unreachable (ECONNREFUSED)' },
    });
    expect(p.parse(`${T} [INFO] [S.3] [mail-spam] scanned score=-0.1 required=5 spam=false tests=`)).toBeUndefined();
  });

  it('parses quoted key=value pairs', () => {
    expect(keyValues('a=1 b="two words" c="esc\\"aped" d=')).toEqual({ a: '1', b: 'two words', c: 'esc"aped', d: '' });
  });
});

describe('parseDovecotLine', () => {
  const now = new Date('2026-12-06T12:00:00Z');

  it('reads a successful and a failed login with the remote address', () => {
    expect(parseDovecotLine('Dec 06 03:59:23 imap-login: Info: Login: user=<carol@acme.test>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid=7832, TLS, session=<K>', now)).toEqual({
      time: '2026-12-06T03:59:23.000Z', type: 'login', source: 'dovecot', actor: 'carol@acme.test', remote: '127.0.0.1',
      message: 'imap login succeeded for carol@acme.test', details: { service: 'imap', success: true, method: 'PLAIN' },
    });
    expect(parseDovecotLine('Dec 06 04:04:15 auth: Info: ldap(bob@acme.test,198.18.0.9,<qz3c>): Password mismatch (for LDAP bind)', now)).toEqual({
      time: '2026-12-06T04:04:15.000Z', type: 'login', source: 'dovecot', actor: 'bob@acme.test', remote: '198.18.0.9',
      message: 'login failed for bob@acme.test: password mismatch', details: { service: 'imap/pop3/sieve', success: false, reason: 'Password mismatch' },
    });
    expect(parseDovecotLine('Dec 06 04:04:15 auth: Info: ldap(ghost@acme.test,127.0.0.1,<s>): unknown user', now)).toMatchObject({ actor: 'ghost@acme.test', details: { reason: 'unknown user' } });
    // The login process's own summary at disconnect would count the same attempt again.
    expect(parseDovecotLine('Dec 06 04:04:48 imap-login: Info: Disconnected: Connection closed (auth failed, 1 attempts in 33 secs): user=<bob@acme.test>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, TLS: Connection closed, session=<q>', now)).toBeUndefined();
  });

  it('ignores connections that never tried to log in', () => {
    expect(parseDovecotLine('Dec 06 03:59:07 imap-login: Info: Disconnected: Connection closed (no auth attempts in 0 secs): user=<>, rip=127.0.0.1, lip=127.0.0.1, secured, session=<B>', now)).toBeUndefined();
    expect(parseDovecotLine('Dec 06 03:59:07 master: Info: Dovecot v2.3.19.1 starting up', now)).toBeUndefined();
  });

  it('dates a line without a year in the right year', () => {
    expect(dovecotTime('Dec 31 23:59:00', new Date('2027-01-01T00:05:00Z'))).toBe('2026-12-31T23:59:00.000Z');
    expect(dovecotTime('Jan  1 00:01:00', new Date('2027-01-01T00:05:00Z'))).toBe('2027-01-01T00:01:00.000Z');
  });
});

describe('parseBridgeLine', () => {
  const ip =
    '{"time":"2026-12-06T17:30:02.118Z","service":"ldap-bridge","event":"auth-lockout","scope":"ip","key":"127.0.0.21","failures":4,"lockSeconds":600,"until":"2026-12-06T17:40:02.118Z","protocol":"imap","remote":"127.0.0.21","login":"bob@acme.test"}';
  const account =
    '{"time":"2026-12-06T17:31:10.000Z","service":"ldap-bridge","event":"auth-lockout","scope":"account","key":"team@acme.test","failures":6,"lockSeconds":600,"until":"2026-12-06T17:41:10.000Z","protocol":"smtp","remote":"127.0.1.6","login":"team@acme.test"}';

  it('turns an address lockout into a lockout event with the address as remote', () => {
    expect(parseBridgeLine(ip)).toEqual({
      time: '2026-12-06T17:30:02.118Z', type: 'lockout', source: 'ldap-bridge', actor: 'bob@acme.test', remote: '127.0.0.21',
      message: 'address 127.0.0.21 locked out for 600 s after 4 failed logins (last over imap)',
      details: { scope: 'ip', key: '127.0.0.21', failures: 4, lockSeconds: 600, until: '2026-12-06T17:40:02.118Z', protocol: 'imap' },
    });
  });

  it('turns an account lockout into a lockout event with the account as actor', () => {
    expect(parseBridgeLine(account)).toMatchObject({
      actor: 'team@acme.test', remote: '127.0.1.6', message: 'account team@acme.test locked out for 600 s after 6 failed logins (last over smtp)',
      details: { scope: 'account', failures: 6 },
    });
  });

  it('ignores every other line, and broken ones', () => {
    expect(parseBridgeLine('{"time":"2026-12-06T17:29:00.000Z","service":"ldap-bridge","event":"listening","host":"127.0.0.1","port":3890}')).toBeUndefined();
    expect(parseBridgeLine('{"event":"auth-lockout",')).toBeUndefined();
    expect(parseBridgeLine('{"event":"search","filter":"(mail=\\"auth-lockout\\")"}')).toBeUndefined();
    expect(parseBridgeLine('')).toBeUndefined();
  });
});
