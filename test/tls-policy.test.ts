/**
 * TLS policy on every TLS port: TLS 1.0/1.1 refused by default (RFC 8996), accepted once
 * config.json says `"tlsMinVersion": "TLSv1.1"` (a second stack proves the setting, and
 * that this client really can speak 1.1 — OpenSSL 3 needs security level 0 for it, on
 * both sides). No AUTH before TLS on submission; IMAP and ManageSieve refuse a
 * plaintext login before STARTTLS from any address but the server's own (Dovecot counts
 * 127.0.0.1 → 127.0.0.1 as secured: local webmail, README "Security").
 */
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { dataPaths } from '@mail/orchestrator';
import { dovecotConfigFile } from '../orchestrator/src/render/dovecot';
import { PASSWORDS, populate } from './helpers/fixtures';
import { LineClient } from './helpers/line-client';
import { ManageSieveClient } from './helpers/managesieve';
import { SmtpClient } from './helpers/smtp';
import { startTestStack, type TestStack } from './helpers/stack';

let strict: TestStack;
let widened: TestStack;

beforeAll(async () => {
  strict = await startTestStack();
  await populate(strict.services);
  widened = await startTestStack({ tlsMinVersion: 'TLSv1.1' });
}, 180_000);
afterAll(async () => {
  await strict?.stop();
  await widened?.stop();
});

type Preamble = (socket: net.Socket) => Promise<void>;

/** Reads until `done` matches what arrived so far. */
function readUntil(socket: net.Socket, done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (done.test(text)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed after ${JSON.stringify(text)}`)));
  });
}

async function chat(socket: net.Socket, send: string | undefined, done: RegExp): Promise<void> {
  const reply = readUntil(socket, done);
  if (send !== undefined) socket.write(send);
  await reply;
}

const SMTP_STARTTLS: Preamble = async (s) => {
  await chat(s, undefined, /^220 .*\r\n/m);
  await chat(s, 'EHLO client.test\r\n', /^250 .*\r\n/m);
  await chat(s, 'STARTTLS\r\n', /^220 .*\r\n/m);
};
const IMAP_STARTTLS: Preamble = async (s) => {
  await chat(s, undefined, /^\* OK.*\r\n/m);
  await chat(s, 'a STARTTLS\r\n', /^a OK.*\r\n/m);
};
const SIEVE_STARTTLS: Preamble = async (s) => {
  await chat(s, undefined, /^OK.*\r\n/m);
  await chat(s, 'STARTTLS\r\n', /^OK.*\r\n/m);
};

const ENDPOINTS: readonly (readonly [string, (t: TestStack) => number, Preamble | undefined])[] = [
  ['submissions (implicit TLS)', (t) => t.ports.submissions, undefined],
  ['IMAPS', (t) => t.ports.imaps, undefined],
  ['POP3S', (t) => t.ports.pop3s, undefined],
  ['SMTP STARTTLS', (t) => t.ports.smtp, SMTP_STARTTLS],
  ['submission STARTTLS', (t) => t.ports.submission, SMTP_STARTTLS],
  ['IMAP STARTTLS', (t) => t.ports.imap, IMAP_STARTTLS],
  ['ManageSieve STARTTLS', (t) => t.ports.managesieve, SIEVE_STARTTLS],
];

/** The negotiated protocol, or the handshake error. */
async function handshake(port: number, preamble: Preamble | undefined, versions: Pick<tls.ConnectionOptions, 'minVersion' | 'maxVersion'>): Promise<string> {
  const plain = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => plain.once('connect', resolve).once('error', reject));
  try {
    if (preamble) await preamble(plain);
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost', ciphers: 'DEFAULT@SECLEVEL=0', ...versions });
    return await new Promise<string>((resolve) => {
      secure.once('secureConnect', () => resolve(secure.getProtocol() ?? 'unknown'));
      secure.once('error', (err) => resolve(`error: ${err.message}`));
    }).finally(() => secure.destroy());
  } finally {
    plain.destroy();
  }
}

const OLD = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' } as const;

describe.each(ENDPOINTS)('%s', (_name, portOf, preamble) => {
  it('refuses TLS 1.0 and 1.1 by default and speaks TLS 1.2+', async () => {
    expect(await handshake(portOf(strict), preamble, OLD)).toMatch(/^error: /);
    expect(await handshake(portOf(strict), preamble, { minVersion: 'TLSv1', maxVersion: 'TLSv1' })).toMatch(/^error: /);
    expect(await handshake(portOf(strict), preamble, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
  });

  it('accepts TLS 1.1 when tlsMinVersion widens it', async () => {
    expect(await handshake(portOf(widened), preamble, OLD)).toBe('TLSv1.1');
  });
});

describe('no password before TLS', () => {
  it('offers AUTH on submission only after STARTTLS, and refuses AUTH before it', async () => {
    const { client } = await SmtpClient.connect(strict.ports.submission);
    expect((await client.ehlo()).text).not.toMatch(/^AUTH/m);
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(538);
    await client.starttls();
    expect((await client.ehlo()).text).toMatch(/^AUTH PLAIN LOGIN$/m);
    await client.quit();
  });

  it('never offers AUTH on the MX port, not even inside TLS', async () => {
    const { client } = await SmtpClient.connect(strict.ports.smtp);
    await client.ehlo();
    await client.starttls();
    expect((await client.ehlo()).text).not.toMatch(/^AUTH/m);
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(502);
    await client.quit();
  });

  async function imapPlainLogin(localAddress: string): Promise<string> {
    const conn = await LineClient.connect(strict.ports.imap, { localAddress });
    await conn.read((ls) => ls.length > 0);
    conn.write(`a LOGIN "alice@acme.test" "${PASSWORDS.alice}"\r\n`);
    const last = (await conn.read((ls) => ls.some((l) => l.startsWith('a ')))).pop() ?? '';
    await conn.close();
    return last;
  }

  it('IMAP: refuses LOGIN before STARTTLS from another address; the server address itself is trusted', async () => {
    expect(await imapPlainLogin('127.0.0.2')).toMatch(/^a (NO|BAD) .*(SSL|TLS|[Pp]laintext)/);
    expect(await imapPlainLogin('127.0.0.1')).toMatch(/^a OK/);
  });

  it('ManageSieve: refuses AUTHENTICATE before STARTTLS from another address', async () => {
    const { client } = await ManageSieveClient.connect(strict.ports.managesieve, { localAddress: '127.0.0.2' });
    const reply = await client.authenticate('alice@acme.test', PASSWORDS.alice);
    expect(ManageSieveClient.ok(reply)).toBe(false);
    expect(reply[reply.length - 1]).toMatch(/SSL|TLS|plaintext/i);
    await client.logout();
  });

  it('POP3 has no plaintext listener at all', () => {
    const conf = fs.readFileSync(dovecotConfigFile(dataPaths(strict.dataDir)), 'utf8');
    expect(conf).toMatch(/inet_listener pop3 \{\n\s*port = 0\n/);
  });
});
