/**
 * A private OpenLDAP slapd for the auth benchmark: its own slapd.conf, schema and MDB
 * database under a temp dir, listening on one loopback port, run in the foreground by us
 * (the Debian package's own instance is never configured or started).
 *
 * It holds the same mailboxes in the two units Dovecot reads (`ou=recvmail` for the passdb's
 * search-then-bind, `ou=mailboxes` for the userdb) with the attributes Dovecot's filters use.
 * Our store's scrypt hashes mean nothing to slapd, so each password is hashed again from the
 * same plaintext in a scheme slapd verifies: {ARGON2} with the memory our scrypt uses
 * (argon2i, m=32 MiB, t=1 against scrypt N=2^15, r=8 = 32 MiB: the same kind of cost per
 * login) and {SSHA} (one salted SHA-1, what most slapd installs still hold; nearly free).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './net';

// OIDs under 32473, the enterprise number RFC 5612 sets aside for documentation.
const SCHEMA = `attributetype ( 1.3.6.1.4.1.32473.1.1.1 NAME 'mailEnabledService'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.32473.1.2.1 NAME 'mailbox' SUP top STRUCTURAL
  MUST cn MAY ( mail $ mailEnabledService $ userPassword ) )
`;

export interface SlapdUser {
  address: string;
  /** Already hashed ({ARGON2}…, {SSHA}…). */
  userPassword: string;
}

export function slapdConf(dir: string, baseDn: string, serviceDn: string): string {
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    `include ${dir}/bench.schema`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload argon2',
    `pidfile ${dir}/slapd.pid`,
    'loglevel none',
    'database mdb',
    `suffix "${baseDn}"`,
    `directory ${dir}/db`,
    'maxsize 268435456',
    'index objectClass,mail eq',
    // Like the bridge: anyone may bind (auth), only the service account may search.
    `access to attrs=userPassword by anonymous auth by * none`,
    `access to * by dn.exact="${serviceDn}" read by * none`,
    '',
  ].join('\n');
}

/** The LDIF of the tree: base, units, the service account, each mailbox in both units. */
export function slapdLdif(baseDn: string, servicePassword: string, users: readonly SlapdUser[]): string {
  const dc = /^dc=([^,]+)/.exec(baseDn)?.[1] ?? 'bench';
  const entries = [
    `dn: ${baseDn}\nobjectClass: domain\ndc: ${dc}`,
    ...['system', 'recvmail', 'mailboxes'].map((ou) => `dn: ou=${ou},${baseDn}\nobjectClass: organizationalUnit\nou: ${ou}`),
    `dn: cn=mailserver,ou=system,${baseDn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: mailserver\nuserPassword: ${servicePassword}`,
  ];
  for (const u of users) {
    for (const ou of ['recvmail', 'mailboxes']) {
      entries.push(
        `dn: cn=${u.address},ou=${ou},${baseDn}\nobjectClass: mailbox\ncn: ${u.address}\nmail: ${u.address}\n` +
          `mailEnabledService: imap\nmailEnabledService: lmtp\nuserPassword: ${u.userPassword}`,
      );
    }
  }
  return `${entries.join('\n\n')}\n`;
}

/** Hashes with slappasswd (the scheme's own implementation, not ours). */
export function slapHash(scheme: '{ARGON2}' | '{SSHA}', password: string): string {
  const args = scheme === '{ARGON2}' ? ['-o', 'module-load=argon2 m=32768 t=1', '-h', scheme, '-s', password] : ['-h', scheme, '-s', password];
  return execFileSync('slappasswd', args, { encoding: 'utf8' }).trim();
}

export class PrivateSlapd {
  private constructor(readonly dir: string, readonly url: string, private readonly child: ChildProcess) {}

  static async start(port: number, baseDn: string, servicePassword: string, users: readonly SlapdUser[]): Promise<PrivateSlapd> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-slapd-'));
    const serviceDn = `cn=mailserver,ou=system,${baseDn}`;
    fs.mkdirSync(path.join(dir, 'db'));
    fs.writeFileSync(path.join(dir, 'bench.schema'), SCHEMA);
    fs.writeFileSync(path.join(dir, 'slapd.conf'), slapdConf(dir, baseDn, serviceDn));
    fs.writeFileSync(path.join(dir, 'tree.ldif'), slapdLdif(baseDn, servicePassword, users));
    execFileSync('slapadd', ['-q', '-f', path.join(dir, 'slapd.conf'), '-l', path.join(dir, 'tree.ldif')], { stdio: ['ignore', 'ignore', 'pipe'] });
    const url = `ldap://127.0.0.1:${port}`;
    // -d 0: stay in the foreground (our child, stopped by pid) without debug output.
    const child = spawn('slapd', ['-f', path.join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
    return new PrivateSlapd(dir, url, child);
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await exited;
    }
    if (!process.env['KEEP_BENCH_DATA']) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
