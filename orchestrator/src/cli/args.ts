/**
 * Argument parsing on node:util parseArgs, strict: an unknown flag, a missing
 * value or a wrong number of arguments is a usage error (exit 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './failure';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

/** Accepted by every command, before or after the command words. */
export const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpecs;

export interface CommandWords {
  /** The first word (`domain`, `status`…); undefined when only options were given. */
  noun: string | undefined;
  /** The word right after the noun, when it is not an option. */
  verb: string | undefined;
  /** Everything else: options and positional arguments, in order. */
  rest: string[];
}

/** Finds the command words: only global options may come before the noun. */
export function splitCommandWords(argv: readonly string[]): CommandWords {
  let i = 0;
  while (i < argv.length && isOption(argv[i])) i += argv[i] === '--data-dir' ? 2 : 1;
  const lead = argv.slice(0, i);
  const noun = argv[i];
  if (noun === undefined) return { noun: undefined, verb: undefined, rest: lead };
  const next = argv[i + 1];
  if (next === undefined || isOption(next)) return { noun, verb: undefined, rest: [...lead, ...argv.slice(i + 1)] };
  return { noun, verb: next, rest: [...lead, ...argv.slice(i + 2)] };
}

function isOption(token: string | undefined): boolean {
  return token !== undefined && token.startsWith('-') && token !== '--' && token !== '-';
}

export interface ParsedArgs {
  positionals: string[];
  values: OptionValues;
}

/** Parses options strictly; node's own messages are cut to their first sentence. */
export function parseOptions(args: string[], options: OptionSpecs): ParsedArgs {
  try {
    const parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: true });
    return { positionals: parsed.positionals, values: parsed.values as OptionValues };
  } catch (err) {
    throw new UsageError(describeParseError((err as Error).message));
  }
}

function describeParseError(message: string): string {
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `the value of ${ambiguous[1]} starts with '-': write ${ambiguous[1]}=VALUE`;
  const first = message.split(/\.(?:\s|$)|\n/)[0] ?? 'invalid arguments';
  return first.charAt(0).toLowerCase() + first.slice(1);
}

export function checkPositionals(positionals: string[], min: number, max: number): void {
  if (positionals.length < min) throw new UsageError('missing argument');
  if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max] ?? ''}'`);
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function optionalString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(values: OptionValues, name: string, hint: string): string {
  const value = optionalString(values, name);
  if (value === undefined) throw new UsageError(`--${name} ${hint} is required`);
  return value;
}

/** One of a fixed set of words, e.g. `--owner-type user|group|app`. */
export function choice<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, not '${value}'`);
  return found;
}

/** A required `--name on|off` switch. */
export function onOff(values: OptionValues, name: string): boolean {
  return choice(requiredString(values, name, 'on|off'), name, ['on', 'off'] as const) === 'on';
}

/** `a,b, c,a` → ['a', 'b', 'c']; an empty string is the empty list. */
export function commaList(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...new Set(items)];
}
