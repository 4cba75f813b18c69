/**
 * What the event log records of SMTP outcomes: plain data from Haraka's objects, so the
 * hooks in index.ts stay glue. Pure.
 */
import type { MailEventInput } from '@mail/haraka-common';

export interface SessionFacts {
  remote: string | null;
  helo: string | null;
  /** The authenticated login, if any. */
  user: string | undefined;
  from: string | undefined;
}

/** Hook return codes that mean a permanent refusal (haraka-constants DENY, DENYDISCONNECT). */
const PERMANENT = new Set([902, 904]);

/** A refusal by any plugin, at any hook (Haraka's `deny` hook sees them all). */
export function rejection(
  session: SessionFacts,
  facts: { code: number; reply: unknown; plugin: string; hook: string; rcpt?: string | undefined },
): MailEventInput {
  return {
    type: 'rejected',
    permanent: PERMANENT.has(facts.code),
    hook: facts.hook,
    by: facts.plugin,
    reason: replyText(facts.reply),
    ...withSession(session),
    ...(facts.rcpt !== undefined ? { rcpt: facts.rcpt } : {}),
  };
}

/** A message accepted with 250 (stored locally and/or queued for delivery). */
export function received(session: SessionFacts, facts: { to: string[]; size: number; messageId: string | undefined }): MailEventInput {
  return { type: 'received', ...withSession(session), to: facts.to, size: facts.size, ...(facts.messageId ? { messageId: facts.messageId } : {}) };
}

/** An outbound delivery attempt's outcome. */
export function outboundOutcome(
  type: 'delivered' | 'deferred' | 'bounced',
  facts: { from: string; to: string[]; host?: string; reason?: unknown; delaySeconds?: number },
): MailEventInput {
  return {
    type,
    from: facts.from,
    to: facts.to,
    ...(facts.host !== undefined ? { host: facts.host } : {}),
    ...(facts.reason !== undefined ? { reason: replyText(facts.reason) } : {}),
    ...(facts.delaySeconds !== undefined ? { retryInSeconds: facts.delaySeconds } : {}),
  };
}

function withSession(session: SessionFacts): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ remote: session.remote, helo: session.helo, user: session.user, from: session.from }).filter(
      ([, v]) => v !== undefined && v !== null,
    ),
  );
}

/** A reply as one line of text: strings, Haraka's DSN objects, Errors, arrays of lines. */
export function replyText(reply: unknown): string {
  if (reply === undefined || reply === null) return '';
  if (Array.isArray(reply)) return reply.map(replyText).join(' ');
  if (reply instanceof Error) return reply.message;
  if (typeof reply === 'object') {
    const r = reply as { reply?: unknown; code?: unknown; msg?: unknown };
    if (r.reply !== undefined) return `${typeof r.code === 'number' ? `${r.code} ` : ''}${replyText(r.reply)}`;
    if (r.msg !== undefined) return replyText(r.msg);
  }
  return String(reply).replace(/\s+/g, ' ').trim();
}
