/** mailctl's dispatcher: find the command, parse its arguments strictly, run it, report one line on failure. */
import { defaultDataDir } from '../config/settings';
import { dataPaths } from '../config/paths';
import { checkPositionals, flag, optionalString, parseOptions, splitCommandWords, type ParsedArgs } from './args';
import { commandsOf, type Command } from './commands';
import { CommandContext, type CliIo } from './context';
import { EXIT, reportFailure, UsageError } from './failure';
import { synopsisLine, usageText } from './usage';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return reportFailure(err, io.stderr, io.env);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { noun, verb, rest } = splitCommandWords(argv);
  if (noun === undefined) {
    const wantsHelp = flag(parseOptions(rest, {}).values, 'help');
    (wantsHelp ? io.stdout : io.stderr).write(usageText());
    return wantsHelp ? EXIT.ok : EXIT.usage;
  }
  if (noun === 'help') return help(verb, rest, io);
  const candidates = commandsOf(noun);
  if (candidates.length === 0) return unknownCommand(noun, undefined, io);
  const single = candidates.find((command) => command.verb === undefined);
  if (single) return runCommand(single, verb === undefined ? rest : [verb, ...rest], io);
  if (verb === undefined) {
    if (flag(parseOptions(rest, {}).values, 'help')) return printUsage(io, noun);
    const verbs = candidates.map((command) => command.verb).join(', ');
    throw new UsageError(`'${noun}' needs one of: ${verbs} (see 'mailctl help ${noun}')`);
  }
  const command = candidates.find((candidate) => candidate.verb === verb);
  return command ? runCommand(command, rest, io) : unknownCommand(`${noun} ${verb}`, noun, io);
}

async function runCommand(command: Command, rest: string[], io: CliIo): Promise<number> {
  const args = await withSynopsis(command, () => parseCommandArgs(command, rest));
  if (flag(args.values, 'help')) {
    io.stdout.write(`Usage: ${synopsisLine(command)}\n${command.summary ? `  ${command.summary}\n` : ''}`);
    return EXIT.ok;
  }
  const dataDir = optionalString(args.values, 'data-dir') ?? defaultDataDir(io.env);
  const ctx = new CommandContext(io, dataPaths(dataDir), flag(args.values, 'json'));
  try {
    return (await withSynopsis(command, () => command.run(ctx, args))) ?? EXIT.ok;
  } finally {
    ctx.close();
  }
}


function parseCommandArgs(command: Command, rest: string[]): ParsedArgs {
  const args = parseOptions(rest, command.options);
  if (!flag(args.values, 'help')) checkPositionals(args.positionals, command.positionals.min, command.positionals.max);
  return args;
}

/** A usage error names the command's synopsis, so the one line says how to get it right. */
async function withSynopsis<T>(command: Command, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message} (usage: ${synopsisLine(command)})`);
    throw err;
  }
}

function help(topic: string | undefined, rest: string[], io: CliIo): number {
  checkPositionals(parseOptions(rest, {}).positionals, 0, 0);
  if (topic !== undefined && commandsOf(topic).length === 0) return unknownCommand(topic, undefined, io);
  return printUsage(io, topic);
}

function printUsage(io: CliIo, noun?: string): number {
  io.stdout.write(usageText(noun));
  return EXIT.ok;
}

function unknownCommand(name: string, noun: string | undefined, io: CliIo): number {
  io.stderr.write(`mailctl: unknown command '${name}'\n${usageText(noun)}`);
  return EXIT.usage;
}
