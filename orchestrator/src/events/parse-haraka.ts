/**
 * Haraka's log → events. Our plugins and Haraka core log structured `key=value`
 * lines; these are read back:
 *   [core] connect ip=…                          remembers the client address per connection
 *   [core]  hook=H plugin=P … retval=DENY msg="…"  a rejection, by any plugin (size, unknown
 *                                                 user, spam, DNSBL, SPF… all say it this way)
 *   [mail-routing] lmtp mailbox=M status=S reply="…"  a local delivery and its outcome
 *   [mail-auth] auth user=U result=pass|fail      an SMTP AUTH attempt
 *   [outbound]  delivered domain=D host=H … response="…"   outbound results: delivered,
 *   [outbound] recipient <r> rejected: 550 …            a recipient refused by the remote MX,
 *   [outbound] Temp failing F for N seconds: R          deferred (retried later),
 *   [outbound] bouncing mail: R                         bounced (a DSN goes to the sender)
 */
import type { NewEvent } from '../store';

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) \[(\w+)\] \[([^\]]*)\] \[([^\]]+)\] +(.*)$/;
const PAIR = /(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g;
const REJECTIONS = new Set(['DENY', 'DENYSOFT', 'DENYDISCONNECT', 'DENYSOFTDISCONNECT']);
/** Connections tracked at once; the oldest is forgotten beyond this (a leak guard, not a limit on mail). */
const MAX_CONNECTIONS = 10_000;

export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, key, raw] of text.matchAll(PAIR)) {
    if (key === undefined || raw === undefined) continue;
    out[key] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return out;
}

const unbracket = (value: string | undefined): string | null => {
  const v = (value ?? '').replace(/^<|>$/g, '');
  return v === '' ? null : v;
};

export class HarakaLogParser {
  /** connection uuid → client address, from the `connect` line. */
  private readonly remotes = new Map<string, string>();

  parse(line: string): NewEvent | undefined {
    const m = LINE.exec(line);
    if (!m) return undefined;
    const [, time = '', , uuid = '', section = '', rest = ''] = m;
    const connection = uuid.split('.')[0] ?? uuid;
    const fields = keyValues(rest);
    const base = { time, source: 'haraka', remote: this.remotes.get(connection) ?? null };
    if (section === 'core') return this.core(connection, rest, fields, base);
    if (section === 'mail-routing' && rest.startsWith('lmtp ')) return delivery(fields, base);
    if (section === 'mail-auth' && rest.startsWith('auth ')) return login(fields, base);
    if (section === 'outbound') return outbound(rest, fields, base);
    if (section === 'mail-spam') return spam(rest, fields, base);
    return undefined;
  }

  private core(connection: string, rest: string, f: Record<string, string>, base: Base): NewEvent | undefined {
    if (rest.startsWith('connect ') && f['ip']) {
      if (this.remotes.size >= MAX_CONNECTIONS) this.remotes.delete(this.remotes.keys().next().value ?? '');
      this.remotes.set(connection, f['ip']);
      return undefined;
    }
    if (rest.startsWith('disconnect ')) {
      this.remotes.delete(connection);
      return undefined;
    }
    if (!f['hook'] || !REJECTIONS.has(f['retval'] ?? '')) return undefined;
    const reply = f['msg'] ?? '';
    return {
      ...base,
      type: 'rejection',
      actor: unbracket(f['params']),
      message: `${f['hook']} refused by ${f['plugin'] ?? '?'}: ${reply}`,
      details: { hook: f['hook'], plugin: f['plugin'] ?? null, retval: f['retval'], reply, permanent: !(f['retval'] ?? '').includes('SOFT') },
    };
  }
}

type Base = Pick<NewEvent, 'time' | 'source' | 'remote'>;

function delivery(f: Record<string, string>, base: Base): NewEvent | undefined {
  const mailbox = f['mailbox'];
  if (!mailbox) return undefined;
  const status = f['status'] ?? 'unknown';
  const message = status === 'delivered' ? `delivered to ${mailbox}` : `delivery to ${mailbox} failed (${status})`;
  return { ...base, type: 'delivery', actor: mailbox, message, details: { status, reply: f['reply'] ?? null } };
}

/**
 * mail-spam's verdicts worth a line of their own: a message judged spam (it goes to the
 * Spam folder, or is refused above the reject threshold — that refusal is also a
 * `rejection`), and a message delivered unscanned because spamd could not answer.
 */
function spam(rest: string, f: Record<string, string>, base: Base): NewEvent | undefined {
  if (rest.startsWith('message not scanned: ')) {
    const reason = rest.slice('message not scanned: '.length).trim();
    return { ...base, type: 'spam', actor: null, message: `delivered without a spam check: ${reason}`, details: { scanned: false, reason } };
  }
  if (!rest.startsWith('scanned ') || f['spam'] !== 'true') return undefined;
  const score = Number(f['score']);
  const required = Number(f['required']);
  return {
    ...base,
    type: 'spam',
    actor: null,
    message: `judged spam (score ${f['score'] ?? '?'}, required ${f['required'] ?? '?'})`,
    details: { scanned: true, score: Number.isFinite(score) ? score : null, required: Number.isFinite(required) ? required : null, tests: (f['tests'] ?? '').split(',').filter(Boolean) },
  };
}

function login(f: Record<string, string>, base: Base): NewEvent | undefined {
  const user = f['user'];
  if (!user) return undefined;
  const ok = f['result'] === 'pass';
  return { ...base, type: 'login', actor: user, message: `smtp login ${ok ? 'succeeded' : 'failed'} for ${user}`, details: { service: 'smtp', success: ok } };
}

function outbound(rest: string, f: Record<string, string>, base: Base): NewEvent | undefined {
  const event = (status: string, message: string, actor: string | null, details: Record<string, unknown>): NewEvent => ({
    ...base, remote: null, type: 'outbound', actor, message, details: { status, ...details },
  });
  if (rest.startsWith('delivered ')) {
    const via = f['host'] ? ` via ${f['host']}` : '';
    return event('delivered', `delivered to ${f['domain'] ?? '?'}${via} (${f['mode'] ?? 'SMTP'})`, f['domain'] ?? null, {
      domain: f['domain'] ?? null, host: f['host'] ?? null, ip: f['ip'] ?? null, tls: f['tls'] === 'Y', response: f['response'] ?? null, rcpts: f['rcpts'] ?? null,
    });
  }
  const rejected = /^recipient <([^>]*)> rejected: (.*)$/.exec(rest);
  if (rejected) return event('rejected', `${rejected[1] ?? ''} refused by the remote server: ${rejected[2] ?? ''}`, rejected[1] ?? null, { reply: rejected[2] ?? '' });
  const deferred = /^Temp failing (\S+) for (\d+) seconds: (.*)$/.exec(rest);
  if (deferred) return event('deferred', `deferred, retry in ${deferred[2] ?? '?'} s: ${deferred[3] ?? ''}`, null, { file: deferred[1], retryInSeconds: Number(deferred[2]), reason: deferred[3] });
  const bounced = /^bouncing mail: (.*)$/.exec(rest);
  if (bounced) return event('bounced', `bounced: ${bounced[1] ?? ''}`, null, { reason: bounced[1] ?? '' });
  return undefined;
}
