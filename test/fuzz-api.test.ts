/**
 * Bounded, seeded fuzzing of the REST API (FUZZ_SEED replays, FUZZ_SCALE lengthens): every
 * route of the table the server is built from (ROUTES, so a new route is covered without
 * touching this file) gets random and mutated bodies, queries and path parameters — wrong
 * types, huge strings, deep nesting, unicode, nulls, extra fields, invalid JSON, wrong
 * content types, missing or weak tokens. Checked on every answer: no 5xx, every error has
 * the `{error, code, details}` shape, and a refused request left every table of the store
 * exactly as it was. DELETE routes only ever name things that are not fixtures.
 */
import { ROUTES } from '../orchestrator/src/api/routes';
import type { Route, Schema } from '../orchestrator/src/api/route';
import { startTestApi, storeTables, type ApiReply, type TestApi } from './helpers/api';
import { populate } from './helpers/fixtures';
import { FUZZ_SCALE, FUZZ_SEED, nestedJson, randomJson, Rng } from './helpers/fuzz';

const PER_ROUTE = 20 * FUZZ_SCALE;
const FIXTURE_VALUES = ['acme.test', 'other.test', 'alice', 'bob', 'carol', 'team'];
const ERROR_CODES = ['bad_json', 'validation_failed', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'invalid', 'too_large', 'unsupported_media_type', 'unavailable'];

let api: TestApi;
const defects: string[] = [];
const counts = { requests: 0, refused: 0, accepted: 0, acceptedWrites: 0, statuses: {} as Record<number, number> };

beforeAll(async () => {
  // Relay checks would dial the relay: refuse them here, without any network.
  api = await startTestApi(async () => {
    throw Object.assign(new Error('refused'), { response: '535 5.7.8 authentication failed' });
  });
  await populate(api.services);
  console.log(`api fuzz seed ${FUZZ_SEED} scale ${FUZZ_SCALE} (FUZZ_SEED=${FUZZ_SEED} replays), ${ROUTES.length} routes`);
});
afterAll(async () => {
  console.log(`api fuzz counts: ${JSON.stringify(counts)}`);
  await api?.stop();
});

/** A value the schema accepts (mostly): the starting point for mutations. */
function fromSchema(rng: Rng, schema: Schema | undefined, depth = 0): unknown {
  if (!schema) return undefined;
  const s = schema as { enum?: unknown[]; type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; minimum?: number; maximum?: number; maxLength?: number };
  if (s.enum) return rng.pick(s.enum);
  const type = Array.isArray(s.type) ? rng.pick(s.type) : s.type;
  switch (type) {
    case 'null': return null;
    case 'boolean': return rng.chance(0.5);
    case 'integer': case 'number': return rng.int(s.minimum ?? 0, Math.min(s.maximum ?? 100_000, 1e9));
    case 'string': return rng.pick([...FIXTURE_VALUES, 'fuzz', `fz${rng.int(0, 1e6)}`, `fz${rng.int(0, 1e6)}.test`, 'alice@acme.test', 'pass-Word-123456']).slice(0, s.maxLength ?? 320);
    case 'array': return depth > 3 ? [] : Array.from({ length: rng.int(0, 3) }, () => fromSchema(rng, s.items, depth + 1));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if ((s.required ?? []).includes(key) || rng.chance(0.5)) out[key] = fromSchema(rng, sub, depth + 1);
      }
      return out;
    }
    default: return randomJson(rng, 2);
  }
}

/** One edit of a JSON value: a field replaced, dropped or added, or the whole value swapped. */
function mutateValue(rng: Rng, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || rng.chance(0.15)) return randomJson(rng);
  const copy: Record<string, unknown> = Array.isArray(value) ? { ...value } : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys.length > 0 && rng.chance(0.7) ? rng.pick(keys) : rng.pick(['extra', '__proto__', 'x'.repeat(300), rng.bytes(5)]);
  if (rng.chance(0.2)) delete copy[key];
  else copy[key] = rng.chance(0.3) ? mutateValue(rng, copy[key]) : randomJson(rng);
  return Array.isArray(value) ? Object.values(copy) : copy;
}

function paramValue(rng: Rng, destructive: boolean): string {
  const base = rng.pick(FIXTURE_VALUES);
  if (!destructive && rng.chance(0.5)) return encodeURIComponent(base);
  if (rng.chance(0.1)) return rng.pick(['%zz', '%', '%E0%A4%A', '%00', '..%2F..']);
  let value = rng.chance(0.7) ? rng.mutate(base) : rng.bytes(rng.int(1, 400));
  // A DELETE must never name a fixture (the fuzzer removes nothing it did not create).
  while (destructive && (FIXTURE_VALUES.includes(value.toLowerCase()) || value.trim() === '')) value = `${value}z`;
  return encodeURIComponent(value);
}

function queryString(rng: Rng, route: Route): string {
  if (rng.chance(0.3)) return '';
  const valid = fromSchema(rng, route.query ?? { type: 'object', properties: {} });
  const query = rng.chance(0.4) ? valid : mutateValue(rng, valid);
  const entries: [string, unknown][] = typeof query === 'object' && query !== null ? Object.entries(query) : [['q', query]];
  const search = new URLSearchParams();
  for (const [key, value] of entries) search.append(key, typeof value === 'string' ? value : JSON.stringify(value) ?? '');
  const extra = rng.chance(0.2) ? `&${rng.pick(['a[b]=1', 'a=1&a=2', '%zz=1', `page=${rng.bytes(4)}`, '__proto__[x]=1'])}` : '';
  return `?${search.toString()}${extra}`;
}

type Body = { body?: unknown; contentType?: string } | undefined;

function requestBody(rng: Rng, route: Route): Body {
  const valid = (): unknown => fromSchema(rng, route.body ?? { type: 'object', properties: {} });
  switch (rng.int(0, 8)) {
    case 0: return undefined;
    case 1: return { body: randomJson(rng) };
    case 2: return { body: nestedJson(rng.int(1000, 100_000), rng.pick(['array', 'object'] as const)) };
    case 3: return { body: rng.mutate(JSON.stringify(valid())) };
    case 4: return { body: JSON.stringify(valid()), contentType: rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'text/csv', 'application/json; charset=utf-16', 'application/octet-stream', 'application/json; charset=koi8-r']) };
    case 5: return { body: rng.bytes(rng.int(0, 100)) };
    case 6: return { body: JSON.stringify(valid()) };
    default: return { body: JSON.stringify(mutateValue(rng, valid())) };
  }
}

function token(rng: Rng): string | null {
  if (rng.chance(0.9)) return api.superadmin;
  return rng.pick([null, api.admin, 'garbage', `${api.superadmin}x`, '']);
}

function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return Object.keys(b).sort().join() === 'code,details,error' && typeof b['error'] === 'string' && (b['error'] as string).length > 0
    && ERROR_CODES.includes(b['code'] as string) && typeof b['details'] === 'object' && b['details'] !== null && !Array.isArray(b['details']);
}

async function fuzzOnce(rng: Rng, route: Route, index: number): Promise<void> {
  const destructive = route.method === 'delete';
  const path = route.path.replace(/:(\w+)/g, () => paramValue(rng, destructive));
  const method = rng.chance(0.05) ? rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) : route.method.toUpperCase();
  const url = `${path}${queryString(rng, route)}`;
  // fetch sends no body with GET (RFC 9110 §9.3.1 gives it no meaning).
  const body = method === 'GET' || (method === 'DELETE' && !destructive) ? undefined : requestBody(rng, route);
  const before = storeTables(api.dataDir);
  let reply: ApiReply;
  const what = `#${index} ${method} ${url.slice(0, 200)} ${JSON.stringify(body)?.slice(0, 200)} (FUZZ_SEED=${FUZZ_SEED})`;
  try {
    reply = await api.call(method, url, { token: token(rng), ...(body ?? {}) });
  } catch (err) {
    defects.push(`${what}: no answer (${(err as Error).message})`);
    return;
  }
  counts.requests++;
  counts.statuses[reply.status] = (counts.statuses[reply.status] ?? 0) + 1;
  if (reply.status >= 500) defects.push(`${what}: ${reply.status} ${reply.text.slice(0, 200)}`);
  if (reply.status < 400) {
    counts.accepted++;
    if (method !== 'GET') counts.acceptedWrites++;
    return;
  }
  counts.refused++;
  if (!isErrorBody(reply.body)) defects.push(`${what}: ${reply.status} error body ${reply.text.slice(0, 200)}`);
  const after = storeTables(api.dataDir);
  if (JSON.stringify(after) !== JSON.stringify(before)) defects.push(`${what}: refused with ${reply.status} but the store changed`);
}

describe('API fuzzing', () => {
  it('every route: random and mutated requests get a 2xx or a well-formed 4xx, and a refusal changes nothing', async () => {
    const rng = new Rng(FUZZ_SEED + 10);
    let index = 0;
    for (let round = 0; round < PER_ROUTE; round++) {
      for (const route of ROUTES) await fuzzOnce(rng, route, index++);
    }
    expect(defects).toEqual([]);
    expect(counts.refused).toBeGreaterThan(counts.requests / 2);
  }, 120_000);

  it('an oversized body is a 413 in the error shape', async () => {
    const reply = await api.call('POST', '/api/v1/domains', { token: api.superadmin, body: JSON.stringify({ domain: 'x'.repeat(11 * 1024 * 1024) }) });
    expect(reply.status).toBe(413);
    expect(isErrorBody(reply.body)).toBe(true);
  });

  it('still serves, with every fixture in place', async () => {
    const domains = await api.call('GET', '/api/v1/domains', { token: api.superadmin });
    expect(domains.status).toBe(200);
    expect((domains.body as { domains: { domain: string }[] }).domains.map((d) => d.domain)).toEqual(expect.arrayContaining(['acme.test', 'other.test']));
    for (const name of ['alice', 'bob', 'carol', 'team']) {
      expect((await api.call('GET', `/api/v1/mail/acme.test/mailboxes/${name}`, { token: api.superadmin })).status).toBe(200);
    }
  });
});
