/**
 * A private Postfix instance for the side-by-side inbound benchmark: its own
 * config_directory, queue_directory and data_directory under a temp dir, smtpd on a
 * loopback port, nothing chrooted, the system's /etc/postfix untouched and never started.
 *
 * Recipients are looked up the way Haraka looks them up: one LDAP search per RCPT against
 * our LDAP bridge (`ou=routes`, `(mail=<rcpt>)`, bound as the service account), through
 * Postfix's own LDAP client (postfix-ldap). A map generated from the store would make
 * Postfix's lookups an in-memory hash and compare two different things.
 * Accepted mail goes to the same Dovecot LMTP socket our Haraka delivers to.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PostfixOptions {
  port: number;
  /** Domains Postfix accepts mail for (virtual_mailbox_domains). */
  domains: string[];
  lmtpSocket: string;
  ldap: { url: string; baseDn: string; bindDn: string; password: string };
}

// Debian's master.cf services, each unchrooted (the private instance has no chroot tree).
const SERVICES = [
  'pickup unix n - n 60 1 pickup',
  'cleanup unix n - n - 0 cleanup',
  'qmgr unix n - n 300 1 qmgr',
  'tlsmgr unix - - n 1000? 1 tlsmgr',
  'rewrite unix - - n - - trivial-rewrite',
  'bounce unix - - n - 0 bounce',
  'defer unix - - n - 0 bounce',
  'trace unix - - n - 0 bounce',
  'verify unix - - n - 1 verify',
  'flush unix n - n 1000? 0 flush',
  'proxymap unix - - n - - proxymap',
  'proxywrite unix - - n - 1 proxymap',
  'smtp unix - - n - - smtp',
  'relay unix - - n - - smtp',
  'showq unix n - n - - showq',
  'error unix - - n - - error',
  'retry unix - - n - - error',
  'discard unix - - n - - discard',
  'lmtp unix - - n - - lmtp',
  'anvil unix - - n - 1 anvil',
  'scache unix - - n - 1 scache',
  'postlog unix-dgram n - n - 1 postlogd',
];

export function mainCf(dir: string, o: PostfixOptions): string {
  return [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    `maillog_file_prefixes = ${dir}`,
    `maillog_file = ${dir}/postfix.log`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = postfix.bench.test',
    'mydestination =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    // Like our MX: mail for our domains only, unknown recipients refused at RCPT.
    'smtpd_relay_restrictions = reject_unauth_destination',
    `virtual_mailbox_domains = ${o.domains.join(' ')}`,
    `virtual_mailbox_maps = ldap:${dir}/etc/ldap-routes.cf`,
    `virtual_transport = lmtp:unix:${o.lmtpSocket}`,
    '',
  ].join('\n');
}

export function ldapRoutesCf(o: PostfixOptions): string {
  return [
    `server_host = ${o.ldap.url}`,
    'version = 3',
    `search_base = ou=routes,${o.ldap.baseDn}`,
    'query_filter = (mail=%s)',
    // Present only for addresses that deliver to a mailbox (routeKind deliver).
    'result_attribute = mailRoutingAddress',
    'bind = yes',
    `bind_dn = ${o.ldap.bindDn}`,
    `bind_pw = ${o.ldap.password}`,
    '',
  ].join('\n');
}

export class PrivatePostfix {
  private constructor(readonly dir: string, readonly port: number) {}

  static start(o: PostfixOptions): PrivatePostfix {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-postfix-'));
    fs.chmodSync(dir, 0o755);
    const etc = path.join(dir, 'etc');
    fs.mkdirSync(etc);
    fs.mkdirSync(path.join(dir, 'queue'), { mode: 0o755 }); // root's; `postfix check` fills it
    fs.writeFileSync(path.join(etc, 'main.cf'), mainCf(dir, o));
    fs.writeFileSync(path.join(etc, 'master.cf'), [`127.0.0.1:${o.port} inet n - n - - smtpd`, ...SERVICES, ''].join('\n'));
    // The LDAP password: readable by root and the postfix group only.
    const gid = Number(execFileSync('id', ['-g', 'postfix'], { encoding: 'utf8' }).trim());
    fs.writeFileSync(path.join(etc, 'ldap-routes.cf'), ldapRoutesCf(o), { mode: 0o640 });
    fs.chownSync(path.join(etc, 'ldap-routes.cf'), 0, gid);
    const postfix = new PrivatePostfix(dir, o.port);
    postfix.run('check'); // creates the queue directories with their owners and modes
    postfix.run('start');
    return postfix;
  }

  run(command: string): void {
    try {
      execFileSync('postfix', ['-c', path.join(this.dir, 'etc'), command], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      // Postfix reports to its log, not stderr, when stderr is not a terminal.
      throw new Error(`postfix ${command} failed: ${this.log().trim().split('\n').slice(-3).join('\n') || (err as Error).message}`);
    }
  }

  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'postfix.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** `postfix stop` only signals the master: wait until it has gone before removing its dirs. */
  async stop(): Promise<void> {
    let master = NaN;
    try {
      master = Number(fs.readFileSync(path.join(this.dir, 'queue', 'pid', 'master.pid'), 'utf8').trim());
    } catch {
      // never started
    }
    try {
      this.run('stop');
      for (let i = 0; i < 200 && Number.isInteger(master) && alive(master); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      if (!process.env['KEEP_BENCH_DATA']) fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
