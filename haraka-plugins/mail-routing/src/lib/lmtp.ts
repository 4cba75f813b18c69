/**
 * A small LMTP client (RFC 2033) for local delivery into Dovecot over a unix socket.
 * One session per call: LHLO, MAIL FROM, one RCPT TO per mailbox, DATA, and then one
 * reply per accepted recipient (RFC 2033 §4.2), which is what lets the caller tell
 * "saved for alice" from "failed for bob". Pure: no Haraka imports.
 */
import net from 'node:net';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { DotStuffer } from './dot-stuff';
import { formatReply, isPositive, ReplyReader, type Reply } from './smtp-reply';

export interface LmtpRequest {
  socketPath: string;
  /** Our name in LHLO (RFC 2033 §4.1). */
  clientName: string;
  /** Reverse-path without angle brackets; '' for the null sender (RFC 5321 §4.5.5). */
  sender: string;
  recipients: readonly string[];
  /** Opens the message (headers + body, not dot-stuffed); called at most once, after 354. */
  openMessage: () => Readable;
  /** Upper bound for the whole session. */
  timeoutMs: number;
}

export type RecipientStatus = 'delivered' | 'tempfail' | 'permfail';

export interface RecipientResult {
  recipient: string;
  status: RecipientStatus;
  /** The server's reply, e.g. `250 2.0.0 <a@b> Saved`, or why there was none. */
  reply: string;
}

/** The session failed before the message could have been delivered to anyone. */
export class LmtpError extends Error {
  override name = 'LmtpError';
}

function statusOf(reply: Reply): RecipientStatus {
  if (isPositive(reply)) return 'delivered';
  return reply.code >= 500 ? 'permfail' : 'tempfail';
}

// An envelope path is sent inside <...>; refuse anything that could end it early or
// start a new command (mailbox names come from the directory, which is data).
const UNSAFE_PATH = /[\s<>\x00-\x1f\x7f]/;

function checkPath(path: string): string {
  if (UNSAFE_PATH.test(path)) throw new LmtpError(`refusing unsafe envelope address '${JSON.stringify(path)}'`);
  return path;
}

export async function deliverLmtp(request: LmtpRequest): Promise<RecipientResult[]> {
  if (request.recipients.length === 0) return [];
  request.recipients.forEach(checkPath);
  checkPath(request.sender);
  const session = await LmtpSession.open(request.socketPath, request.timeoutMs);
  try {
    return await session.deliver(request);
  } finally {
    session.close();
  }
}

class LmtpSession {
  private readonly replies = new ReplyReader();
  private readonly timer: NodeJS.Timeout;
  private readonly closed: Promise<never>;

  private constructor(private readonly socket: net.Socket, timeoutMs: number) {
    socket.on('data', (chunk: Buffer) => this.replies.push(chunk));
    this.closed = new Promise<never>((_resolve, reject) => {
      socket.once('close', () => reject(new LmtpError('LMTP server closed the connection')));
    });
    this.closed.catch(() => undefined);
    socket.once('close', () => this.replies.fail(new LmtpError('LMTP server closed the connection')));
    socket.on('error', (err) => this.replies.fail(new LmtpError(`LMTP connection failed: ${err.message}`)));
    this.timer = setTimeout(() => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  }

  static async open(socketPath: string, timeoutMs: number): Promise<LmtpSession> {
    const socket = net.createConnection({ path: socketPath });
    const session = new LmtpSession(socket, timeoutMs);
    try {
      await once(socket, 'connect');
    } catch (err) {
      session.close();
      throw new LmtpError(`cannot connect to ${socketPath}: ${(err as Error).message}`);
    }
    return session;
  }

  async deliver(request: LmtpRequest): Promise<RecipientResult[]> {
    this.expect(await this.replies.next(), 220, 'greeting');
    const lhlo = this.expect(await this.command(`LHLO ${request.clientName}`), 250, 'LHLO');
    const mail = await this.command(`MAIL FROM:<${request.sender}>${mailParameters(lhlo, request)}`);
    if (!isPositive(mail)) return request.recipients.map((recipient) => result(recipient, mail));

    const results = new Map<string, RecipientResult>();
    const accepted: string[] = [];
    for (const recipient of request.recipients) {
      const reply = await this.command(`RCPT TO:<${recipient}>`);
      if (isPositive(reply)) accepted.push(recipient);
      else results.set(recipient, result(recipient, reply));
    }
    if (accepted.length > 0) await this.sendData(request, accepted, results);
    await this.quit();
    return request.recipients.map((r) => results.get(r) ?? unanswered(r, 'no reply'));
  }

  private async sendData(request: LmtpRequest, accepted: string[], results: Map<string, RecipientResult>): Promise<void> {
    const data = await this.command('DATA');
    if (data.code !== 354) {
      for (const recipient of accepted) results.set(recipient, result(recipient, data));
      return;
    }
    await this.streamMessage(request.openMessage());
    // RFC 2033 §4.2: one reply per accepted recipient, in RCPT order. A session that
    // breaks now may already have saved some copies: the missing ones count as
    // temporary failures (a possible duplicate beats a lost message).
    for (const recipient of accepted) {
      try {
        results.set(recipient, result(recipient, await this.replies.next()));
      } catch (err) {
        results.set(recipient, unanswered(recipient, (err as Error).message));
      }
    }
  }

  private async streamMessage(message: Readable): Promise<void> {
    const stuffed = message.pipe(new DotStuffer());
    message.once('error', (err) => stuffed.destroy(err));
    try {
      for await (const chunk of stuffed) {
        if (!this.socket.write(chunk as Buffer)) await Promise.race([once(this.socket, 'drain'), this.closed]);
      }
    } catch (err) {
      throw new LmtpError(`sending the message failed: ${(err as Error).message}`);
    } finally {
      message.destroy();
    }
  }

  private async command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.replies.next();
  }

  private expect(reply: Reply, code: number, step: string): Reply {
    if (reply.code !== code) throw new LmtpError(`LMTP ${step} refused: ${formatReply(reply)}`);
    return reply;
  }

  /** RFC 5321 §4.1.1.10; the answer does not matter any more. */
  private async quit(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
  }

  close(): void {
    clearTimeout(this.timer);
    this.socket.destroy();
  }
}

/** BODY=8BITMIME (RFC 6152) and SMTPUTF8 (RFC 6531 §3.4) when the server offers them. */
function mailParameters(lhlo: Reply, request: LmtpRequest): string {
  const offers = (keyword: string): boolean => lhlo.lines.some((l) => l.toUpperCase().split(' ')[0] === keyword);
  // eslint-disable-next-line no-control-regex
  const utf8 = [request.sender, ...request.recipients].some((a) => /[^\x00-\x7f]/.test(a));
  return `${offers('8BITMIME') ? ' BODY=8BITMIME' : ''}${utf8 && offers('SMTPUTF8') ? ' SMTPUTF8' : ''}`;
}

function result(recipient: string, reply: Reply): RecipientResult {
  return { recipient, status: statusOf(reply), reply: formatReply(reply) };
}

function unanswered(recipient: string, why: string): RecipientResult {
  return { recipient, status: 'tempfail', reply: `no reply from the LMTP server (${why})` };
}
