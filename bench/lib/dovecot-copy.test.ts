import { DEFAULT_PORTS } from '@mail/orchestrator';
import { rewriteDovecotConf, rewriteLdapExt } from './dovecot-copy';

const conf = [
  'instance_name = mail-x',
  'base_dir = /d/run/dovecot',
  'state_dir = /d/state',
  'passdb {',
  '  args = /d/config/dovecot/dovecot-ldap-passdb.conf.ext',
  '}',
  'service imap-login {',
  '  inet_listener imap {',
  `    port = ${DEFAULT_PORTS.imap}`,
  '  }',
  '  inet_listener imaps {',
  `    port = ${DEFAULT_PORTS.imaps}`,
  '  }',
  '}',
  `    port = ${DEFAULT_PORTS.managesieve}`,
].join('\n');

describe('the second Dovecot', () => {
  const out = rewriteDovecotConf(conf, { sourceDir: '/d/config/dovecot', ports: DEFAULT_PORTS, imapPort: 40143, ldapUrl: 'u', servicePassword: 'p' }, '/tmp/bdc-1');
  it('gets its own instance, base_dir, state_dir and config files', () => {
    expect(out).toContain('instance_name = bench-bdc-1');
    expect(out).toContain('base_dir = /tmp/bdc-1/run');
    expect(out).toContain('state_dir = /tmp/bdc-1/state');
    expect(out).toContain('args = /tmp/bdc-1/dovecot-ldap-passdb.conf.ext');
  });
  it('listens for IMAP on its own port only', () => {
    expect(out).toContain('    port = 40143');
    expect(out.match(/port = 0$/gm)).toHaveLength(2);
    expect(out).not.toContain(String(DEFAULT_PORTS.imap));
  });
  it('asks another LDAP server with the same filters', () => {
    expect(rewriteLdapExt('uris = ldap://127.0.0.1:1\ndn = cn=x\ndnpass = old\npass_filter = (mail=%Lu)', 'ldap://127.0.0.1:2', 'new')).toBe(
      'uris = ldap://127.0.0.1:2\ndn = cn=x\ndnpass = new\npass_filter = (mail=%Lu)',
    );
  });
});
