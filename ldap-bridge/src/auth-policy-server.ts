/**
 * HTTP front of the login limiter, speaking Dovecot 2.3's auth policy protocol
 * (auth_policy_server_url): `POST /?command=allow` with `{"login","remote","protocol"}`
 * before the password is checked, answered `{"status":N,"msg":…}` — 0 go ahead, N>0
 * wait N seconds first, -1 refuse; `POST /?command=report` after it, with
 * `"success"` and `"policy_reject"`. Haraka's mail-auth sends the same requests for
 * SMTP AUTH, so one limiter sees every protocol. Loopback only; bodies are small JSON
 * and anything else gets 400 and changes nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthLimiter, Lockout, Verdict } from './auth-limiter';

const MAX_BODY = 8192;

export interface PolicyRequest {
  login: string;
  remote: string;
  protocol: string;
  success?: boolean;
  policyReject?: boolean;
}

export interface AuthPolicyServer {
  port: number;
  close(): Promise<void>;
}

export type PolicyLog = (record: Record<string, unknown>) => void;

export async function startAuthPolicyServer(limiter: AuthLimiter, host: string, port: number, log: PolicyLog): Promise<AuthPolicyServer> {
  const server = http.createServer((req, res) => handle(limiter, log, req, res));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Dovecot's HTTP client keeps idle connections open; do not wait for them.
        server.closeAllConnections();
      }),
  };
}

function handle(limiter: AuthLimiter, log: PolicyLog, req: http.IncomingMessage, res: http.ServerResponse): void {
  const command = new URL(req.url ?? '/', 'http://localhost').searchParams.get('command');
  if (req.method !== 'POST' || (command !== 'allow' && command !== 'report')) return reply(res, 400, { error: 'POST ?command=allow|report' });
  readBody(req).then(
    (body) => {
      const request = parsePolicyRequest(body);
      if (!request) return reply(res, 400, { error: 'body must be JSON with string login, remote and protocol' });
      if (command === 'allow') return reply(res, 200, answer(limiter.check(request.remote, request.login)));
      // A refusal by this policy is not one more guess: it must not extend the lockout.
      if (request.policyReject !== true) {
        for (const lockout of limiter.report(request.remote, request.login, request.success === true)) logLockout(log, lockout, request);
      }
      return reply(res, 200, { status: 0 });
    },
    () => reply(res, 400, { error: 'body too large or unreadable' }),
  );
}

/** Dovecot's status: 0 allow, N>0 tarpit N seconds, <0 refuse (auth-policy.c). */
export function answer(verdict: Verdict): { status: number; msg: string } {
  switch (verdict.action) {
    case 'allow':
      return { status: 0, msg: '' };
    case 'delay':
      return { status: verdict.seconds, msg: 'slowed after failed logins' };
    case 'refuse':
      return { status: -1, msg: `too many failed logins (${verdict.scope}); retry in ${verdict.retryAfterSeconds} s` };
  }
}

/** One structured line per lockout (the event log picks these up later). */
function logLockout(log: PolicyLog, lockout: Lockout, request: PolicyRequest): void {
  log({ event: 'auth-lockout', ...lockout, protocol: request.protocol, remote: request.remote, login: request.login.slice(0, 256) });
}

export function parsePolicyRequest(body: string): PolicyRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (x: unknown): x is string => typeof x === 'string' && x.length <= 1024;
  if (!str(v['login']) || !str(v['remote']) || !str(v['protocol'])) return undefined;
  const request: PolicyRequest = { login: v['login'], remote: v['remote'], protocol: v['protocol'] };
  if (typeof v['success'] === 'boolean') request.success = v['success'];
  if (typeof v['policy_reject'] === 'boolean') request.policyReject = v['policy_reject'];
  return request;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets its 400.
      if (size > MAX_BODY) reject(new Error('too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
