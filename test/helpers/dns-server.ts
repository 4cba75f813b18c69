/**
 * A loopback authoritative DNS server for the tests (RFC 1035), so nothing in a test
 * asks the machine's resolver or the internet. Zones are plain records set per test;
 * a name with no records answers NXDOMAIN, a name with records of other types NODATA.
 * UDP and TCP on one port: a UDP answer longer than the client allows is sent
 * truncated (TC bit), and the client repeats the query over TCP (RFC 7766 §5;
 * a 2048-bit DKIM key in TXT is close to the 512-octet UDP limit of RFC 1035 §4.2.1).
 * dns-packet does the wire encoding.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export type TestRecord =
  | { type: 'A'; name: string; address: string }
  | { type: 'AAAA'; name: string; address: string }
  | { type: 'MX'; name: string; exchange: string; priority?: number }
  | { type: 'TXT'; name: string; text: string }
  | { type: 'PTR'; name: string; target: string };

const RCODE_NXDOMAIN = 3;
const RCODE_NOTIMP = 4;
const CLASSIC_UDP_LIMIT = 512;

export class TestDnsServer {
  private records: TestRecord[] = [];
  /** Names whose queries get no answer at all (a DNS timeout for the asker). */
  private silent = new Set<string>();
  /** Every question asked, `name/type`, for assertions. */
  readonly queries: string[] = [];

  private constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 on a port that is free for both UDP and TCP. */
  static async start(): Promise<TestDnsServer> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const tcp = net.createServer();
      const port = await new Promise<number>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(0, '127.0.0.1', () => resolve((tcp.address() as net.AddressInfo).port));
      });
      const udp = dgram.createSocket('udp4');
      const bound = await new Promise<boolean>((resolve) => {
        udp.once('error', () => resolve(false));
        udp.bind(port, '127.0.0.1', () => resolve(true));
      });
      if (!bound) {
        tcp.close();
        udp.close();
        continue;
      }
      const server = new TestDnsServer(udp, tcp, port);
      server.listen();
      return server;
    }
    throw new Error('no port free for both UDP and TCP');
  }

  /** `ip:port`, as MAIL_DNS_SERVERS takes it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Replaces every record. */
  setRecords(records: readonly TestRecord[]): void {
    this.records = [...records];
  }

  addRecords(...records: TestRecord[]): void {
    this.records.push(...records);
  }

  /** Never answers queries for `name` (any type): the client times out. */
  dropQueries(name: string): void {
    this.silent.add(name.toLowerCase());
  }

  /** `1.2.3.4` → `4.3.2.1.in-addr.arpa` (RFC 1035 §3.5), for PTR records. */
  static reverseName(ipv4: string): string {
    return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private listen(): void {
    this.udp.on('message', (message, peer) => {
      const reply = this.answer(message, 'udp');
      if (reply) this.udp.send(reply, peer.port, peer.address);
    });
    this.tcp.on('connection', (socket) => this.serveTcp(socket));
  }

  /** RFC 1035 §4.2.2: each TCP message is preceded by its two-octet length. */
  private serveTcp(socket: net.Socket): void {
    let buffer = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const length = buffer.readUInt16BE(0);
        if (buffer.length < 2 + length) return;
        const reply = this.answer(buffer.subarray(2, 2 + length), 'tcp');
        buffer = buffer.subarray(2 + length);
        if (reply) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([prefix, reply]));
        }
      }
    });
  }

  private answer(message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    const question = query.questions?.[0];
    const base = { id: query.id ?? 0, type: 'response' as const, questions: query.questions ?? [] };
    if (!question || question.class !== 'IN') return dnsPacket.encode({ ...base, flags: RCODE_NOTIMP });
    const name = question.name.toLowerCase().replace(/\.$/, '');
    this.queries.push(`${name}/${question.type}`);
    if (this.silent.has(name)) return undefined;
    const owned = this.records.filter((r) => r.name.toLowerCase() === name);
    const answers = owned.filter((r) => r.type === question.type).map((r) => toAnswer(r));
    // RFC 1035 §4.1.1: AA, and RCODE 3 when the name does not exist at all.
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | (owned.length === 0 ? RCODE_NXDOMAIN : 0);
    const reply = dnsPacket.encode({ ...base, flags, answers });
    if (transport === 'tcp' || reply.length <= udpLimit(query)) return reply;
    return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
  }
}

/** RFC 6891 §6.2.3: an OPT record in the query announces a larger UDP payload. */
function udpLimit(query: dnsPacket.DecodedPacket): number {
  const opt = query.additionals?.find((r) => r.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(CLASSIC_UDP_LIMIT, opt?.udpPayloadSize ?? 0);
}

function toAnswer(record: TestRecord): dnsPacket.Answer {
  const common = { name: record.name, ttl: 60, class: 'IN' as const };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return { ...common, type: record.type, data: record.address };
    case 'MX':
      return { ...common, type: 'MX', data: { exchange: record.exchange, preference: record.priority ?? 10 } };
    case 'PTR':
      return { ...common, type: 'PTR', data: record.target };
    case 'TXT':
      // RFC 1035 §3.3.14: character-strings of at most 255 octets each.
      return { ...common, type: 'TXT', data: record.text.match(/.{1,255}/gs) ?? [''] };
  }
}
