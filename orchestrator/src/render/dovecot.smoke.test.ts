/**
 * The rendered config running for real: `dovecot -F` as root on free loopback ports,
 * against a stand-in LDAP server that answers exactly as ldap-bridge/README.md says.
 * Needs root (Dovecot's master switches to dovecot, dovenull and the mail account).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import ldap from 'ldapjs';
import { resolveMailUser } from '../config/mail-user';
import { dataPaths, type DataPaths } from '../config/paths';
import { DEFAULT_PORTS, type Settings } from '../config/settings';
import { dovecotConfigFile, dovecotLmtpSocket, installDovecotConfig } from './dovecot';

const BASE = 'dc=cloudron';
const SERVICE_DN = `cn=mailserver,ou=system,${BASE}`;
const SERVICE_PASSWORD = 'svc-"quoted"\\secret';
// alice has POP3 turned on, bob has not (the bridge then leaves pop3 out of mailEnabledService).
const MAILBOXES: Record<string, { password: string; pop3: boolean }> = {
  'alice@example.test': { password: 'alice-pw', pop3: true },
  'bob@example.test': { password: 'bob-pw', pop3: false },
};

const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('Dovecot running the rendered config', () => {
  let dataDir: string;
  let paths: DataPaths;
  let settings: Settings;
  let bridge: LdapServer;
  let dovecot: ChildProcess;
  let exited: Promise<void>;
  let log = '';
  /** Stand-in for the bridge's login limiter (auth policy protocol): allows all, records. */
  let policy: http.Server;
  const policyCalls: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-smoke-'));
    fs.chmodSync(dataDir, 0o755); // Dovecot's unprivileged processes must traverse it
    paths = dataPaths(dataDir);
    const mailUser = resolveMailUser();
    fs.mkdirSync(paths.vmail, { mode: 0o700 });
    fs.chownSync(paths.vmail, mailUser.uid, mailUser.gid);
    fs.mkdirSync(paths.tls);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=test', '-days', '1',
      '-keyout', paths.tlsKey, '-out', paths.tlsCert], { stdio: 'ignore' });
    bridge = fakeBridge();
    const ldapPort = await new Promise<number>((resolve) => {
      bridge.listen(0, '127.0.0.1', () => resolve(bridge.address().port));
    });
    policy = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        policyCalls.push(`${req.url ?? ''} ${body}`);
        res.end('{"status":0,"msg":""}');
      });
    });
    const authPolicy = await new Promise<number>((resolve) => {
      policy.listen(0, '127.0.0.1', () => resolve((policy.address() as net.AddressInfo).port));
    });
    const [imap, imaps, pop3s, managesieve] = await freePorts(4);
    settings = {
      dataDir, hostname: 'mail.example.test', dnsServers: [], bindAddress: '127.0.0.1',
      ports: { ...DEFAULT_PORTS, imap: imap!, imaps: imaps!, pop3s: pop3s!, managesieve: managesieve!, authPolicy },
      ldap: { baseDn: BASE }, maxMessageSize: 1 << 20,
    };
    installDovecotConfig({ settings, paths, mailUser, ldapServicePassword: SERVICE_PASSWORD, ldapPort });
    dovecot = spawn('dovecot', ['-F', '-c', dovecotConfigFile(paths)], { stdio: ['ignore', 'pipe', 'pipe'] });
    dovecot.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    dovecot.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    exited = new Promise((resolve) => dovecot.once('exit', () => resolve()));
  });

  afterAll(async () => {
    if (dovecot.exitCode === null && dovecot.signalCode === null) {
      dovecot.kill('SIGKILL');
      await exited;
    }
    bridge.close();
    policy.closeAllConnections();
    policy.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Retries `attempt` every 50 ms until it succeeds; fails at once if Dovecot died. */
  async function poll<T>(what: string, attempt: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (dovecot.exitCode !== null) throw new Error(`dovecot exited (${dovecot.exitCode}) before ${what}:\n${log}`);
      try {
        return await attempt();
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`${what}: ${String(err)}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('greets on IMAPS with * OK', async () => {
    const greeting = await poll('IMAPS greeting', async () => {
      const chat = conversation(tls.connect({ host: '127.0.0.1', port: settings.ports.imaps, rejectUnauthorized: false }));
      try {
        return await chat.expect(/^\* OK.*\r\n/);
      } finally {
        chat.socket.destroy();
      }
    });
    expect(greeting).toMatch(/^\* OK/);
  });

  it('answers LHLO on the LMTP unix socket and delivers through the LDAP userdb', async () => {
    const socketPath = dovecotLmtpSocket(paths);
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
    const chat = conversation(net.connect(socketPath));
    await chat.expect(/^220 .*\r\n/);
    chat.send('LHLO test.example');
    expect(await chat.expect(/^250 .*\r\n/m)).toMatch(/^250-mail\.example\.test/);
    for (const [line, reply] of [
      ['MAIL FROM:<sender@example.org>', /^250 /m],
      ['RCPT TO:<Alice+news@example.test>', /^250 /m],
      ['RCPT TO:<nobody@example.test>', /^550 /m],
      ['DATA', /^354 /m],
      ['Subject: smoke\r\n\r\nhello\r\n.', /^250 .*Saved\r\n/m],
    ] as const) {
      chat.send(line);
      await chat.expect(reply);
    }
    chat.socket.destroy();
  });

  it('listens on the configured ports of the bind address only (no plain POP3, no LMTP over TCP)', () => {
    const { imap, imaps, pop3s, managesieve } = settings.ports;
    const expected = [imap, imaps, pop3s, managesieve].map((p) => `127.0.0.1:${p}`).sort();
    expect(listeningTcp(dovecot.pid!).sort()).toEqual(expected);
  });

  it('logs in over IMAPS and shows the special folders, the delivered message in INBOX', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1', port: settings.ports.imaps, secure: true, logger: false,
      tls: { rejectUnauthorized: false }, auth: { user: 'Alice@Example.test', pass: 'alice-pw' },
    });
    await client.connect();
    const folders = Object.fromEntries((await client.list()).map((m) => [m.path, m.specialUse]));
    expect(folders).toEqual({
      INBOX: '\\Inbox', Sent: '\\Sent', Drafts: '\\Drafts', Trash: '\\Trash', Archive: '\\Archive', Spam: '\\Junk',
    });
    expect((await client.status('INBOX', { messages: true })).messages).toBe(1);
    await client.logout();
  });

  // Before the POP3 test: its refused login earns 127.0.0.1 an auth penalty (delay).
  it('logs in to ManageSieve after STARTTLS (service name "sieve")', async () => {
    const plain = net.connect(settings.ports.managesieve, '127.0.0.1');
    const before = conversation(plain);
    expect(await before.expect(/^OK .*\r\n/m)).toContain('"STARTTLS"');
    before.send('STARTTLS');
    await before.expect(/^OK .*\r\n/m);
    plain.removeAllListeners('data');
    const chat = conversation(tls.connect({ socket: plain, rejectUnauthorized: false }));
    await chat.expect(/^OK .*\r\n/m); // capabilities again, now over TLS
    const credentials = Buffer.from('\0bob@example.test\0bob-pw').toString('base64');
    chat.send(`AUTHENTICATE "PLAIN" "${credentials}"`);
    expect(await chat.expect(/^(OK|NO).*\r\n/m)).toMatch(/^OK/m);
    chat.socket.destroy();
  });

  it('lets POP3S in only for mailboxes with POP3 turned on', async () => {
    const pop3 = async (user: string): Promise<string> => {
      const chat = conversation(tls.connect({ host: '127.0.0.1', port: settings.ports.pop3s, rejectUnauthorized: false }));
      await chat.expect(/^\+OK.*\r\n/);
      chat.send(`USER ${user}`);
      await chat.expect(/^\+OK.*\r\n/);
      chat.send(`PASS ${MAILBOXES[user]!.password}`);
      const reply = await chat.expect(/^[+-].*\r\n/);
      chat.socket.destroy();
      return reply;
    };
    expect(await pop3('alice@example.test')).toMatch(/^\+OK Logged in/);
    expect(await pop3('bob@example.test')).toMatch(/^-ERR \[AUTH\]/);
  });

  it('asks the login limiter before each password check and reports the outcome', () => {
    const allow = policyCalls.find((c) => c.startsWith('/?command=allow '));
    expect(JSON.parse(allow?.slice(allow.indexOf(' ') + 1) ?? '{}')).toMatchObject({ remote: '127.0.0.1', protocol: 'imap' });
    const report = policyCalls.find((c) => c.startsWith('/?command=report '));
    expect(JSON.parse(report?.slice(report.indexOf(' ') + 1) ?? '{}')).toHaveProperty('success');
  });

  it('stops on SIGTERM, having logged no errors', async () => {
    dovecot.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const tooLate = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`dovecot still running 10 s after SIGTERM:\n${log}`)), 10_000);
    });
    await Promise.race([exited, tooLate]).finally(() => clearTimeout(timer));
    expect(dovecot.exitCode !== null || dovecot.signalCode !== null).toBe(true);
    // The master reports the SIGTERM itself as a warning; nothing else may complain.
    const complaints = log
      .split('\n')
      .filter((line) => /(Error|Warning|Fatal|Panic):/.test(line) && !/Killed with signal 15/.test(line));
    expect(complaints).toEqual([]);
  });
});

// The few parts of ldapjs 3's server used here (@types/ldapjs describes the 2.x client only).
type Next = (error?: unknown) => void;
interface BindRequest { dn: object; credentials: string }
interface SearchRequest {
  connection: { ldap: { bindDN: object } };
  filter: { matches(attrs: object, strict: boolean): boolean };
}
interface Response { send(entry: { dn: string; attributes: object }): void; end(): void }
interface LdapServer {
  bind(base: string, handler: (req: BindRequest, res: Response, next: Next) => void): void;
  search(base: string, handler: (req: SearchRequest, res: Response, next: Next) => void): void;
  listen(port: number, host: string, ready: () => void): void;
  address(): net.AddressInfo;
  close(): void;
}

/** The parts of the LDAP bridge's contract that Dovecot uses (ldap-bridge/README.md). */
function fakeBridge(): LdapServer {
  const server = (ldap.createServer as unknown as () => LdapServer)();
  server.bind(BASE, (req, res, next) => {
    const dn = req.dn.toString();
    const address = /^cn=([^,]+),ou=recvmail,/.exec(dn)?.[1];
    const ok = dn === SERVICE_DN
      ? req.credentials === SERVICE_PASSWORD
      : address !== undefined && MAILBOXES[address]?.password === req.credentials;
    if (!ok) return next(new ldap.InvalidCredentialsError());
    res.end();
    return next();
  });
  for (const ou of ['recvmail', 'mailboxes']) {
    server.search(`ou=${ou},${BASE}`, (req, res, next) => {
      if (req.connection.ldap.bindDN.toString() !== SERVICE_DN) return next(new ldap.InsufficientAccessRightsError());
      for (const [mail, box] of Object.entries(MAILBOXES)) {
        const services = ['imap', 'sieve', 'lmtp', ...(box.pop3 ? ['pop3'] : [])];
        const attributes = { objectclass: ['mailbox'], cn: mail, mail, uid: mail, mailenabledservice: services };
        // FACTS: matches(…, false) makes attribute names case-insensitive.
        if (req.filter.matches(attributes, false)) res.send({ dn: `cn=${mail},ou=${ou},${BASE}`, attributes });
      }
      res.end();
      return next();
    });
  }
  return server;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer().once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A line protocol chat: `expect` waits for a pattern in what the server sent. */
function conversation(socket: net.Socket) {
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  return {
    socket,
    send: (line: string): void => void socket.write(`${line}\r\n`),
    expect: (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(received);
          if (!match) return;
          const upTo = match.index + match[0].length;
          const text = received.slice(0, upTo);
          received = received.slice(upTo);
          done();
          resolve(text);
        };
        const fail = (why: string) => (): void => {
          done();
          reject(new Error(`${why} waiting for ${String(pattern)}; got ${JSON.stringify(received)}`));
        };
        const onClose = fail('connection closed');
        const onError = fail('socket error');
        const timer = setTimeout(fail('timed out'), timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          socket.off('data', check).off('close', onClose).off('error', onError);
        };
        socket.on('data', check).on('close', onClose).on('error', onError);
        check();
      }),
  };
}

/** `ip:port` of every TCP socket the process holds in LISTEN state (from /proc). */
function listeningTcp(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local = '', , state, , , , , , inode = ''] = row.trim().split(/\s+/);
      if (state !== '0A' || !inodes.has(inode)) continue; // 0A = LISTEN
      const [hexIp = '', hexPort = ''] = local.split(':');
      // IPv4 addresses are little-endian hex; IPv6 ones are left as hex (they must not appear).
      const ip = hexIp.length === 8 ? hexIp.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : hexIp;
      found.push(`${ip}:${parseInt(hexPort, 16)}`);
    }
  }
  return found;
}
