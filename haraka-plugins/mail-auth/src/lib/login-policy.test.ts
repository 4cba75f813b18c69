import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { askPolicy, interpretStatus, reportOutcome } from './login-policy';

describe('interpretStatus (Dovecot auth policy statuses)', () => {
  it('maps 0, N>0 and <0, and treats nonsense as allow', () => {
    expect(interpretStatus(0)).toEqual({ action: 'allow' });
    expect(interpretStatus(3)).toEqual({ action: 'delay', seconds: 3 });
    expect(interpretStatus(1e9)).toEqual({ action: 'delay', seconds: 20 });
    expect(interpretStatus(-1)).toEqual({ action: 'refuse' });
    expect(interpretStatus('x')).toEqual({ action: 'allow' });
  });
});

describe('askPolicy / reportOutcome', () => {
  let server: http.Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push(`${req.url ?? ''} ${body}`);
        if (req.url?.includes('command=allow')) res.end(JSON.parse(body).remote === '198.18.0.9' ? '{"status":-1}' : '{"status":0}');
        else res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('speaks the protocol Dovecot speaks, as "smtp"', async () => {
    expect(await askPolicy(url, { login: 'a@x.test', remote: '198.18.0.1' })).toEqual({ action: 'allow' });
    expect(await askPolicy(url, { login: 'a@x.test', remote: '198.18.0.9' })).toEqual({ action: 'refuse' });
    await reportOutcome(url, { login: 'a@x.test', remote: '198.18.0.1' }, false);
    expect(seen[0]).toBe('/?command=allow {"login":"a@x.test","remote":"198.18.0.1","protocol":"smtp"}');
    expect(seen[2]).toBe('/?command=report {"login":"a@x.test","remote":"198.18.0.1","protocol":"smtp","success":false,"policy_reject":false}');
  });

  it('fails when nobody listens', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(askPolicy(url, { login: 'a', remote: 'b' })).rejects.toThrow();
  });
});
