/**
 * A route declares everything about itself once: method, path, who may call it, the
 * JSON schemas of its params, query, body and response. The server compiles the
 * schemas with ajv at start (validation.ts) and the OpenAPI document is generated from
 * the same objects (openapi.ts), so the documentation cannot drift from what runs.
 */
import type { ApiRole } from '../store';
import type { ApiContext } from './context';

/** A JSON schema (draft 7 subset shared by ajv and OpenAPI 3.0 schema objects). */
export type Schema = Record<string, unknown>;

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** Parsed JSON, or the raw text for a `text/csv` body. */
  body: unknown;
}

/** A handler's answer: a JSON document, or text with its content type (CSV). */
export type RouteResult = unknown;

export interface TextResult {
  contentType: string;
  text: string;
}

export interface Route {
  method: Method;
  /** Express path syntax: `/api/v1/mail/:domain/mailboxes/:name`. */
  path: string;
  summary: string;
  tag: string;
  /** The least role allowed; superadmin can do everything admin can. */
  role: ApiRole;
  params?: Schema;
  query?: Schema;
  /** JSON body schema; `text/csv` bodies are declared with `csvBody`. */
  body?: Schema;
  /** Accepts a `text/csv` body too (the handler gets the text). */
  csvBody?: boolean;
  /** Success status: 200 (default), 201 or 204 (no body). */
  status?: 200 | 201 | 204;
  /** The JSON response schema (absent with 204). */
  response?: Schema;
  /** The route may answer `text/csv` instead (export). */
  csvResponse?: boolean;
  handle(input: RouteInput, ctx: ApiContext): Promise<RouteResult>;
}

// ---- small schema builders, so route files stay short and uniform ----

export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const bool = (): Schema => ({ type: 'boolean' });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });

/** An object that refuses unknown fields; `required` lists the mandatory ones. */
export function obj(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

/** Path parameters: all strings, all required. */
export function pathParams(...names: string[]): Schema {
  return obj(Object.fromEntries(names.map((n) => [n, str({ minLength: 1, maxLength: 320 })])), names);
}

export const okResponse = obj({ ok: { type: 'boolean', enum: [true] } }, ['ok']);

export const DOMAIN_NAME = str({ minLength: 1, maxLength: 253 });
export const NAME_OR_ADDRESS = str({ minLength: 1, maxLength: 320 });
export const ADDRESS_PAIR = obj({ name: str({ minLength: 1, maxLength: 200 }), domain: DOMAIN_NAME }, ['name', 'domain']);

/** A path parameter the params schema has made required. */
export function param(input: RouteInput, name: string): string {
  return input.params[name] ?? '';
}
