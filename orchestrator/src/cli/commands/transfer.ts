/**
 * mailctl export mailboxes [--domain D] --format csv|json  (to stdout)
 * mailctl import mailboxes FILE [--format csv|json]         (all or nothing)
 */
import fs from 'node:fs';
import path from 'node:path';
import { exportMailboxes, formatExport, importMailboxes, parseImport, TRANSFER_FORMATS, type TransferFormat } from '../../services';
import { ServiceError } from '../../services/errors';
import { choice, optionalString, requiredString } from '../args';
import type { CommandContext } from '../context';
import { CliError, UsageError } from '../failure';
import { arg, type Command } from './types';

function formatOf(value: string | undefined, file?: string): TransferFormat {
  if (value !== undefined) return choice(value, 'format', TRANSFER_FORMATS);
  const ext = file ? path.extname(file).slice(1).toLowerCase() : '';
  if (ext === 'csv' || ext === 'json') return ext;
  throw new UsageError('--format csv|json is required (no .csv or .json file extension to go by)');
}

/** A progress line on stderr, redrawn in place, only for a person at a terminal. */
function progress(ctx: CommandContext): ((done: number, total: number) => void) | undefined {
  const stderr = ctx.io.stderr as NodeJS.WriteStream;
  if (!stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const percent = Math.floor((done * 100) / total);
    if (percent === last && done !== total) return;
    last = percent;
    const width = 30;
    const bar = '#'.repeat(Math.round((percent * width) / 100)).padEnd(width, '.');
    stderr.write(`\rchecking [${bar}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

function describeProblems(err: ServiceError): string[] {
  const problems = (err.details['problems'] ?? []) as { line: number; message: string }[];
  return problems.map((p) => `line ${p.line}: ${p.message}`);
}

export const transferCommands: Command[] = [
  {
    noun: 'export',
    verb: 'mailboxes',
    synopsis: '[--domain D] --format csv|json',
    summary: 'to stdout: name,domain,owner,owner type,space separated aliases,active',
    options: { domain: { type: 'string' }, format: { type: 'string' } },
    positionals: { min: 0, max: 0 },
    async run(ctx, args) {
      const format = choice(requiredString(args.values, 'format', 'csv|json'), 'format', TRANSFER_FORMATS);
      const mailboxes = await exportMailboxes(ctx.services().store, optionalString(args.values, 'domain'));
      ctx.io.stdout.write(formatExport(mailboxes, format));
    },
  },
  {
    noun: 'import',
    verb: 'mailboxes',
    synopsis: 'FILE [--format csv|json]',
    summary: 'CSV name,domain,owner,owner type (or the export); all or nothing',
    options: { format: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const file = arg(args, 0);
      const format = formatOf(optionalString(args.values, 'format'), file);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        const result = await importMailboxes(ctx.services().store, parseImport(text, format), progress(ctx));
        const passwords = result.generatedPasswords.map((g) => `${g.address}: generated password ${g.password} (shown only now)`);
        ctx.show({ ok: true, ...result }, () => [`imported ${result.imported} mailbox(es)`, ...passwords]);
      } catch (err) {
        // Every bad row on stderr first; the one-line summary follows as the error.
        if (err instanceof ServiceError && !ctx.json) for (const line of describeProblems(err)) ctx.io.stderr.write(`${line}\n`);
        throw err;
      }
    },
  },
];
