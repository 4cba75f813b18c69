/** Errors every front end (CLI, API) maps the same way: a stable code and one clear sentence. */
export type ServiceErrorCode = 'invalid' | 'not_found' | 'conflict' | 'unavailable';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalid = (message: string): ServiceError => new ServiceError('invalid', message);
export const notFound = (message: string): ServiceError => new ServiceError('not_found', message);
export const conflict = (message: string): ServiceError => new ServiceError('conflict', message);

/**
 * Where JSON.parse gave up, as a 1-based line and column, so a person finds the spot in
 * the file (Node 20 names only a character position, and none at an unexpected end).
 */
export function jsonErrorAt(text: string, err: unknown): { line: number; column: number } {
  const position = /position (\d+)/.exec((err as Error)?.message ?? '')?.[1];
  const at = Math.min(position === undefined ? text.length : Number(position), text.length);
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: at - lineStart + 1 };
}
