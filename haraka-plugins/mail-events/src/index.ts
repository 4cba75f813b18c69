/**
 * haraka-plugin-mail-events: what Haraka did, for the mail event log — every refusal
 * (Haraka's `deny` hook sees the DENY/DENYSOFT of every plugin, at every hook), every
 * message accepted with 250 (`queue_ok`), and each outbound delivery's outcome
 * (`delivered`, `deferred`, `bounce`). Observes only: every hook answers CONT, and a
 * failure here is logged, never turned into a reply. Logins are emitted by mail-auth.
 * The logic is in lib/describe.ts.
 */
import {
  authNote,
  CONTINUE,
  emitEvent,
  envelopeAddress,
  guardHook,
  HookCode,
  logHookError,
  type Connection,
  type HarakaAddress,
  type HarakaPlugin,
  type HMailItem,
  type HookAnswer,
  type Next,
  type Transaction,
} from '@mail/haraka-common';
import { outboundOutcome, received, rejection, type SessionFacts } from './lib/describe';

function sessionFacts(connection: Connection): SessionFacts {
  const from = connection.transaction?.mail_from;
  return {
    remote: connection.remote.ip,
    helo: connection.hello.host,
    user: authNote(connection)?.user,
    from: from ? envelopeAddress(from) : undefined,
  };
}

type DenyParams = [code: number, reply: unknown, plugin: string, fn: string, params: unknown, hook: string];

export const hook_deny = guardHook(
  'deny',
  async (_plugin: HarakaPlugin, connection: Connection, [code, reply, plugin, , params, hook]: DenyParams): Promise<HookAnswer> => {
    // A `deny` from outbound (an hmail) has no session: outbound's own hooks cover it.
    if (typeof connection.remote !== 'object') return CONTINUE;
    const first = Array.isArray(params) ? (params[0] as HarakaAddress | undefined) : undefined;
    const rcpt = hook === 'rcpt' && first ? envelopeAddress(first) : undefined;
    emitEvent(rejection(sessionFacts(connection), { code, reply, plugin, hook, rcpt }));
    return CONTINUE;
  },
  CONTINUE,
);

export const hook_queue_ok = guardHook(
  'queue_ok',
  async (_plugin: HarakaPlugin, connection: Connection): Promise<HookAnswer> => {
    const transaction = connection.transaction as (Transaction & { header?: { get(name: string): string } }) | null | undefined;
    if (!transaction) return CONTINUE;
    const messageId = transaction.header?.get('Message-ID').trim();
    emitEvent(received(sessionFacts(connection), { to: transaction.rcpt_to.map(envelopeAddress), size: transaction.data_bytes, messageId }));
    return CONTINUE;
  },
  CONTINUE,
);

/** Outbound hooks get the queue item instead of a connection; `next` with no code = go on. */
function observe(plugin: HarakaPlugin, next: Next, hmail: HMailItem, describe: () => Parameters<typeof emitEvent>[0]): void {
  try {
    emitEvent(describe());
  } catch (err) {
    logHookError(plugin, hmail, `event not recorded: ${(err as Error).message}`);
  }
  next(HookCode.CONT);
}

const todoOf = (hmail: HMailItem) => ({ from: envelopeAddress(hmail.todo.mail_from), to: hmail.todo.rcpt_to.map(envelopeAddress) });

export function hook_delivered(this: HarakaPlugin, next: Next, hmail: HMailItem, params: unknown[]): void {
  observe(this, next, hmail, () => {
    const okRecipients = Array.isArray(params[6]) ? (params[6] as HarakaAddress[]).map(envelopeAddress) : todoOf(hmail).to;
    return outboundOutcome('delivered', { ...todoOf(hmail), to: okRecipients, host: String(params[0] ?? ''), reason: params[2] });
  });
}

export function hook_deferred(this: HarakaPlugin, next: Next, hmail: HMailItem, info: { delay?: number; err?: unknown }): void {
  observe(this, next, hmail, () => outboundOutcome('deferred', { ...todoOf(hmail), reason: info.err, ...(info.delay !== undefined ? { delaySeconds: info.delay } : {}) }));
}

export function hook_bounce(this: HarakaPlugin, next: Next, hmail: HMailItem, err: unknown): void {
  observe(this, next, hmail, () => outboundOutcome('bounced', { ...todoOf(hmail), reason: err }));
}
