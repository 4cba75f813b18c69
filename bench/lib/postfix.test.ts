import { ldapRoutesCf, mainCf } from './postfix';

const options = {
  port: 2600,
  domains: ['acme.test', 'other.test'],
  lmtpSocket: '/data/run/dovecot/lmtp',
  ldap: { url: 'ldap://127.0.0.1:3890', baseDn: 'dc=cloudron', bindDn: 'cn=mailserver,ou=system,dc=cloudron', password: 's3cret' },
};

describe('private Postfix config', () => {
  it('keeps every directory under the instance dir and delivers to the given LMTP socket', () => {
    const cf = mainCf('/tmp/pf', options);
    expect(cf).toMatch(/^queue_directory = \/tmp\/pf\/queue$/m);
    expect(cf).toMatch(/^data_directory = \/tmp\/pf\/data$/m);
    expect(cf).toMatch(/^virtual_transport = lmtp:unix:\/data\/run\/dovecot\/lmtp$/m);
    expect(cf).toMatch(/^virtual_mailbox_domains = acme.test other.test$/m);
    expect(cf).toMatch(/^virtual_mailbox_maps = ldap:\/tmp\/pf\/etc\/ldap-routes.cf$/m);
    // Not an open relay, not a local delivery agent for the machine.
    expect(cf).toMatch(/^smtpd_relay_restrictions = reject_unauth_destination$/m);
    expect(cf).toMatch(/^mydestination =$/m);
  });
  it('looks recipients up like Haraka: ou=routes, (mail=%s), service bind', () => {
    const ldap = ldapRoutesCf(options);
    expect(ldap).toContain('search_base = ou=routes,dc=cloudron');
    expect(ldap).toContain('query_filter = (mail=%s)');
    expect(ldap).toContain('result_attribute = mailRoutingAddress');
    expect(ldap).toContain('bind_dn = cn=mailserver,ou=system,dc=cloudron');
  });
});
