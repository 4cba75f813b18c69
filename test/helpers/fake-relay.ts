/**
 * A smarthost for relay tests: nodemailer's smtp-server on a free loopback port that
 * offers STARTTLS (its built-in self-signed certificate) and AUTH PLAIN/LOGIN only
 * inside TLS, and accepts one username/password.
 */
import { SMTPServer } from 'smtp-server';
import { freePort } from './stack';

export interface RelayedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
  user: string | undefined;
}

export class FakeRelay {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly messages: RelayedMessage[],
  ) {}

  static async start(credentials: { username: string; password: string }): Promise<FakeRelay> {
    const port = await freePort();
    const messages: RelayedMessage[] = [];
    const server = new SMTPServer({
      name: 'relay.test',
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
        callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    return new FakeRelay(server, port, messages);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
