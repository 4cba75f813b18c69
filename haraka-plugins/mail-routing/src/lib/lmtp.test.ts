/**
 * The LMTP client against a real Dovecot LMTP (own minimal config in a temp dir), and
 * against a scripted server for the failure modes Dovecot will not produce on demand.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { isRoot, startDovecotLmtp, type DovecotLmtp } from '../../../mail-common/testing/dovecot-lmtp';
import { deliverLmtp, LmtpError, type LmtpRequest } from './lmtp';

function request(socketPath: string, recipients: string[], message: string | Buffer): LmtpRequest {
  return {
    socketPath,
    clientName: 'mx.example.test',
    sender: 'sender@example.org',
    recipients,
    openMessage: () => Readable.from([Buffer.from(message)]),
    timeoutMs: 10_000,
  };
}

const MESSAGE = 'From: sender@example.org\r\nSubject: two\r\n\r\nfirst line\r\n.a line with a leading dot\r\n..two dots\r\nlast\r\n';

(isRoot ? describe : describe.skip)('deliverLmtp against Dovecot', () => {
  let dovecot: DovecotLmtp;

  beforeAll(async () => {
    dovecot = await startDovecotLmtp([
      { address: 'alice@example.test' },
      { address: 'bob@example.test' },
      { address: 'full@example.test', quotaBytes: 10 },
    ]);
  });
  afterAll(async () => dovecot?.stop());

  it('delivers to two mailboxes, one reply each, and the message arrives intact', async () => {
    const results = await deliverLmtp(request(dovecot.socketPath, ['alice@example.test', 'bob@example.test'], MESSAGE));
    expect(results.map((r) => [r.recipient, r.status])).toEqual([
      ['alice@example.test', 'delivered'],
      ['bob@example.test', 'delivered'],
    ]);
    expect(results[0]?.reply).toMatch(/^250 2\.0\.0 <alice@example\.test> .*Saved$/);
    for (const mailbox of ['alice@example.test', 'bob@example.test']) {
      const [stored, ...more] = dovecot.messages(mailbox);
      expect(more).toEqual([]);
      // Dovecot adds Return-Path and its own Received; the message itself is byte-exact.
      expect(stored).toMatch(/^Return-Path: <sender@example\.org>\r?\n/);
      expect(stored).toMatch(/\r?\nReceived: from mx\.example\.test\r?\n\tby .* with LMTP/);
      expect(stored?.replace(/\r\n/g, '\n').endsWith(MESSAGE.replace(/\r\n/g, '\n'))).toBe(true);
    }
  });

  it('reports one accepted and one rejected recipient separately', async () => {
    const results = await deliverLmtp(request(dovecot.socketPath, ['nobody@example.test', 'alice@example.test'], MESSAGE));
    expect(results.map((r) => [r.recipient, r.status])).toEqual([
      ['nobody@example.test', 'permfail'],
      ['alice@example.test', 'delivered'],
    ]);
    expect(results[0]?.reply).toMatch(/^550 5\.1\.1 /);
  });

  it('reports a failure after DATA for one mailbox only (quota)', async () => {
    const results = await deliverLmtp(request(dovecot.socketPath, ['bob@example.test', 'full@example.test'], MESSAGE));
    expect(results.map((r) => r.status)).toEqual(['delivered', 'permfail']);
    expect(results[1]?.reply).toMatch(/^552 5\.2\.2 .*Quota exceeded/);
  });

  it('never opens the message when no recipient is accepted', async () => {
    let opened = false;
    const req = { ...request(dovecot.socketPath, ['nobody@example.test'], MESSAGE), openMessage: () => ((opened = true), Readable.from([])) };
    expect((await deliverLmtp(req)).map((r) => r.status)).toEqual(['permfail']);
    expect(opened).toBe(false);
  });

  it('streams a large message with bare LF, leading dots and no final line end', async () => {
    const body = Array.from({ length: 40_000 }, (_, i) => (i % 7 === 0 ? `.line ${i}` : `line ${i} ${'x'.repeat(60)}`));
    const message = `Subject: big\n\n${body.join('\n')}`; // bare LF on purpose
    const chunks = Buffer.from(message);
    const req = {
      ...request(dovecot.socketPath, ['bob@example.test'], ''),
      // Odd chunk sizes split lines (and dots) across chunk boundaries.
      openMessage: () => Readable.from(Array.from({ length: Math.ceil(chunks.length / 997) }, (_, i) => chunks.subarray(i * 997, (i + 1) * 997))),
    };
    expect((await deliverLmtp(req)).map((r) => r.status)).toEqual(['delivered']);
    const stored = dovecot.messages('bob@example.test').find((m) => m.includes('Subject: big'));
    expect(stored?.replace(/\r\n/g, '\n').endsWith(`${message}\n`)).toBe(true);
  });
});

const HANGUP = '<hangup>';

describe('deliverLmtp failures', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmtp-fake-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('throws LmtpError when the socket does not exist', async () => {
    await expect(deliverLmtp(request(path.join(dir, 'missing.sock'), ['a@example.test'], MESSAGE))).rejects.toThrow(LmtpError);
  });

  /** A scripted LMTP server: answers each command line by `script`; `null` = hang up, a trailing HANGUP = answer, then hang up. */
  async function fakeServer(script: (line: string) => string | null): Promise<{ path: string; close: () => void }> {
    const socketPath = path.join(dir, 'fake.sock');
    const server = net.createServer((socket) => {
      socket.write('220 fake ready\r\n');
      let inData = false;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\r\n')) !== -1) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 2);
          if (inData && line !== '.') continue;
          inData = false;
          const reply = script(line);
          if (reply === null) return void socket.destroy();
          if (reply.startsWith('354')) inData = true;
          if (reply.endsWith(HANGUP)) return void socket.end(reply.slice(0, -HANGUP.length));
          socket.write(reply);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return { path: socketPath, close: () => server.close() };
  }

  it('counts recipients without a final reply as temporary failures', async () => {
    const server = await fakeServer((line) => {
      if (line.startsWith('LHLO')) return '250-fake\r\n250 8BITMIME\r\n';
      if (line === 'DATA') return '354 go\r\n';
      if (line === '.') return `250 2.0.0 <a@example.test> Saved\r\n${HANGUP}`; // no reply for b
      if (line === 'QUIT') return null;
      return '250 OK\r\n';
    });
    const req = request(server.path, ['a@example.test', 'b@example.test'], MESSAGE);
    const timed = { ...req, timeoutMs: 1000 };
    const results = await deliverLmtp(timed);
    server.close();
    expect(results.map((r) => [r.recipient, r.status])).toEqual([
      ['a@example.test', 'delivered'],
      ['b@example.test', 'tempfail'],
    ]);
  });

  it('fails the whole session when the server refuses LHLO', async () => {
    const server = await fakeServer((line) => (line.startsWith('LHLO') ? '421 4.3.2 shutting down\r\n' : null));
    await expect(deliverLmtp(request(server.path, ['a@example.test'], MESSAGE))).rejects.toThrow(/LHLO refused: 421/);
    server.close();
  });

  it('gives every recipient the MAIL FROM refusal', async () => {
    const server = await fakeServer((line) => {
      if (line.startsWith('MAIL')) return '451 4.3.0 try later\r\n';
      return line === 'QUIT' ? null : '250 OK\r\n';
    });
    const results = await deliverLmtp(request(server.path, ['a@example.test', 'b@example.test'], MESSAGE));
    expect(results.map((r) => r.status)).toEqual(['tempfail', 'tempfail']);
    server.close();
  });

  it('refuses envelope addresses that could inject commands', async () => {
    await expect(deliverLmtp(request(path.join(dir, 'x.sock'), ['a@example.test>\r\nRSET'], MESSAGE))).rejects.toThrow(/unsafe/);
  });
});
