/**
 * Client of the login limiter every protocol shares (the LDAP bridge's auth policy
 * endpoint, README "Security"): the same requests Dovecot sends (its auth policy
 * protocol), with protocol "smtp". No Haraka imports.
 */
import http from 'node:http';

export interface PolicySubject {
  login: string;
  remote: string;
}

export type PolicyAnswer = { action: 'allow' } | { action: 'delay'; seconds: number } | { action: 'refuse' };

/** RFC 4954 §6: 454 4.7.0 — temporary: the lockout ends by itself. */
export const LOCKED_OUT = { code: 454, message: '4.7.0 Too many failed logins, try again later' } as const;

const TIMEOUT_MS = 2000;
/** A delay is never longer than this, whatever the endpoint says (Haraka's hook timeout). */
const MAX_DELAY_SECONDS = 20;

/** Dovecot's status: 0 go, N>0 wait N seconds first, <0 refuse (auth-policy.c). */
export function interpretStatus(status: unknown): PolicyAnswer {
  if (typeof status !== 'number' || !Number.isFinite(status) || status === 0) return { action: 'allow' };
  if (status < 0) return { action: 'refuse' };
  return { action: 'delay', seconds: Math.min(Math.ceil(status), MAX_DELAY_SECONDS) };
}

/** Before the password check. */
export async function askPolicy(url: string, subject: PolicySubject): Promise<PolicyAnswer> {
  const body = await post(url, 'allow', { ...subject, protocol: 'smtp' });
  return interpretStatus((JSON.parse(body) as { status?: unknown }).status);
}

/** After it: the limiter counts failures and clears an account's count on success. */
export async function reportOutcome(url: string, subject: PolicySubject, success: boolean): Promise<void> {
  await post(url, 'report', { ...subject, protocol: 'smtp', success, policy_reject: false });
}

function post(url: string, command: 'allow' | 'report', payload: object): Promise<string> {
  const target = new URL(url);
  target.searchParams.set('command', command);
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }, timeout: TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? resolve(text) : reject(new Error(`auth policy answered HTTP ${res.statusCode ?? '?'}`))));
    });
    req.on('timeout', () => req.destroy(new Error('auth policy timed out')));
    req.on('error', reject);
    req.end(data);
  });
}
