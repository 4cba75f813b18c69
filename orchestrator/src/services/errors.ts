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
