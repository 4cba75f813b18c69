/** POP3 test client (RFC 1939) over implicit TLS. */
import { LineClient } from './line-client';

export class Pop3Client {
  private constructor(private readonly conn: LineClient) {}

  static async connect(port: number): Promise<{ client: Pop3Client; greeting: string }> {
    const client = new Pop3Client(await LineClient.connect(port, { tls: true }));
    return { client, greeting: await client.status() };
  }

  private async status(): Promise<string> {
    return (await this.conn.read((ls) => ls.length > 0))[0] ?? '';
  }

  async cmd(line: string): Promise<string> {
    this.conn.write(`${line}\r\n`);
    return this.status();
  }

  async login(user: string, password: string): Promise<boolean> {
    await this.cmd(`USER ${user}`);
    return (await this.cmd(`PASS ${password}`)).startsWith('+OK');
  }

  /** RETR n: the message, dot-unstuffed. */
  async retrieve(n: number): Promise<string> {
    this.conn.write(`RETR ${n}\r\n`);
    const lines = await this.conn.read((ls) => ls[0]?.startsWith('-ERR') === true || ls[ls.length - 1] === '.');
    if (!lines[0]?.startsWith('+OK')) throw new Error(lines[0]);
    return lines
      .slice(1, -1)
      .map((l) => (l.startsWith('..') ? l.slice(1) : l))
      .join('\r\n');
  }

  async quit(): Promise<void> {
    await this.cmd('QUIT').catch(() => undefined);
    await this.conn.close();
  }
}
