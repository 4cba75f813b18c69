/** SMTP test client (RFC 5321) with STARTTLS (RFC 3207) and AUTH PLAIN (RFC 4954). */
import { LineClient } from './line-client';

export interface Reply {
  code: number;
  text: string;
}

export class SmtpClient {
  private constructor(readonly conn: LineClient) {}

  static async connect(port: number, options: { tls?: boolean; localAddress?: string } = {}): Promise<{ client: SmtpClient; greeting: Reply }> {
    const client = new SmtpClient(await LineClient.connect(port, options));
    return { client, greeting: await client.reply() };
  }

  /** RFC 5321 §4.2.1: a reply ends with the line whose 4th character is a space. */
  async reply(): Promise<Reply> {
    const lines = await this.conn.read((ls) => ls.some((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l)));
    const last = lines[lines.length - 1] ?? '';
    return { code: Number(last.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
  }

  async cmd(line: string): Promise<Reply> {
    this.conn.write(`${line}\r\n`);
    return this.reply();
  }

  async ehlo(name = 'client.test'): Promise<Reply> {
    return this.cmd(`EHLO ${name}`);
  }

  async starttls(): Promise<Reply> {
    const r = await this.cmd('STARTTLS');
    if (r.code === 220) await this.conn.upgradeTls();
    return r;
  }

  async authPlain(user: string, password: string): Promise<Reply> {
    return this.cmd(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
  }

  /** Sends a full transaction; returns the replies to MAIL, each RCPT and the DATA end. */
  async send(from: string, to: string[], message: string): Promise<{ mail: Reply; rcpt: Reply[]; data?: Reply }> {
    const mail = await this.cmd(`MAIL FROM:<${from}>`);
    const rcpt: Reply[] = [];
    for (const r of to) rcpt.push(await this.cmd(`RCPT TO:<${r}>`));
    if (mail.code !== 250 || !rcpt.some((r) => r.code === 250)) {
      await this.cmd('RSET');
      return { mail, rcpt };
    }
    const go = await this.cmd('DATA');
    if (go.code !== 354) return { mail, rcpt, data: go };
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.conn.write(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    return { mail, rcpt, data: await this.reply() };
  }

  async quit(): Promise<void> {
    try {
      await this.cmd('QUIT');
    } catch {
      // already closed
    }
    await this.conn.close();
  }
}

export function testMessage(opts: { from: string; to: string; subject: string; body?: string; headers?: Record<string, string> }): string {
  const extra = Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return (
    `From: <${opts.from}>\r\nTo: <${opts.to}>\r\nSubject: ${opts.subject}\r\n` +
    `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@client.test>\r\n` +
    `Date: ${new Date().toUTCString()}\r\n${extra}\r\n${opts.body ?? 'Hello.'}\r\n`
  );
}
