/** Every mailctl command, in the order the usage text lists them. */
import { aliasCommands, catchAllCommands } from './alias';
import { dnsCommands } from './dns';
import { eventsCommand } from './events';
import { domainCommands } from './domain';
import { listCommands } from './list';
import { mailboxCommands } from './mailbox';
import { queueCommands } from './queue';
import { relayCommands } from './relay';
import { settingsCommands } from './settings';
import { statusCommand } from './status';
import { tokenCommands } from './token';
import { transferCommands } from './transfer';
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
  ...listCommands,
  ...relayCommands,
  ...settingsCommands,
  ...dnsCommands,
  ...queueCommands,
  ...tokenCommands,
  ...transferCommands,
  eventsCommand,
  statusCommand,
];

export function commandsOf(noun: string): Command[] {
  return COMMANDS.filter((command) => command.noun === noun);
}

export function commandName(command: Command): string {
  return command.verb === undefined ? command.noun : `${command.noun} ${command.verb}`;
}
