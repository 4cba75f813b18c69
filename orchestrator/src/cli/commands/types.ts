/** A mailctl command: its words, its synopsis (the usage text is built from these) and its handler. */
import type { OptionSpecs, ParsedArgs } from '../args';
import type { CommandContext } from '../context';

export interface Command {
  noun: string;
  /** Absent for one-word commands (`status`). */
  verb?: string;
  /** What follows the command words in the usage text, e.g. `NAME --masquerade on|off`. */
  synopsis: string;
  /** A few words for the usage text; empty when the synopsis says it all. */
  summary: string;
  /** The command's own options; --data-dir, --json and --help are always accepted. */
  options: OptionSpecs;
  positionals: { min: number; max: number };
  /** Resolves to the exit code, or nothing for success. */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number | void>;
}

/** Positional argument `index`, after checkPositionals has guaranteed it is there. */
export function arg(args: ParsedArgs, index: number): string {
  const value = args.positionals[index];
  if (value === undefined) throw new Error(`argument ${index} missing after the count check`);
  return value;
}
