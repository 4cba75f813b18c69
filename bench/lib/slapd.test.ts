import { slapdConf, slapdLdif } from './slapd';

describe('private slapd', () => {
  it('writes everything under its own dir and lets only the service account search', () => {
    const conf = slapdConf('/tmp/sl', 'dc=cloudron', 'cn=mailserver,ou=system,dc=cloudron');
    expect(conf).toContain('directory /tmp/sl/db');
    expect(conf).toContain('pidfile /tmp/sl/slapd.pid');
    expect(conf).toContain('access to * by dn.exact="cn=mailserver,ou=system,dc=cloudron" read by * none');
    expect(conf).toContain('moduleload argon2');
  });
  it('holds each mailbox in recvmail (passdb) and mailboxes (userdb) with the attributes Dovecot filters on', () => {
    const ldif = slapdLdif('dc=cloudron', 'svc', [{ address: 'a@acme.test', userPassword: '{SSHA}xyz' }]);
    expect(ldif).toContain('dn: cn=a@acme.test,ou=recvmail,dc=cloudron\nobjectClass: mailbox\ncn: a@acme.test\nmail: a@acme.test\nmailEnabledService: imap');
    expect(ldif).toContain('dn: cn=a@acme.test,ou=mailboxes,dc=cloudron');
    expect(ldif).toContain('userPassword: {SSHA}xyz');
    expect(ldif).toContain('dn: cn=mailserver,ou=system,dc=cloudron');
    expect(ldif.split('\n\n')).toHaveLength(7);
  });
});
