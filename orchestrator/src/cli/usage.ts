/** The usage text, built from the command table so it cannot drift from what is accepted. */
import { COMMANDS, commandName, type Command } from './commands';

const SUMMARY_COLUMN = 40;

export function synopsisLine(command: Command): string {
  return `mailctl ${commandName(command)}${command.synopsis ? ` ${command.synopsis}` : ''}`;
}

function commandLines(command: Command): string[] {
  const text = `  ${commandName(command)}${command.synopsis ? ` ${command.synopsis}` : ''}`;
  if (!command.summary) return [text];
  if (text.length < SUMMARY_COLUMN) return [`${text.padEnd(SUMMARY_COLUMN)}${command.summary}`];
  return [text, `${' '.repeat(SUMMARY_COLUMN)}${command.summary}`];
}

/** The commands of one noun, or all of them, with a blank line between nouns. */
export function usageText(noun?: string): string {
  const shown = COMMANDS.filter((command) => noun === undefined || command.noun === noun);
  const lines = ['Usage: mailctl [--data-dir DIR] COMMAND [ARGUMENTS] [--json]', '', 'Commands:'];
  shown.forEach((command, i) => {
    if (i > 0 && shown[i - 1]?.noun !== command.noun) lines.push('');
    lines.push(...commandLines(command));
  });
  lines.push(
    `${'  help [COMMAND]'.padEnd(SUMMARY_COLUMN)}this text, or the lines of one command`,
    '',
    'Options (every command):',
    '  --data-dir DIR   the data directory (default: $MAIL_DATA_DIR, else data/ in the project)',
    '  --json           print a JSON document on stdout',
    '  -h, --help       show usage',
    '',
    'Exit status: 0 ok, 1 error, 2 usage error, 3 not running (status).',
  );
  return `${lines.join('\n')}\n`;
}
