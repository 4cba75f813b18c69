import net from 'node:net';
import { buildSymbolsRequest, parseSymbolsResponse, scanWithSpamd, SpamdError } from './spamc';

describe('buildSymbolsRequest', () => {
  it('sends SYMBOLS with the exact byte length of the message', () => {
    const message = Buffer.from('Subject: é\r\n\r\nhi\r\n');
    const request = buildSymbolsRequest(message).toString('latin1');
    expect(request.startsWith(`SYMBOLS SPAMC/1.5\r\nContent-length: ${message.length}\r\nUser: mailserver\r\n\r\n`)).toBe(true);
    expect(request.endsWith(message.toString('latin1'))).toBe(true);
  });
});

describe('parseSymbolsResponse', () => {
  it('reads the verdict and the rule names', () => {
    const raw = 'SPAMD/1.1 0 EX_OK\r\nContent-length: 19\r\nSpam: True ; 1000.5 / 5.0\r\n\r\nGTUBE,MISSING_DATE\r\n';
    expect(parseSymbolsResponse(raw)).toEqual({ isSpam: true, score: 1000.5, required: 5, tests: ['GTUBE', 'MISSING_DATE'] });
  });

  it('reads a clean verdict with a negative score and no rules', () => {
    expect(parseSymbolsResponse('SPAMD/1.1 0 EX_OK\r\nSpam: False ; -1.0 / 5.0\r\n\r\n')).toEqual({ isSpam: false, score: -1, required: 5, tests: [] });
  });

  it('drops anything that is not a rule name', () => {
    expect(parseSymbolsResponse('SPAMD/1.1 0 EX_OK\r\nSpam: False ; 0 / 5\r\n\r\nA_B,bad name,\r\nX-Y,C1').tests).toEqual(['A_B', 'C1']);
  });

  it('refuses errors and garbage', () => {
    expect(() => parseSymbolsResponse('SPAMD/1.0 76 Bad header line')).toThrow(SpamdError);
    expect(() => parseSymbolsResponse('HTTP/1.1 200 OK\r\n\r\n')).toThrow(/unexpected answer/);
    expect(() => parseSymbolsResponse('SPAMD/1.1 0 EX_OK\r\n\r\nGTUBE')).toThrow(/without a Spam: line/);
    expect(() => parseSymbolsResponse('')).toThrow(SpamdError);
  });
});

/** A loopback server that answers each connection with `answer` (or never). */
async function fakeSpamd(answer: ((request: string) => string) | null): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let request = '';
    socket.on('data', (chunk) => {
      request += chunk.toString('latin1');
      const head = request.indexOf('\r\n\r\n');
      const length = Number(/Content-length: (\d+)/.exec(request)?.[1] ?? -1);
      if (answer && head !== -1 && request.length - head - 4 >= length) socket.end(answer(request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('scanWithSpamd', () => {
  it('returns the verdict for the message it sent', async () => {
    const spamd = await fakeSpamd((req) => `SPAMD/1.1 0 EX_OK\r\nSpam: ${req.includes('GTUBE') ? 'True ; 1000.0' : 'False ; 0.1'} / 5.0\r\n\r\nX\r\n`);
    try {
      const verdict = await scanWithSpamd({ host: '127.0.0.1', port: spamd.port, timeoutMs: 2000 }, Buffer.from('Subject: x\r\n\r\nGTUBE\r\n'));
      expect(verdict).toMatchObject({ isSpam: true, score: 1000 });
    } finally {
      await spamd.close();
    }
  });

  it('fails with a timeout when spamd accepts but never answers', async () => {
    const spamd = await fakeSpamd(null);
    try {
      await expect(scanWithSpamd({ host: '127.0.0.1', port: spamd.port, timeoutMs: 200 }, Buffer.from('x'))).rejects.toThrow(/no answer within 200 ms/);
    } finally {
      await spamd.close();
    }
  });

  it('fails when nothing listens', async () => {
    const spamd = await fakeSpamd(null);
    await spamd.close();
    await expect(scanWithSpamd({ host: '127.0.0.1', port: spamd.port, timeoutMs: 2000 }, Buffer.from('x'))).rejects.toThrow(/ECONNREFUSED/);
  });
});
