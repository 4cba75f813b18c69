import { AuthLimiter } from './auth-limiter';
import { startAuthPolicyServer, type AuthPolicyServer } from './auth-policy-server';

const LIMITS = { windowSeconds: 60, delayAfter: 1, delaySeconds: 3, ipLockAfter: 2, accountLockAfter: 5, lockSeconds: 120 };
let server: AuthPolicyServer;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = await startAuthPolicyServer(new AuthLimiter(LIMITS), '127.0.0.1', 0, (r) => logged.push(r));
});
afterAll(async () => {
  await server.close();
});

async function post(command: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/?command=${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('auth policy server (Dovecot auth policy protocol)', () => {
  it('answers allow, tarpit, then refuse, and logs the lockout once', async () => {
    const who = { login: 'alice@acme.test', remote: '198.18.0.7', protocol: 'imap', pwhash: 'ab', session_id: 'x', tls: true };
    expect((await post('allow', who)).json).toEqual({ status: 0, msg: '' });
    await post('report', { ...who, success: false, policy_reject: false });
    expect((await post('allow', who)).json['status']).toBe(3);
    await post('report', { ...who, success: false, policy_reject: false });
    expect((await post('allow', who)).json['status']).toBe(-1);
    // A refused attempt reported back does not count again.
    await post('report', { ...who, success: false, policy_reject: true });
    expect(logged).toEqual([expect.objectContaining({ event: 'auth-lockout', scope: 'ip', key: '198.18.0.7', protocol: 'imap', lockSeconds: 120 })]);
  });

  it('refuses bad requests with 400 and changes nothing', async () => {
    for (const body of ['not json', '[]', '{"login":1}', JSON.stringify({ login: 'x', remote: 'y' }), 'x'.repeat(10000)]) {
      expect((await post('allow', body)).status).toBe(400);
    }
    expect((await post('nope', { login: 'a', remote: 'b', protocol: 'c' })).status).toBe(400);
    const res = await fetch(`http://127.0.0.1:${server.port}/?command=allow`);
    expect(res.status).toBe(400);
    expect((await post('allow', { login: 'bob@acme.test', remote: '198.18.0.8', protocol: 'pop3' })).json['status']).toBe(0);
  });
});
