/** Input checks shared by the services: each throws a ServiceError('invalid') with one clear sentence. */
import { formatAddress, parseAddress, passwordError, usernameError } from '@mail/core';
import type { MailboxRow } from '../store';
import { invalid } from './errors';
import type { MailboxView } from './mail-services';

export function splitMailboxAddress(raw: string): { name: string; domain: string; address: string } {
  const parsed = parseAddress(raw);
  if (!parsed) throw invalid(`'${raw}' is not a valid address (name@domain)`);
  return { name: parsed.local, domain: parsed.domain, address: formatAddress(parsed.local, parsed.domain) };
}

export function checkName(name: string): void {
  const problem = usernameError(name);
  if (problem) throw invalid(`'${name}': ${problem}`);
}

export function checkPassword(password: string): void {
  const problem = passwordError(password);
  if (problem) throw invalid(problem);
}

export function toView(row: MailboxRow, aliases: string[]): MailboxView {
  const { passwordHash: _hidden, ...rest } = row;
  return { ...rest, aliases };
}
