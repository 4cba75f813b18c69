/**
 * `mailctl queue flush|rm` → Haraka, over the control socket of
 * haraka-plugins/mail-outbound (one request line, one JSON reply line).
 */
import net from 'node:net';

export type ControlReply =
  | { ok: true; message: string }
  | { ok: false; code: string; error: string };

/** Haraka is not there to ask (not running, or started without the socket). */
export class ControlUnavailable extends Error {}

export function sendControlCommand(socketPath: string, line: string, timeoutMs = 10_000): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answer = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('Haraka did not answer on its control socket')));
    socket.once('connect', () => {
      connected = true;
      socket.write(`${line}\n`);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const gone = !connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED');
      reject(gone ? new ControlUnavailable('Haraka is not running') : err);
    });
    socket.once('end', () => {
      try {
        resolve(JSON.parse(answer.trim()) as ControlReply);
      } catch {
        reject(new Error(`unexpected answer from Haraka: ${answer.trim().slice(0, 200)}`));
      }
    });
  });
}
