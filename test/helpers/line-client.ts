/**
 * A tiny line-oriented protocol client (SMTP, POP3, ManageSieve) for the tests,
 * with STARTTLS upgrade. Certificates are self-signed in tests: verification is off.
 */
import net from 'node:net';
import tls from 'node:tls';

export class LineClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  /** `options.path`: a unix socket instead of the TCP port (e.g. Dovecot's LMTP); `localAddress`: the source address (e.g. 127.0.0.2, which is not the server's own). */
  static async connect(port: number, options: { tls?: boolean; host?: string; path?: string; localAddress?: string } = {}): Promise<LineClient> {
    const host = options.host ?? '127.0.0.1';
    const source = options.localAddress ? { localAddress: options.localAddress } : {};
    const socket = options.tls
      ? tls.connect({ host, port, rejectUnauthorized: false, servername: 'localhost', ...source })
      : options.path
        ? net.connect({ path: options.path })
        : net.connect({ host, port, ...source });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  get isTls(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /** Reads lines until `done(lines)` says the response is complete. */
  async read(done: (lines: string[]) => boolean, timeoutMs = 15000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const complete = lines.slice(0, -1);
      if (complete.length > 0 && done(complete)) {
        this.buffer = lines[lines.length - 1] ?? '';
        return complete;
      }
      if (this.closed) throw new Error(`connection closed; got: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`timeout; got: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(data: string): void {
    this.socket.write(data);
  }

  /** Upgrades the connection in place (after the server said go ahead). */
  async upgradeTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = '';
    this.attach(secure);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 2000).unref();
    });
  }
}
