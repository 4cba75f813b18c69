/**
 * A stand-in for a remote domain's MX: nodemailer's smtp-server on 127.x.y.z:25.
 * Haraka's outbound always connects to port 25 of an MX (RFC 5321 §4.5.4), so the
 * test MX takes a random loopback address of its own instead of a free port; the
 * test zone's A record points there and outbound.ini's local_mx_ok lets Haraka use
 * a loopback MX (tests run as root, so binding port 25 works). STARTTLS is offered
 * with smtp-server's built-in self-signed certificate.
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  from: string;
  to: string[];
  /** The message as received (dot-unstuffed, CRLF). */
  raw: Buffer;
  /** Whether the session had switched to TLS (STARTTLS). */
  secure: boolean;
  helo: string;
}

export class RemoteMx {
  readonly messages: ReceivedMessage[] = [];
  /** Recipients refused at RCPT with 550 5.1.1. */
  readonly refused = new Set<string>();
  private server: SMTPServer | undefined;

  private constructor(readonly address: string) {}

  /** Starts on a fresh random loopback address. */
  static async start(): Promise<RemoteMx> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const mx = new RemoteMx(randomLoopback());
      try {
        await mx.listen();
        return mx;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL') throw err;
      }
    }
    throw new Error('no free loopback address for the test MX');
  }

  /** Listens (again) on the same address, e.g. after stop(). */
  async listen(): Promise<void> {
    const server = new SMTPServer({
      name: 'mx.remote.test',
      authOptional: true,
      disabledCommands: ['AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (!this.refused.has(address.address.toLowerCase())) return callback();
        const err = Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 });
        callback(err);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.messages.push(describe(session, Buffer.concat(chunks)));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(25, this.address, () => resolve());
    });
    server.on('error', () => undefined);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function describe(session: SMTPServerSession, raw: Buffer): ReceivedMessage {
  const from = session.envelope.mailFrom;
  return {
    from: from === false ? '' : from.address,
    to: session.envelope.rcptTo.map((r) => r.address),
    raw,
    secure: session.secure,
    helo: session.hostNameAppearsAs,
  };
}

function randomLoopback(): string {
  const octet = (): number => 1 + Math.floor(Math.random() * 254);
  return `127.${octet()}.${octet()}.${octet()}`;
}
