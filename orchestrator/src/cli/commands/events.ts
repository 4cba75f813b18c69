/**
 * mailctl events [--type T[,T…]] [--search S] [--limit N] [--follow]
 * The newest events (printed oldest first, like a log); --follow then prints new ones
 * as they arrive until interrupted. With --json: one document, or one JSON object per
 * line when following.
 */
import { checkEventTypes, searchEvents } from '../../services';
import { EVENT_TYPES, type EventRow } from '../../store';
import { commaList, flag, optionalString } from '../args';
import type { CommandContext } from '../context';
import { UsageError } from '../failure';
import type { Command } from './types';

const FOLLOW_POLL_MS = 1000;

function line(e: EventRow): string {
  const extra = [e.actor && !e.message.includes(e.actor) ? e.actor : null, e.remote ? `from ${e.remote}` : null].filter(Boolean);
  return `${e.time}  ${e.type.padEnd(9)} ${e.source.padEnd(8)} ${e.message}${extra.length > 0 ? `  (${extra.join(', ')})` : ''}`;
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 50;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) throw new UsageError(`--limit must be 1-1000, not '${raw}'`);
  return Number(raw);
}

async function follow(ctx: CommandContext, filter: { types: string[]; search?: string }, afterId: number): Promise<void> {
  let last = afterId;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  for (;;) {
    const found = await searchEvents(ctx.services().store, { ...filter, afterId: last, page: 1, perPage: 1000 });
    for (const e of found.events.reverse()) ctx.io.stdout.write(ctx.json ? `${JSON.stringify(e)}\n` : `${line(e)}\n`);
    last = Math.max(last, ...found.events.map((e) => e.id));
    const tick = new Promise<'tick'>((resolve) => setTimeout(() => resolve('tick'), FOLLOW_POLL_MS));
    if ((await Promise.race([tick, stop.then(() => 'stop' as const)])) === 'stop') return;
  }
}

export const eventsCommand: Command = {
  noun: 'events',
  synopsis: `[--type ${EVENT_TYPES.join(',')}] [--search S] [--limit N] [--follow]`,
  summary: 'the event log (newest --limit, default 50)',
  options: { type: { type: 'string' }, search: { type: 'string' }, limit: { type: 'string' }, follow: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(ctx, args) {
    const types = checkEventTypes(commaList(optionalString(args.values, 'type') ?? ''));
    const search = optionalString(args.values, 'search');
    const filter = { types, ...(search ? { search } : {}) };
    const found = await searchEvents(ctx.services().store, { ...filter, page: 1, perPage: limitOf(optionalString(args.values, 'limit')) });
    const events = found.events.reverse();
    if (!flag(args.values, 'follow')) {
      ctx.show({ events, total: found.total }, () => (events.length === 0 ? ['no events'] : events.map(line)));
      return;
    }
    for (const e of events) ctx.io.stdout.write(ctx.json ? `${JSON.stringify(e)}\n` : `${line(e)}\n`);
    await follow(ctx, filter, Math.max(0, ...events.map((e) => e.id)));
  },
};
