/**
 * Bounded, seeded fuzzing of mailbox import files (FUZZ_SEED replays, FUZZ_SCALE lengthens),
 * through `mailctl import mailboxes FILE` and `POST /api/v1/mailboxes/import`: generated CSV
 * and JSON files, dressed up the ways real files are (BOM, CRLF/LF mixes, quoted fields,
 * header or none, trailing blank lines), then spoiled by one known bad row (wrong column
 * count, unknown owner, bad name, NUL, huge field, duplicate, existing address, ...) or by a
 * random byte-level mutation. Checked: a file with a bad row changes nothing in the store
 * and the error names that row's line; no crash, no 5xx; a fully valid file is imported
 * completely.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runMailctl } from '../orchestrator/src/cli/testing';
import { startTestApi, storeTables, type TestApi } from './helpers/api';
import { populate } from './helpers/fixtures';
import { FUZZ_SCALE, FUZZ_SEED, Rng } from './helpers/fuzz';

interface Row {
  name: string;
  domain: string;
  owner: string;
  ownerType: string;
  aliases: string[];
  active: boolean | string;
  /** Extra CSV columns (wrong column count) or a JSON field to replace. */
  raw?: { columns?: string[]; json?: Record<string, unknown>; entry?: unknown };
}

interface Outcome {
  ok: boolean;
  text: string;
  lines: number[];
  crashed: boolean;
}

let api: TestApi;
let serial = 0;
const counts = { apiFiles: 0, cliFiles: 0, valid: 0, badRow: 0, mutated: 0, mutatedAccepted: 0 };

beforeAll(async () => {
  api = await startTestApi();
  await populate(api.services);
  console.log(`import fuzz seed ${FUZZ_SEED} scale ${FUZZ_SCALE} (FUZZ_SEED=${FUZZ_SEED} replays)`);
});
afterAll(async () => {
  console.log(`import fuzz counts: ${JSON.stringify(counts)}`);
  await api?.stop();
});

function validRows(rng: Rng): Row[] {
  return Array.from({ length: rng.int(1, 8) }, () => {
    const name = `fz${serial++}`;
    const domain = rng.pick(['acme.test', 'other.test']);
    const group = rng.chance(0.2);
    const aliases = Array.from({ length: rng.int(0, 2) }, (_, k) => `${name}a${k}@${domain}`);
    return { name, domain, owner: group ? 'team' : rng.pick(['alice', 'bob', 'carol']), ownerType: group ? 'group' : 'user', aliases, active: rng.chance(0.8) };
  });
}

/** One row that must be refused, in place of or next to the others; returns its index. */
function spoil(rng: Rng, rows: Row[], csv: boolean): number {
  const at = rng.int(0, rows.length - 1);
  const row = { ...(rows[at] as Row) };
  const spoilers: (() => void)[] = [
    () => void (row.owner = `nobody${serial++}`),
    () => void (row.name = rng.pick(['bad name', 'a\0b', 'x'.repeat(rng.int(300, 100_000)), 'a@b', '..', 'x.'])),
    () => void (row.domain = rng.pick(['nowhere.test', '', 'acme..test', `acme.test\0`])),
    () => void (row.ownerType = rng.pick(['robot', 'USERS', '\0'])),
    () => void (row.name = 'alice'),
    () => void (row.aliases = ['bob@acme.test']),
    () => void rows.splice(at, 0, { ...row }),
    () => void (csv ? (row.raw = { columns: rng.pick([['only', 'three', 'cols'], ['a', 'acme.test', 'alice', 'user', '', 'true', 'extra']]) }) : (row.raw = { json: rng.pick([{ name: 5 }, { active: 'yes' }, { extra: 1 }, { aliases: 'x@acme.test' }, { owner: null }]) })),
    () => void (csv ? (row.active = rng.pick(['maybe', 'TRUE!', '2'])) : (row.raw = { json: { aliases: [{ name: 'x' }] } })),
    () => void (csv ? (row.raw = { columns: ['x' + rng.bytes(rng.int(0, 30)).replace(/[",\r\n]/g, '')] }) : (row.raw = { entry: rng.pick([null, 5, 'alice', [], [null], true]) })),
  ];
  const which = rng.int(0, spoilers.length - 1);
  (spoilers[which] as () => void)();
  if (which === 6) return at + 1; // the duplicate is the bad one
  rows[at] = row;
  return at;
}

function csvField(rng: Rng, value: string): string {
  if (/[",\r\n]/.test(value) || rng.chance(0.2)) return `"${value.replace(/"/g, '""')}"`;
  return rng.chance(0.1) ? ` ${value} ` : value;
}

function toCsv(rng: Rng, rows: Row[]): { text: string; firstLine: number } {
  const header = rng.chance(0.5);
  const lines = header ? ['name,domain,owner,owner type,space separated aliases,active'] : [];
  for (const r of rows) {
    const columns = r.raw?.columns ?? [r.name, r.domain, r.owner, r.ownerType, r.aliases.join(' '), String(r.active)];
    // The last two columns are optional when empty/true.
    const trimmed = r.aliases.length === 0 && r.active === true && !r.raw && rng.chance(0.5) ? columns.slice(0, 4) : columns;
    lines.push(trimmed.map((c) => csvField(rng, c)).join(','));
  }
  let text = (rng.chance(0.3) ? '\ufeff' : '') + lines.map((l) => l + (rng.chance(0.5) ? '\r\n' : '\n')).join('');
  if (rng.chance(0.2)) text += '\n\r\n';
  return { text, firstLine: header ? 2 : 1 };
}

function toJson(rng: Rng, rows: Row[]): string {
  const doc = rows.map((r) => r.raw && 'entry' in r.raw ? r.raw.entry : ({
    name: r.name, domain: r.domain, owner: r.owner, ownerType: r.ownerType,
    ...(r.aliases.length > 0 || rng.chance(0.5) ? { aliases: r.aliases.map((a) => ({ name: a.split('@')[0], domain: a.split('@')[1] })) } : {}),
    ...(r.active !== true || rng.chance(0.5) ? { active: r.active } : {}),
    ...r.raw?.json,
  }));
  const text = JSON.stringify(doc, null, rng.pick([0, 2, '\t']));
  return (rng.chance(0.2) ? '\ufeff' : '') + (rng.chance(0.5) ? text.replace(/\n/g, '\r\n') : text);
}

async function viaApi(text: string, csv: boolean): Promise<Outcome> {
  counts.apiFiles++;
  const reply = await api.call('POST', '/api/v1/mailboxes/import', csv ? { token: api.superadmin, csv: text } : { token: api.superadmin, body: text });
  const body = reply.body as { error?: string; details?: { problems?: { line: number }[] } } | undefined;
  const lines = (body?.details?.problems ?? []).map((p) => p.line);
  return { ok: reply.status === 200, text: body?.error ?? reply.text, lines, crashed: reply.status >= 500 || (reply.status >= 400 && typeof body?.error !== 'string') };
}

async function viaCli(text: string, csv: boolean): Promise<Outcome> {
  counts.cliFiles++;
  const file = path.join(api.dataDir, `import-${serial++}.${csv ? 'csv' : 'json'}`);
  fs.writeFileSync(file, text);
  const result = await runMailctl(['--data-dir', api.dataDir, 'import', 'mailboxes', file], { env: { MAIL_HOSTNAME: 'mail.test' } });
  fs.rmSync(file);
  const lines = [...result.stderr.matchAll(/^line (\d+):/gm)].map((m) => Number(m[1]));
  const crashed = typeof result.code !== 'number' || result.code > 1 || /\n\s+at .*:\d+:\d+/.test(result.stderr) || (result.code === 1 && !/^mailctl: \S/m.test(result.stderr));
  return { ok: result.code === 0, text: result.stderr, lines, crashed };
}

async function exported(): Promise<{ name: string; domain: string; aliases: { name: string; domain: string }[] }[]> {
  return (await api.call('GET', '/api/v1/mailboxes/export', { token: api.superadmin })).body as never;
}

/** One generated file through one channel; `kind` decides how it is spoiled. */
async function fuzzFile(rng: Rng, cli: boolean): Promise<string[]> {
  const csv = rng.chance(0.5);
  const rows = validRows(rng);
  const kind = rng.pick(['valid', 'badRow', 'badRow', 'mutated'] as const);
  const bad = kind === 'badRow' ? spoil(rng, rows, csv) : -1;
  const { text: csvText, firstLine } = toCsv(rng, rows);
  let text = csv ? csvText : toJson(rng, rows);
  if (kind === 'mutated') for (let i = rng.int(1, 3); i > 0; i--) text = rng.mutate(text);
  const before = storeTables(api.dataDir);
  const exportBefore = await exported();
  const outcome = await (cli ? viaCli : viaApi)(text, csv);
  counts[kind]++;
  const what = `${cli ? 'mailctl' : 'API'} ${csv ? 'CSV' : 'JSON'} ${kind} (FUZZ_SEED=${FUZZ_SEED}) ${JSON.stringify(text.slice(0, 300))}: ${outcome.text.slice(0, 300)}`;
  const defects: string[] = [];
  if (outcome.crashed) defects.push(`${what}: crashed`);
  if (kind === 'mutated' && outcome.ok) counts.mutatedAccepted++;
  if (!outcome.ok) {
    if (JSON.stringify(storeTables(api.dataDir)) !== JSON.stringify(before)) defects.push(`${what}: refused but the store changed`);
    if (!/line \d+/.test(outcome.text) && outcome.lines.length === 0) defects.push(`${what}: the error names no line`);
  }
  if (kind === 'valid') {
    const added = (await exported()).filter((m) => !exportBefore.some((b) => b.name === m.name && b.domain === m.domain));
    const got = added.map((m) => `${m.name}@${m.domain} ${m.aliases.map((a) => `${a.name}@${a.domain}`).join(' ')}`).sort();
    const want = rows.map((r) => `${r.name}@${r.domain} ${r.aliases.join(' ')}`).sort();
    if (!outcome.ok || JSON.stringify(got) !== JSON.stringify(want)) defects.push(`${what}: a valid file was not imported completely (${got.length}/${want.length})`);
  }
  if (kind === 'badRow') {
    if (outcome.ok) defects.push(`${what}: a file with a bad row was accepted`);
    const line = csv ? firstLine + bad : bad + 1;
    if (!outcome.ok && !outcome.lines.includes(line) && !outcome.text.includes(`line ${line}`)) defects.push(`${what}: the error does not name line ${line}`);
  }
  return defects;
}

describe('import file fuzzing', () => {
  it('POST /api/v1/mailboxes/import: all or nothing, bad lines named, no 5xx', async () => {
    const rng = new Rng(FUZZ_SEED + 20);
    const defects: string[] = [];
    for (let i = 0; i < 80 * FUZZ_SCALE; i++) defects.push(...(await fuzzFile(rng, false)));
    expect(defects).toEqual([]);
  }, 120_000);

  it('mailctl import mailboxes FILE: all or nothing, bad lines named, no crash', async () => {
    const rng = new Rng(FUZZ_SEED + 21);
    const defects: string[] = [];
    for (let i = 0; i < 12 * FUZZ_SCALE; i++) defects.push(...(await fuzzFile(rng, true)));
    expect(defects).toEqual([]);
  }, 120_000);
});
