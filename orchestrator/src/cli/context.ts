/**
 * What a command runs with: where the data lives, how to print, and the mail
 * services over the store (opened on first use, closed by the dispatcher).
 */
import fs from 'node:fs';
import type { DataPaths } from '../config/paths';
import { localActor, MailServices, recordAdminEvent } from '../services';
import { SqliteStore } from '../store';
import { CliError, UsageError } from './failure';
import { flag, optionalString, type OptionValues } from './args';
import { toJson } from './output';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export class CommandContext {
  private store: SqliteStore | undefined;
  private mailServices: MailServices | undefined;

  constructor(
    readonly io: CliIo,
    readonly paths: DataPaths,
    readonly json: boolean,
  ) {}

  services(): MailServices {
    if (!this.mailServices) {
      this.store = openStore(this.paths);
      this.mailServices = new MailServices(this.store, this.paths);
    }
    return this.mailServices;
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
    this.mailServices = undefined;
  }

  print(lines: readonly string[]): void {
    for (const line of lines) this.io.stdout.write(`${line}\n`);
  }

  /** A read: the JSON document with --json, else the plain lines. */
  show(document: unknown, plain: () => string[]): void {
    if (this.json) this.io.stdout.write(toJson(document));
    else this.print(plain());
  }

  /** A write that succeeded: one confirmation line, or `{ ok, message, ...result }`; recorded in the event log. */
  async done(message: string, result: Record<string, unknown> = {}): Promise<void> {
    this.show({ ok: true, message, ...result }, () => [message]);
    if (this.mailServices) await recordAdminEvent(this.mailServices.store, { source: 'mailctl', actor: localActor(), message });
  }

  /** `--password P` or `--password-stdin` (one trailing newline dropped), never both. */
  async password(values: OptionValues, required: boolean): Promise<string | undefined> {
    const inline = optionalString(values, 'password');
    const fromStdin = flag(values, 'password-stdin');
    if (inline !== undefined && fromStdin) throw new UsageError('give either --password or --password-stdin, not both');
    if (fromStdin) return (await readAll(this.io.stdin)).replace(/\r?\n$/, '');
    if (inline === undefined && required) throw new UsageError('--password P or --password-stdin is required');
    return inline;
  }
}

/** The data directory must exist: a mistyped --data-dir should not grow a fresh, empty store. */
function openStore(paths: DataPaths): SqliteStore {
  if (!fs.statSync(paths.root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CliError(`data directory ${paths.root} does not exist (use --data-dir or set MAIL_DATA_DIR)`);
  }
  try {
    return new SqliteStore(paths.store);
  } catch (err) {
    throw new CliError(`cannot open the store ${paths.store}: ${(err as Error).message}`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
