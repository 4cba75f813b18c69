/**
 * The spamc/spamd protocol (SpamAssassin's spamd/PROTOCOL), the part we use: one
 * `SYMBOLS` request per message, answered with the verdict line and the rule names.
 * Pure request/response code plus one small socket client; no Haraka imports.
 */
import net from 'node:net';

export interface SpamVerdict {
  isSpam: boolean;
  score: number;
  required: number;
  /** Rule names that hit, in spamd's order. */
  tests: string[];
}

export class SpamdError extends Error {}

/** `SYMBOLS SPAMC/1.5` with the exact body length (spamd then needs no half-close). */
export function buildSymbolsRequest(message: Buffer): Buffer {
  const head = `SYMBOLS SPAMC/1.5\r\nContent-length: ${message.length}\r\nUser: mailserver\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), message]);
}

const STATUS_LINE = /^SPAMD\/(\d+\.\d+) (\d+) (.*)$/;
// "Spam: True ; 1000.0 / 5.0" (the answer to CHECK, SYMBOLS and REPORT).
const SPAM_LINE = /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?\d+(?:\.\d+)?)\s*\/\s*(-?\d+(?:\.\d+)?)\s*$/i;

/** Parses a complete spamd answer; throws SpamdError on anything else. */
export function parseSymbolsResponse(raw: string): SpamVerdict {
  const split = raw.indexOf('\r\n\r\n');
  const headText = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const [statusLine = '', ...headerLines] = headText.split('\r\n');
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw new SpamdError(`unexpected answer '${statusLine.slice(0, 80)}'`);
  if (status[2] !== '0') throw new SpamdError(`spamd error ${status[2] ?? ''} ${status[3] ?? ''}`.trim());
  const spamLine = headerLines.map((l) => SPAM_LINE.exec(l)).find((m) => m !== null);
  if (!spamLine) throw new SpamdError('answer without a Spam: line');
  return {
    isSpam: /^(true|yes)$/i.test(spamLine[1] ?? ''),
    score: Number(spamLine[2]),
    required: Number(spamLine[3]),
    tests: body
      .trim()
      .split(',')
      .map((t) => t.trim())
      .filter((t) => /^[A-Za-z0-9_]+$/.test(t)),
  };
}

export interface SpamdAddress {
  host: string;
  port: number;
  /** For connecting and scanning together. */
  timeoutMs: number;
}

/** Sends one message to spamd and resolves with its verdict; rejects with SpamdError. */
export function scanWithSpamd(address: SpamdAddress, message: Buffer): Promise<SpamVerdict> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const chunks: Buffer[] = [];
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new SpamdError(why));
    };
    const timer = setTimeout(() => fail(`no answer within ${address.timeoutMs} ms`), address.timeoutMs);
    socket.on('connect', () => socket.write(buildSymbolsRequest(message)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => fail(err.message));
    socket.on('close', () => {
      clearTimeout(timer);
      if (settled) return;
      try {
        const verdict = parseSymbolsResponse(Buffer.concat(chunks).toString('latin1'));
        settled = true;
        resolve(verdict);
      } catch (err) {
        fail((err as Error).message);
      }
    });
  });
}
