/**
 * mailctl events [--type T[,T…]] [--search TEXT] [--page N] [--per-page N] [--follow]
 * — the mail event log (orchestrator/src/events): deliveries, rejections, outbound
 * outcomes, logins and administrative changes, newest first; --follow prints new
 * events as they are recorded until interrupted.
 */
import fs from 'node:fs';
import { EVENT_TYPES, EventStore, isEventType, type EventType, type StoredEvent } from '../../events/store';
import { optionalString, flag, type OptionValues } from '../args';
import type { CommandContext } from '../context';
import { UsageError } from '../failure';
import { toJson } from '../output';
import type { Command } from './types';

const FOLLOW_POLL_MS = 500;

function types(values: OptionValues): EventType[] | undefined {
  const raw = optionalString(values, 'type');
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = list.filter((t) => !isEventType(t));
  if (unknown.length > 0) throw new UsageError(`unknown event type ${unknown.join(', ')} (one of ${EVENT_TYPES.join(', ')})`);
  return list as EventType[];
}

function positiveInt(values: OptionValues, name: string): number | undefined {
  const raw = optionalString(values, name);
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new UsageError(`--${name} must be a positive number, not '${raw}'`);
  return Number(raw);
}

/** One line: time, type, then the fields as key=value. */
export function formatEvent(e: StoredEvent): string {
  const fields = Object.entries(e.data)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${e.ts} ${e.type.padEnd(9)} ${fields}`;
}

async function follow(ctx: CommandContext, store: EventStore, filter: { types?: EventType[]; search?: string }, startAfter: number): Promise<never> {
  let last = startAfter;
  for (;;) {
    const { events } = store.query({ ...filter, afterId: last, perPage: 1000 });
    for (const e of events) ctx.io.stdout.write(ctx.json ? toJson(e) : `${formatEvent(e)}\n`);
    last = events.at(-1)?.id ?? last;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}

export const eventsCommand: Command = {
  noun: 'events',
  synopsis: `[--type ${EVENT_TYPES.join('|')}[,…]] [--search TEXT] [--page N] [--per-page N] [--follow]`,
  summary: 'the mail event log, newest first',
  options: { type: { type: 'string' }, search: { type: 'string' }, page: { type: 'string' }, 'per-page': { type: 'string' }, follow: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(ctx, args) {
    const filter = {
      ...(types(args.values) !== undefined ? { types: types(args.values) as EventType[] } : {}),
      ...(optionalString(args.values, 'search') !== undefined ? { search: optionalString(args.values, 'search') as string } : {}),
    };
    if (!fs.existsSync(ctx.paths.events)) {
      ctx.show({ total: 0, page: 1, perPage: 50, events: [] }, () => ['no events']);
      return;
    }
    const store = new EventStore(ctx.paths.events);
    try {
      const page = positiveInt(args.values, 'page') ?? 1;
      const perPage = positiveInt(args.values, 'per-page') ?? 50;
      const { events, total } = store.query({ ...filter, page, perPage });
      if (flag(args.values, 'follow')) {
        for (const e of [...events].reverse()) ctx.io.stdout.write(ctx.json ? toJson(e) : `${formatEvent(e)}\n`);
        await follow(ctx, store, filter, events[0]?.id ?? 0);
      }
      ctx.show({ total, page, perPage, events }, () => (events.length === 0 ? ['no events'] : events.map(formatEvent)));
    } finally {
      store.close();
    }
  },
};
