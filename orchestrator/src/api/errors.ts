/**
 * The API's one error shape, `{error, code, details}` (STYLE 4): `error` is one
 * sentence for people, `code` a stable word for programs, `details` structured
 * extras. Internals (stack traces, SQL, file paths of the server) never leave.
 */
import { jsonErrorAt, ServiceError, type ServiceErrorCode } from '../services/errors';

export type ApiErrorCode =
  | 'bad_json'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'invalid'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: string;
  code: ApiErrorCode;
  details: Record<string, unknown>;
}

const FROM_SERVICE: Record<ServiceErrorCode, { status: number; code: ApiErrorCode }> = {
  invalid: { status: 422, code: 'invalid' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  unavailable: { status: 503, code: 'unavailable' },
};

/** Any thrown value → status + body; unknown errors become a bare 500. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ApiError) return { status: err.status, body: { error: err.message, code: err.code, details: err.details } };
  if (err instanceof ServiceError) {
    const mapped = FROM_SERVICE[err.code];
    return { status: mapped.status, body: { error: err.message, code: mapped.code, details: err.details } };
  }
  const parserError = fromBodyParser(err);
  if (parserError) return toErrorResponse(parserError);
  return { status: 500, body: { error: 'internal error', code: 'internal', details: {} } };
}

/** express.json()/text() errors carry `type` and `status` (body-parser). */
function fromBodyParser(err: unknown): ApiError | undefined {
  const e = err as { type?: unknown; status?: unknown; body?: unknown };
  if (e.type === 'entity.parse.failed') {
    const at = typeof e.body === 'string' ? jsonErrorAt(e.body, err) : undefined;
    return new ApiError(400, 'bad_json', `the request body is not valid JSON${at ? ` at line ${at.line}, column ${at.column}` : ''}`, at ?? {});
  }
  if (e.type === 'entity.too.large') return new ApiError(413, 'too_large', 'the request body is too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new ApiError(415, 'unsupported_media_type', 'unsupported body encoding');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new ApiError(400, 'validation_failed', 'bad request');
  return undefined;
}

/** The schema every error response has (used in the OpenAPI document). */
export const ERROR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'code', 'details'],
  properties: {
    error: { type: 'string' },
    code: {
      type: 'string',
      enum: [
        'bad_json',
        'validation_failed',
        'unauthorized',
        'forbidden',
        'not_found',
        'method_not_allowed',
        'conflict',
        'invalid',
        'too_large',
        'unsupported_media_type',
        'unavailable',
        'internal',
      ],
    },
    details: { type: 'object' },
  },
} as const;
