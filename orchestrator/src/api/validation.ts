/**
 * Compiles each route's schemas once, at server start. Bodies are checked as sent
 * (no coercion: `"true"` is not a boolean); path and query values arrive as text and
 * are coerced to the declared type (`?page=2`). Unknown fields are refused everywhere
 * because every object schema says `additionalProperties: false`.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError } from './errors';
import type { Route, Schema } from './route';

const strict = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const coercing = new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true });

export interface CompiledRoute {
  route: Route;
  params?: ValidateFunction;
  query?: ValidateFunction;
  body?: ValidateFunction;
  response?: ValidateFunction;
}

export function compileRoute(route: Route): CompiledRoute {
  const compile = (ajv: Ajv, schema: Schema | undefined): ValidateFunction | undefined => schema && ajv.compile(schema);
  const compiled: CompiledRoute = { route };
  const params = compile(coercing, route.params);
  const query = compile(coercing, route.query ?? { type: 'object', additionalProperties: false, properties: {} });
  const body = compile(strict, route.body);
  const response = compile(strict, route.response);
  return { ...compiled, ...(params && { params }), ...(query && { query }), ...(body && { body }), ...(response && { response }) };
}

/** One readable line per problem, naming the field: `body.name: must be string`. */
function describe(where: string, errors: ErrorObject[] | null | undefined): { field: string; message: string }[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') {
      const extra = String(e.params['additionalProperty']);
      return { field: [where, path, extra].filter(Boolean).join('.'), message: 'unknown field' };
    }
    if (e.keyword === 'required') {
      const missing = String(e.params['missingProperty']);
      return { field: [where, path, missing].filter(Boolean).join('.'), message: 'is required' };
    }
    return { field: [where, path].filter(Boolean).join('.'), message: e.message ?? 'is invalid' };
  });
}

/** Validates (and for params/query, coerces in place); throws a 400 naming every problem. */
export function check(where: 'params' | 'query' | 'body', validate: ValidateFunction | undefined, value: unknown): void {
  if (!validate) {
    if (where === 'body' && value !== undefined) throw new ApiError(400, 'validation_failed', 'this request takes no body');
    return;
  }
  if (validate(value)) return;
  const problems = describe(where, validate.errors);
  const unknown = problems.filter((p) => p.message === 'unknown field').map((p) => p.field);
  const first = problems[0];
  const summary = unknown.length > 0 ? `unknown field(s): ${unknown.join(', ')}` : `${first?.field ?? where}: ${first?.message ?? 'invalid'}`;
  throw new ApiError(400, 'validation_failed', summary, { problems });
}
