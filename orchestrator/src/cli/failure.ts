/** How mailctl fails: an exit code and exactly one line on stderr. */
import { ConfigError } from '../config/settings';
import { ServiceError, type ServiceErrorCode } from '../services/errors';
import { StateFileError } from './state';

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** `status` only: the orchestrator is not running. */
  notRunning: 3,
} as const;

/** The command line itself is wrong (unknown command or flag, missing argument). */
export class UsageError extends Error {}

/** A failure the CLI detected itself (no data directory, unreadable store…). */
export class CliError extends Error {}

export interface Failure {
  exitCode: number;
  message: string;
}

const SERVICE_PREFIX: Record<ServiceErrorCode, string> = {
  invalid: '',
  not_found: '',
  conflict: '',
  unavailable: 'service unavailable: ',
};

export function describeFailure(err: unknown): Failure {
  if (err instanceof UsageError) return { exitCode: EXIT.usage, message: oneLine(err.message) };
  if (err instanceof ServiceError) {
    return { exitCode: EXIT.error, message: oneLine(SERVICE_PREFIX[err.code] + err.message) };
  }
  if (err instanceof CliError || err instanceof StateFileError || err instanceof ConfigError) {
    return { exitCode: EXIT.error, message: oneLine(err.message) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT.error, message: `unexpected error: ${oneLine(message)} (MAILCTL_DEBUG=1 shows details)` };
}

/** Writes the failure; the stack only when MAILCTL_DEBUG=1 asks for it. */
export function reportFailure(err: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv): number {
  const failure = describeFailure(err);
  stderr.write(`mailctl: ${failure.message}\n`);
  if (env['MAILCTL_DEBUG'] === '1' && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return failure.exitCode;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
