/** ManageSieve test client (RFC 5804): STARTTLS, AUTHENTICATE PLAIN, PUTSCRIPT, SETACTIVE. */
import { LineClient } from './line-client';

const isFinal = (line: string): boolean => /^(OK|NO|BYE)\b/i.test(line);

export class ManageSieveClient {
  private constructor(private readonly conn: LineClient) {}

  static async connect(port: number, options: { localAddress?: string } = {}): Promise<{ client: ManageSieveClient; capabilities: string[] }> {
    const client = new ManageSieveClient(await LineClient.connect(port, options));
    return { client, capabilities: await client.response() };
  }

  /** Lines up to and including the final OK/NO/BYE. */
  async response(): Promise<string[]> {
    return this.conn.read((ls) => ls.some(isFinal));
  }

  async cmd(line: string): Promise<string[]> {
    this.conn.write(`${line}\r\n`);
    return this.response();
  }

  static ok(lines: string[]): boolean {
    return /^OK/i.test(lines[lines.length - 1] ?? '');
  }

  /** RFC 5804 §2.2: after STARTTLS the server sends its capabilities again. */
  async starttls(): Promise<string[]> {
    const r = await this.cmd('STARTTLS');
    if (!ManageSieveClient.ok(r)) return r;
    await this.conn.upgradeTls();
    return this.response();
  }

  async authenticate(user: string, password: string): Promise<string[]> {
    const token = Buffer.from(`\0${user}\0${password}`).toString('base64');
    return this.cmd(`AUTHENTICATE "PLAIN" "${token}"`);
  }

  async putScript(name: string, script: string): Promise<string[]> {
    const body = script.replace(/\r?\n/g, '\r\n');
    return this.cmd(`PUTSCRIPT "${name}" {${Buffer.byteLength(body)}+}\r\n${body}`);
  }

  async setActive(name: string): Promise<string[]> {
    return this.cmd(`SETACTIVE "${name}"`);
  }

  async logout(): Promise<void> {
    await this.cmd('LOGOUT').catch(() => undefined);
    await this.conn.close();
  }
}
