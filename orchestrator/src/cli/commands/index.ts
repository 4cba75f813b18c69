/** Every mailctl command, in the order the usage text lists them. */
import { aliasCommands, catchAllCommands } from './alias';
import { domainCommands } from './domain';
import { mailboxCommands } from './mailbox';
import { statusCommand } from './status';
import type { Command } from './types';
import { groupCommands, userCommands } from './user';

export type { Command } from './types';

export const COMMANDS: readonly Command[] = [
  ...domainCommands,
  ...userCommands,
  ...groupCommands,
  ...mailboxCommands,
  ...aliasCommands,
  ...catchAllCommands,
  statusCommand,
];

export function commandsOf(noun: string): Command[] {
  return COMMANDS.filter((command) => command.noun === noun);
}

export function commandName(command: Command): string {
  return command.verb === undefined ? command.noun : `${command.noun} ${command.verb}`;
}
