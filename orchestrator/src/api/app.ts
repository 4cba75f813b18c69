/** The express 5 application: one handler per declared route, then the JSON 404 and error handlers. */
import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticate, authorize } from './auth';
import { recordAdminEvent } from '../services';
import type { ApiContext } from './context';
import { ApiError, toErrorResponse } from './errors';
import type { Route, TextResult } from './route';
import { check, compileRoute, type CompiledRoute } from './validation';

export const API_PREFIX = '/api/v1';
const JSON_LIMIT = '10mb';
const CSV_LIMIT = '50mb';

export function createApiApp(routes: readonly Route[], ctx: ApiContext, openapi: object): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: JSON_LIMIT, strict: false }));
  app.use(express.text({ type: 'text/csv', limit: CSV_LIMIT }));
  // The document describes the API, it holds no data: readable without a token.
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => void res.json(openapi));
  for (const route of routes) {
    const compiled = compileRoute(route);
    app[route.method](route.path, (req, res) => handle(compiled, ctx, req, res));
  }
  app.use((_req: Request, _res: Response, next: NextFunction) => next(new ApiError(404, 'not_found', 'no such route')));
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500 && !(err instanceof ApiError)) console.error(`api: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    // RFC 6750 §3: a 401 names the scheme the client should use.
    if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="mail"');
    res.status(status).json(body);
  });
  return app;
}

async function handle(compiled: CompiledRoute, base: ApiContext, req: Request, res: Response): Promise<void> {
  const { route } = compiled;
  const caller = await authenticate(req.get('authorization'), base.tokens);
  authorize(caller, route.role);
  const params = { ...req.params } as Record<string, string>;
  const query = { ...(req.query as Record<string, unknown>) };
  check('params', compiled.params, params);
  check('query', compiled.query, query);
  const body = readBody(compiled, req);
  const result = await route.handle({ params, query, body }, { ...base, caller });
  send(compiled, res, result);
  // Who changed what (the route and its parameters; never the body, which may hold a password).
  if (route.method !== 'get') {
    await recordAdminEvent(base.services.store, {
      source: 'api', actor: caller.name, message: `${route.method.toUpperCase()} ${req.path}`, details: { route: route.path, params, status: route.status ?? 200 },
    });
  }
}

function readBody(compiled: CompiledRoute, req: Request): unknown {
  const { route } = compiled;
  if (route.csvBody && req.is('text/csv')) {
    if (typeof req.body !== 'string') throw new ApiError(400, 'validation_failed', 'the CSV body is empty');
    return req.body;
  }
  const sent = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (sent && req.body === undefined) {
    throw new ApiError(415, 'unsupported_media_type', `send the body as application/json${route.csvBody ? ' or text/csv' : ''}`);
  }
  // A DELETE's options are optional: no body is the same as `{}`.
  const body: unknown = req.body === undefined && route.method === 'delete' && route.body ? {} : req.body;
  check('body', compiled.body, body);
  return body;
}

function isText(result: unknown): result is TextResult {
  return typeof result === 'object' && result !== null && 'contentType' in result && 'text' in result;
}

function send(compiled: CompiledRoute, res: Response, result: unknown): void {
  const status = compiled.route.status ?? 200;
  if (status === 204) {
    res.status(204).end();
    return;
  }
  if (compiled.route.csvResponse && isText(result)) {
    res.status(status).type(result.contentType).send(result.text);
    return;
  }
  // The response schema is a promise made in the OpenAPI document: keep it.
  if (compiled.response && !compiled.response(result)) {
    throw new Error(`response of ${compiled.route.method.toUpperCase()} ${compiled.route.path} breaks its schema: ${JSON.stringify(compiled.response.errors)}`);
  }
  res.status(status).json(result);
}
