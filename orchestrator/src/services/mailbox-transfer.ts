/**
 * Mailbox export and import (`mailctl export|import mailboxes`, the API's
 * /api/v1/mailboxes/export|import). Formats, as Cloudron's:
 *   CSV  `name,domain,owner,owner type,space separated aliases,active` (a header line first);
 *        an import needs only the first four columns.
 *   JSON `[{name, domain, owner, ownerType, aliases: [{name, domain}], active}]`.
 * An import is checked completely first and then written in one store transaction:
 * all of it or nothing.
 */
import Ajv from 'ajv';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { hashPassword } from '../config/passwords';
import type { Store } from '../store';
import { generateAppPassword } from './app-credentials';
import { invalid, jsonErrorAt, ServiceError } from './errors';
import { checkImport, type ImportEntry } from './mailbox-import-check';

export const TRANSFER_FORMATS = ['csv', 'json'] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

export const CSV_COLUMNS = ['name', 'domain', 'owner', 'owner type', 'space separated aliases', 'active'] as const;

export interface ExportedMailbox {
  name: string;
  domain: string;
  owner: string;
  ownerType: string;
  aliases: { name: string; domain: string }[];
  active: boolean;
}

export interface ImportResult {
  imported: number;
  /** App-owned mailboxes get a generated password, shown only here. */
  generatedPasswords: { address: string; password: string }[];
}

/** Largest import accepted at once (rows). */
export const MAX_IMPORT_ROWS = 100_000;

const aliasSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'domain'],
  properties: { name: { type: 'string' }, domain: { type: 'string' } },
};

export const EXPORTED_MAILBOX_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'domain', 'owner', 'ownerType'],
  properties: {
    name: { type: 'string' },
    domain: { type: 'string' },
    owner: { type: 'string' },
    ownerType: { type: 'string', enum: ['user', 'group', 'app'] },
    aliases: { type: 'array', items: aliasSchema },
    active: { type: 'boolean' },
  },
};

const validateEntry = new Ajv({ allErrors: true }).compile(EXPORTED_MAILBOX_SCHEMA);

export async function exportMailboxes(store: Store, domain?: string): Promise<ExportedMailbox[]> {
  const filter = domain?.trim().toLowerCase();
  if (filter !== undefined && !(await store.getDomain(filter))) throw new ServiceError('not_found', `domain ${filter} does not exist`);
  const aliases = await store.listAliases();
  return (await store.listMailboxes(filter)).map((m) => ({
    name: m.name,
    domain: m.domain,
    owner: m.owner,
    ownerType: m.ownerType,
    aliases: aliases.filter((a) => a.mailbox === m.address).map((a) => splitAddress(a.address)),
    active: m.active,
  }));
}

export function formatExport(mailboxes: ExportedMailbox[], format: TransferFormat): string {
  if (format === 'json') return `${JSON.stringify(mailboxes, null, 2)}\n`;
  const rows = mailboxes.map((m) => [
    m.name,
    m.domain,
    m.owner,
    m.ownerType,
    m.aliases.map((a) => `${a.name}@${a.domain}`).join(' '),
    String(m.active),
  ]);
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: '\n' });
}

function splitAddress(address: string): { name: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { name: address.slice(0, at), domain: address.slice(at + 1) };
}

/** Reads a file's text into entries; a malformed file is one clear error. */
export function parseImport(text: string, format: TransferFormat): ImportEntry[] {
  const entries = format === 'json' ? parseJsonImport(text) : parseCsvImport(text);
  if (entries.length > MAX_IMPORT_ROWS) throw invalid(`an import holds at most ${MAX_IMPORT_ROWS} mailboxes`);
  return entries;
}

function parseJsonImport(text: string): ImportEntry[] {
  let document: unknown;
  // A BOM is allowed to be ignored (RFC 8259 §8.1); editors on Windows write one.
  const json = text.replace(/^\ufeff/, '');
  try {
    document = JSON.parse(json);
  } catch (err) {
    const { line, column } = jsonErrorAt(json, err);
    throw invalid(`the file is not valid JSON at line ${line}, column ${column}: ${(err as Error).message}`);
  }
  return jsonEntries(document);
}

/** A JSON array in the export shape (the API passes its parsed body here). */
export function jsonEntries(document: unknown): ImportEntry[] {
  if (!Array.isArray(document)) throw invalid('the JSON import must be an array of mailboxes');
  const problems: { line: number; message: string }[] = [];
  const entries = document.map((item: unknown, i): ImportEntry => {
    if (!validateEntry(item)) {
      const message = (validateEntry.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`).join('; ');
      problems.push({ line: i + 1, message });
    }
    // null, a number or an array is a bad entry too, reported above (found by fuzz-api).
    const m = (typeof item === 'object' && item !== null ? item : {}) as Partial<ExportedMailbox>;
    const aliases = m.aliases ?? [];
    return { line: i + 1, name: m.name ?? '', domain: m.domain ?? '', owner: m.owner ?? '', ownerType: m.ownerType ?? '', aliases, active: m.active ?? true };
  });
  if (problems.length > 0) throw importRefused(problems);
  return entries;
}

function parseCsvImport(text: string): ImportEntry[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Every line ending counts, mixed or not: csv-parse would otherwise keep the first one it
    // sees, and a CRLF file with one LF line would merge two rows (found by fuzz-import).
    records = parse(text, {
      info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof records;
  } catch (err) {
    throw invalid(`the file is not valid CSV: ${(err as Error).message}`);
  }
  const problems: { line: number; message: string }[] = [];
  const entries: ImportEntry[] = [];
  records.forEach(({ record, info }, i) => {
    if (i === 0 && record[0]?.toLowerCase() === 'name' && record[1]?.toLowerCase() === 'domain') return; // the header
    const entry = csvEntry(record, info.lines);
    if (typeof entry === 'string') problems.push({ line: info.lines, message: entry });
    else entries.push(entry);
  });
  if (problems.length > 0) throw importRefused(problems);
  return entries;
}

function csvEntry(record: string[], line: number): ImportEntry | string {
  if (record.length < 4 || record.length > 6) return `expected 4 to 6 columns (${CSV_COLUMNS.join(',')}), found ${record.length}`;
  const [name = '', domain = '', owner = '', ownerType = '', aliasText = '', activeText = ''] = record;
  const active = parseActive(activeText);
  if (active === undefined) return `active must be true or false, not '${activeText}'`;
  const aliases: { name: string; domain: string }[] = [];
  for (const alias of aliasText.split(/\s+/).filter(Boolean)) {
    if (!alias.includes('@')) return `alias '${alias}' is not name@domain`;
    aliases.push(splitAddress(alias));
  }
  return { line, name, domain, owner, ownerType, aliases, active };
}

function parseActive(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (value === '' || value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  return undefined;
}

function importRefused(problems: { line: number; message: string }[]): ServiceError {
  const first = problems[0];
  const summary = first ? ` (first: line ${first.line}: ${first.message})` : '';
  return new ServiceError('invalid', `the import has ${problems.length} bad row(s); nothing was imported${summary}`, { problems });
}

/** Checks every entry, then writes them all in one transaction; refused as a whole on any problem. */
export async function importMailboxes(
  store: Store,
  entries: ImportEntry[],
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const { rows, problems } = await checkImport(store, entries, onProgress);
  if (problems.length > 0) throw importRefused(problems);
  const generatedPasswords: ImportResult['generatedPasswords'] = [];
  for (const row of rows) {
    if (row.mailbox.ownerType !== 'app') continue;
    const password = generateAppPassword();
    row.mailbox.passwordHash = await hashPassword(password);
    generatedPasswords.push({ address: row.mailbox.address, password });
  }
  try {
    await store.importMailboxes(rows);
  } catch (err) {
    throw new ServiceError('conflict', `the import conflicts with a change made meanwhile; nothing was imported (${(err as Error).message})`);
  }
  return { imported: rows.length, generatedPasswords };
}
