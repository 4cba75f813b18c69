/**
 * mailctl queue list|flush|rm — Haraka's outbound queue. `list` reads the queue
 * directory itself (works with the stack stopped); `flush` and `rm` ask the running
 * Haraka over its control socket, because a message may be in flight and only Haraka
 * knows. With the stack stopped, `rm` deletes the file itself: nothing else uses it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { harakaControlSocket, harakaQueueDir } from '../../render/haraka';
import { ControlUnavailable, sendControlCommand, type ControlReply } from '../../queue/control-client';
import { findQueued, listQueue } from '../../queue/queue-files';
import type { CommandContext } from '../context';
import { CliError } from '../failure';
import { isProcessAlive } from '../probe';
import { readState } from '../state';
import { tableOrNone } from '../output';
import { arg, type Command } from './types';

const none = { min: 0, max: 0 };

/** Haraka's confirmation; its refusal (no such message, in flight…) as the error line. */
async function ask(ctx: CommandContext, line: string): Promise<string> {
  const reply: ControlReply = await sendControlCommand(harakaControlSocket(ctx.paths), line);
  if (!reply.ok) throw new CliError(reply.error);
  return reply.message;
}

function stackRunning(ctx: CommandContext): boolean {
  const state = readState(ctx.paths);
  return state !== undefined && isProcessAlive(state.pid);
}

export const queueCommands: Command[] = [
  {
    noun: 'queue',
    verb: 'list',
    synopsis: '',
    summary: 'messages waiting for remote delivery',
    options: {},
    positionals: none,
    async run(ctx) {
      const messages = listQueue(harakaQueueDir(ctx.paths));
      ctx.show({ messages }, () =>
        tableOrNone(
          ['ID', 'FROM', 'TO', 'ATTEMPTS', 'NEXT ATTEMPT', 'QUEUED'],
          messages.map((m) => [m.id, m.sender, m.recipients.join(','), String(m.attempts), m.nextAttempt, m.queuedAt]),
          'the queue is empty',
        ),
      );
    },
  },
  {
    noun: 'queue',
    verb: 'flush',
    synopsis: '',
    summary: 'retry every deferred message now',
    options: {},
    positionals: none,
    async run(ctx) {
      try {
        await ctx.done(await ask(ctx, 'flush'));
      } catch (err) {
        if (err instanceof ControlUnavailable) throw new CliError('the mail server is not running (queued mail is retried when it starts)');
        throw err;
      }
    },
  },
  {
    noun: 'queue',
    verb: 'rm',
    synopsis: 'ID',
    summary: 'delete one queued message (IDs: queue list)',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const id = arg(args, 0);
      try {
        await ctx.done(await ask(ctx, `remove ${id}`), { id });
      } catch (err) {
        if (!(err instanceof ControlUnavailable)) throw err;
        // Haraka's socket is gone; remove the file only if the whole stack is down.
        if (stackRunning(ctx)) throw new CliError('Haraka is not answering on its control socket; try again once it runs');
        const found = findQueued(harakaQueueDir(ctx.paths), id);
        if (!found) throw new CliError(`no queued message ${id}`);
        fs.unlinkSync(path.join(harakaQueueDir(ctx.paths), found.file));
        await ctx.done(`removed queued message ${id} (to ${found.domain})`, { id });
      }
    },
  },
];
