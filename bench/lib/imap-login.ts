/**
 * The cheapest IMAP client that still does a whole login: greeting, LOGIN, LOGOUT
 * (RFC 9051 §6.2.3), over plain TCP on loopback (Dovecot counts loopback as secure, so no
 * TLS handshake muddies an auth benchmark). `loginRate` runs N of them concurrently.
 */
import net from 'node:net';

export function imapLogin(port: number, user: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffer = '';
    let step: 'greeting' | 'login' | 'logout' = 'greeting';
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`IMAP ${user}: ${why}`));
    };
    socket.setEncoding('utf8');
    socket.on('error', (err) => fail(err.message));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (step === 'greeting' && line.startsWith('* OK')) {
          step = 'login';
          socket.write(`a LOGIN "${user}" "${password}"\r\n`);
        } else if (step === 'login' && line.startsWith('a ')) {
          if (!line.startsWith('a OK')) return fail(line);
          step = 'logout';
          socket.write('b LOGOUT\r\n');
        } else if (step === 'logout' && line.startsWith('b ')) {
          socket.end();
          return resolve();
        }
      }
    });
  });
}

export interface Credentials {
  user: string;
  password: string;
}

/** Logins per second: `total` logins spread over `concurrency` clients, users round-robin. */
export async function loginRate(port: number, users: readonly Credentials[], total: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const client = async (): Promise<void> => {
    while (next < total) {
      const u = users[next++ % users.length] as Credentials;
      await imapLogin(port, u.user, u.password);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}
