/**
 * Test support: a minimal SMTP client for conversations with a real server, line by
 * line, with STARTTLS and implicit TLS. Not compiled into dist.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface SmtpReply {
  code: number;
  /** The whole reply, all lines, CRLFs included. */
  text: string;
}

export class SmtpChat {
  private received = '';
  private waiting: (() => void) | undefined;
  private closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  static plain(port: number, host = '127.0.0.1'): SmtpChat {
    return new SmtpChat(net.connect(port, host));
  }

  static implicitTls(port: number, host = '127.0.0.1'): SmtpChat {
    return new SmtpChat(tls.connect({ port, host, rejectUnauthorized: false }));
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  /** The next complete reply (RFC 5321 §4.2: lines `NNN-…` up to `NNN …`). */
  reply(timeoutMs = 15_000): Promise<SmtpReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no reply in ${timeoutMs} ms; got ${JSON.stringify(this.received)}`)), timeoutMs);
      const finish = (err?: Error, reply?: SmtpReply): void => {
        clearTimeout(timer);
        this.waiting = undefined;
        if (err) reject(err);
        else if (reply) resolve(reply);
      };
      const check = (): void => {
        const match = /^(\d{3}) .*\r\n/m.exec(this.received);
        if (match) {
          const end = match.index + match[0].length;
          const text = this.received.slice(0, end);
          this.received = this.received.slice(end);
          return finish(undefined, { code: Number(match[1]), text });
        }
        if (this.closed) finish(new Error(`connection closed; got ${JSON.stringify(this.received)}`));
      };
      this.waiting = check;
      check();
    });
  }

  write(data: string): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** STARTTLS (RFC 3207): after 220, the same socket continues inside TLS. */
  async startTls(): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.attach(secure);
    return reply;
  }

  get isTls(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `AUTH PLAIN` initial response (RFC 4616). */
export function plainCredentials(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`).toString('base64');
}
