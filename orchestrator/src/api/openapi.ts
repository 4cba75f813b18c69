/**
 * The OpenAPI 3.1 document, generated from the route declarations (the same schema
 * objects ajv compiles). Committed as docs/openapi.json; a test fails when the
 * committed file differs from this output (`npm run openapi` rewrites it).
 */
import { ERROR_SCHEMA } from './errors';
import type { Route, Schema } from './route';

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Malformed request: bad JSON, a schema violation or an unknown field',
  '401': 'Missing or invalid bearer token',
  '403': 'The token’s role is too small for this route',
  '404': 'No such resource',
  '409': 'Conflicts with what exists',
  '422': 'Well-formed but refused (a rule of the mail server)',
};

function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parameters(route: Route): object[] {
  const from = (schema: Schema | undefined, where: 'path' | 'query'): object[] => {
    const props = (schema?.['properties'] ?? {}) as Record<string, Schema>;
    const required = (schema?.['required'] ?? []) as string[];
    return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.includes(name), schema: s }));
  };
  return [...from(route.params, 'path'), ...from(route.query, 'query')];
}

function requestBody(route: Route): object | undefined {
  if (!route.body && !route.csvBody) return undefined;
  const content: Record<string, object> = {};
  if (route.body) content['application/json'] = { schema: route.body };
  if (route.csvBody) content['text/csv'] = { schema: { type: 'string' } };
  return { required: route.method !== 'delete', content };
}

function responses(route: Route): Record<string, object> {
  const status = String(route.status ?? 200);
  const content: Record<string, object> = {};
  if (route.response) content['application/json'] = { schema: route.response };
  if (route.csvResponse) content['text/csv'] = { schema: { type: 'string' } };
  const success = status === '204' ? { description: 'Done' } : { description: 'Success', content };
  const errors = Object.fromEntries(
    Object.entries(ERROR_STATUSES).map(([code, description]) => [
      code,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
  return { [status]: success, ...errors };
}

export function buildOpenApi(routes: readonly Route[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const body = requestBody(route);
    const operation = {
      operationId: `${route.method}${openapiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      description: `Role: ${route.role} or above.`,
      parameters: parameters(route),
      ...(body ? { requestBody: body } : {}),
      responses: responses(route),
    };
    (paths[openapiPath(route.path)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mail server API',
      version: '1.0.0',
      description: 'Shaped like Cloudron’s mail API. Every error is `{error, code, details}`.',
    },
    servers: [{ url: 'http://127.0.0.1:3080' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}
