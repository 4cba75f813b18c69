/**
 * The rendered config running for real: Haraka (`haraka -c <dir>`) on free loopback
 * ports with our BUILT plugins, a stand-in LDAP server that answers like
 * ldap-bridge/README.md, and a real Dovecot LMTP. Needs root (Dovecot) and a build.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dataPaths, type DataPaths } from '../config/paths';
import { DEFAULT_PORTS, PROJECT_ROOT, type Settings } from '../config/settings';
import { installHarakaConfig, harakaQueueDir } from './haraka';
import { isRoot, startDovecotLmtp, type DovecotLmtp } from '../../../haraka-plugins/mail-common/testing/dovecot-lmtp';
import { startFakeBridge, type FakeBridge } from '../../../haraka-plugins/mail-common/testing/fake-bridge';
import { plainCredentials, SmtpChat } from '../../../haraka-plugins/mail-common/testing/smtp-chat';

const SERVICE_PASSWORD = 'svc-Secret_123';
const HARAKA = path.join(PROJECT_ROOT, 'node_modules', 'Haraka', 'bin', 'haraka');
const BUILT = ['mail-common', 'mail-routing', 'mail-auth'].every((p) =>
  fs.existsSync(path.join(PROJECT_ROOT, 'haraka-plugins', p, 'dist', 'index.js')),
);

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const MESSAGE = 'From: <sender@example.org>\r\nSubject: smoke\r\n\r\nhello\r\n.leading dot\r\n';

(isRoot && BUILT ? describe : describe.skip)('Haraka running the rendered config', () => {
  let dataDir: string;
  let paths: DataPaths;
  let settings: Settings;
  let dovecot: DovecotLmtp;
  let bridge: FakeBridge;
  let haraka: ChildProcess;
  let exited: Promise<void>;
  let log = '';

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haraka-smoke-'));
    paths = dataPaths(dataDir);
    fs.mkdirSync(paths.tls, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mail.example.test', '-days', '1',
      '-keyout', paths.tlsKey, '-out', paths.tlsCert], { stdio: 'ignore' });
    dovecot = await startDovecotLmtp(
      [{ address: 'alice@example.test' }, { address: 'bob@example.test' }, { address: 'full@example.test', quotaBytes: 10 }],
      { quotaTempfail: true },
    );
    bridge = await startFakeBridge({
      servicePassword: SERVICE_PASSWORD,
      mailboxes: {
        'alice@example.test': { password: 'alice-pw', aliases: ['info@example.test'] },
        'bob@example.test': { password: 'bob-pw' },
        'full@example.test': { password: 'full-pw' },
        'off@example.test': { password: 'off-pw', active: false },
      },
      domains: { 'example.test': {} },
    });
    const [smtp, submission, submissions] = await freePorts(3);
    settings = {
      dataDir, hostname: 'mail.example.test', dnsServers: [], bindAddress: '127.0.0.1',
      ports: { ...DEFAULT_PORTS, smtp: smtp!, submission: submission!, submissions: submissions!, ldap: bridge.port },
      ldap: { baseDn: 'dc=cloudron' }, maxMessageSize: 1 << 20,
    };
    installHarakaConfig({ settings, paths, ldapServicePassword: SERVICE_PASSWORD, lmtpSocket: dovecot.socketPath });
    haraka = spawn(process.execPath, [HARAKA, '-c', paths.harakaDir], { cwd: paths.harakaDir, stdio: ['ignore', 'pipe', 'pipe'] });
    haraka.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    haraka.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    exited = new Promise((resolve) => haraka.once('exit', () => resolve()));
    await waitForBanner();
  }, 60_000);

  afterAll(async () => {
    if (haraka && haraka.exitCode === null && haraka.signalCode === null) {
      haraka.kill('SIGKILL');
      await exited;
    }
    await bridge?.close();
    await dovecot?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Readiness: connect until the 220 banner comes (Haraka binds after loading plugins). */
  async function waitForBanner(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (haraka.exitCode !== null) throw new Error(`haraka exited (${haraka.exitCode}):\n${log}`);
      const chat = SmtpChat.plain(settings.ports.smtp);
      const greeted = await chat.reply(2000).then((r) => r.code === 220, () => false);
      chat.close();
      if (greeted) return;
      if (Date.now() > deadline) throw new Error(`no banner:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function open(port: number, tlsFromStart = false): Promise<SmtpChat> {
    const chat = tlsFromStart ? SmtpChat.implicitTls(port) : SmtpChat.plain(port);
    expect((await chat.reply()).code).toBe(220);
    return chat;
  }

  /** An authenticated submission session over STARTTLS. */
  async function submit(user: string, password: string): Promise<SmtpChat> {
    const chat = await open(settings.ports.submission);
    await chat.command('EHLO client.example.org');
    expect((await chat.startTls()).code).toBe(220);
    expect((await chat.command('EHLO client.example.org')).text).toContain('AUTH PLAIN LOGIN');
    expect((await chat.command(`AUTH PLAIN ${plainCredentials(user, password)}`)).code).toBe(235);
    return chat;
  }

  async function sendData(chat: SmtpChat, body = MESSAGE): Promise<{ code: number; text: string }> {
    expect((await chat.command('DATA')).code).toBe(354);
    chat.write(`${body.replace(/^\./gm, '..')}.\r\n`); // RFC 5321 §4.5.2 dot-stuffing
    return chat.reply();
  }

  it('greets as the configured host and offers STARTTLS, but no AUTH, on the MX port', async () => {
    const chat = SmtpChat.plain(settings.ports.smtp);
    expect((await chat.reply()).text).toMatch(/^220 mail\.example\.test ESMTP/);
    const ehlo = await chat.command('EHLO client.example.org');
    expect(ehlo.text).toMatch(/^250[- ]STARTTLS\r$/m);
    expect(ehlo.text).toContain(`SIZE ${1 << 20}`);
    expect(ehlo.text).not.toContain('AUTH');
    await chat.startTls();
    expect((await chat.command('EHLO client.example.org')).text).not.toContain('AUTH');
    expect((await chat.command(`AUTH PLAIN ${plainCredentials('alice@example.test', 'alice-pw')}`)).code).toBe(502);
    chat.close();
  });

  it('routes inbound mail: mailbox and alias once each, unknown 5.1.1, foreign 5.7.1, over LMTP', async () => {
    const chat = await open(settings.ports.smtp);
    await chat.command('EHLO client.example.org');
    expect((await chat.command('MAIL FROM:<sender@example.org>')).code).toBe(250);
    expect((await chat.command('RCPT TO:<alice@example.test>')).code).toBe(250);
    expect((await chat.command('RCPT TO:<Info@Example.test>')).code).toBe(250);
    expect((await chat.command('RCPT TO:<nobody@example.test>')).text).toMatch(/^550 5\.1\.1 <nobody@example\.test>/);
    expect((await chat.command('RCPT TO:<off@example.test>')).text).toMatch(/^550 5\.1\.1 .*disabled/);
    expect((await chat.command('RCPT TO:<far@away.test>')).text).toMatch(/^550 5\.7\.1 .*relaying denied/);
    expect((await sendData(chat)).text).toMatch(/^250 2\.0\.0 Delivered to 1 mailbox/);
    chat.close();
    const [stored, ...more] = dovecot.messages('alice@example.test');
    expect(more).toEqual([]);
    expect(stored).toMatch(/^Return-Path: <sender@example\.org>/);
    expect(stored).toMatch(/Received: from client\.example\.org .*\n\tby mail\.example\.test/);
    expect(stored?.replace(/\r\n/g, '\n')).toContain('\n\nhello\n.leading dot\n');
  });

  it('keeps AUTH away from cleartext on the submission port and asks for it on MAIL', async () => {
    const chat = await open(settings.ports.submission);
    const ehlo = await chat.command('EHLO client.example.org');
    expect(ehlo.text).toContain('STARTTLS');
    expect(ehlo.text).not.toContain('AUTH');
    expect((await chat.command(`AUTH PLAIN ${plainCredentials('alice@example.test', 'alice-pw')}`)).text).toMatch(/^538 5\.7\.11 /);
    expect((await chat.command('MAIL FROM:<alice@example.test>')).text).toMatch(/^530 5\.7\.0 Authentication required/);
    chat.close();
  });

  it('offers AUTH PLAIN LOGIN (not CRAM-MD5) right away on the implicit-TLS port', async () => {
    const chat = await open(settings.ports.submissions, true);
    const ehlo = await chat.command('EHLO client.example.org');
    expect(ehlo.text).toMatch(/^250[- ]AUTH PLAIN LOGIN\r$/m);
    expect(ehlo.text).not.toContain('STARTTLS');
    expect(ehlo.text).not.toContain('CRAM-MD5');
    expect((await chat.command(`AUTH PLAIN ${plainCredentials('alice@example.test', 'wrong')}`)).text).toMatch(/^535 /);
    chat.close();
  });

  it('accepts AUTH LOGIN too (RFC 4954 via auth_base), on the implicit-TLS port', async () => {
    const chat = await open(settings.ports.submissions, true);
    await chat.command('EHLO client.example.org');
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    expect((await chat.command('AUTH LOGIN')).text).toMatch(/^334 VXNlcm5hbWU6/);
    expect((await chat.command(b64('bob@example.test'))).text).toMatch(/^334 UGFzc3dvcmQ6/);
    expect((await chat.command(b64('bob-pw'))).code).toBe(235);
    expect((await chat.command('MAIL FROM:<bob@example.test>')).code).toBe(250);
    chat.close();
  });

  it('submits authenticated mail: own and alias senders only, local recipients over LMTP', async () => {
    const chat = await submit('Alice@Example.test', 'alice-pw');
    expect((await chat.command('MAIL FROM:<bob@example.test>')).text).toMatch(/^550 5\.7\.1 Sender <bob@example\.test> not allowed/);
    expect((await chat.command('MAIL FROM:<info@example.test>')).code).toBe(250);
    // Relayed for an authenticated client (RFC 6409); not sent here: this test has no DNS.
    expect((await chat.command('RCPT TO:<far@away.test>')).code).toBe(250);
    expect((await chat.command('RSET')).code).toBe(250);
    expect((await chat.command('MAIL FROM:<info@example.test>')).code).toBe(250);
    expect((await chat.command('RCPT TO:<bob@example.test>')).code).toBe(250);
    expect((await sendData(chat)).code).toBe(250);
    expect((await chat.command('AUTH PLAIN x')).code).toBe(503); // RFC 4954 §4
    chat.close();
    expect(dovecot.messages('bob@example.test')).toHaveLength(1);
  });

  it('refuses bare LF in DATA with 451 (SMTP smuggling)', async () => {
    const chat = await open(settings.ports.smtp);
    await chat.command('EHLO client.example.org');
    await chat.command('MAIL FROM:<sender@example.org>');
    await chat.command('RCPT TO:<bob@example.test>');
    expect((await chat.command('DATA')).code).toBe(354);
    chat.write('Subject: smuggle\r\n\r\nhello\n.\r\nMAIL FROM:<evil@example.org>\r\n');
    expect((await chat.reply()).code).toBe(451);
    chat.close();
    expect(dovecot.messages('bob@example.test')).toHaveLength(1);
  });

  it('answers 250 once when one mailbox fails, queueing that one, without a second copy for the other', async () => {
    const before = dovecot.messages('alice@example.test').length;
    const chat = await open(settings.ports.smtp);
    await chat.command('EHLO client.example.org');
    await chat.command('MAIL FROM:<>'); // a bounce: nothing bounces back to a test sender
    await chat.command('RCPT TO:<alice@example.test>');
    await chat.command('RCPT TO:<full@example.test>');
    expect((await sendData(chat)).text).toMatch(/^250 2\.0\.0 Delivered, 1 mailbox\(es\) queued for retry/);
    chat.close();
    expect(dovecot.messages('alice@example.test')).toHaveLength(before + 1);
    expect(fs.readdirSync(harakaQueueDir(paths)).filter((f) => !f.startsWith('.')).length).toBeGreaterThan(0);
  });

  it('delivers the queued copy over LMTP once the mailbox can take it (outbound → get_mx → LMTP)', async () => {
    const until = async (what: string, done: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`${what} never happened:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 250)); // readiness poll
      }
    };
    // Outbound's own first LMTP attempt still meets the full mailbox and defers it.
    await until('the outbound deferral', () => /Temp failing .*<full@example\.test>/.test(log));
    dovecot.setUsers([{ address: 'alice@example.test' }, { address: 'bob@example.test' }, { address: 'full@example.test', quotaBytes: 100_000_000 }]);
    // SIGHUP makes Haraka retry its temp-fail queue now. Dovecot notices the changed
    // passwd-file within about a second, so the retry is repeated until it lands.
    await until('the queued copy arriving', () => {
      if (dovecot.messages('full@example.test').length > 0) return true;
      haraka.kill('SIGHUP');
      return false;
    });
    const [copy, ...more] = dovecot.messages('full@example.test');
    expect(more).toEqual([]);
    expect(copy?.replace(/\r\n/g, '\n')).toContain('\n\nhello\n.leading dot\n');
  }, 30_000);

  it('answers 4xx when Dovecot is unreachable, and 451 4.4.3 / 454 when the bridge is down', async () => {
    await dovecot.stop(); // the socket disappears
    const chat = await open(settings.ports.smtp);
    await chat.command('EHLO client.example.org');
    await chat.command('MAIL FROM:<sender@example.org>');
    await chat.command('RCPT TO:<bob@example.test>');
    expect((await sendData(chat)).code).toBe(450);
    await bridge.close();
    await chat.command('MAIL FROM:<sender@example.org>');
    expect((await chat.command('RCPT TO:<bob@example.test>')).text).toMatch(/^451 4\.4\.3 /);
    chat.close();
    const sub = await open(settings.ports.submissions, true);
    await sub.command('EHLO client.example.org');
    expect((await sub.command(`AUTH PLAIN ${plainCredentials('alice@example.test', 'alice-pw')}`)).text).toMatch(/^454 4\.7\.0 /);
    sub.close();
  }, 30_000);

  it('logged no plugin crash', () => {
    expect(log).not.toMatch(/Plugin \S+ failed|Caught exception|timed out on hook|ran callback multiple times/);
  });
});
