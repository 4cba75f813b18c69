/** /api/v1/mailboxes/export and /import: the same formats and checks as `mailctl export|import mailboxes`. */
import { EXPORTED_MAILBOX_SCHEMA, exportMailboxes, formatExport, importMailboxes, jsonEntries, parseImport } from '../../services';
import { arrayOf, int, obj, str, type Route } from '../route';

export const transferRoutes: Route[] = [
  {
    method: 'get', path: '/api/v1/mailboxes/export', tag: 'import/export', role: 'admin',
    summary: 'Every mailbox (or one domain’s) as JSON or CSV (`name,domain,owner,owner type,space separated aliases,active`)',
    query: obj({ domain: str({ minLength: 1, maxLength: 253 }), format: str({ enum: ['json', 'csv'], default: 'json' }) }),
    response: arrayOf(EXPORTED_MAILBOX_SCHEMA),
    csvResponse: true,
    async handle(input, { services }) {
      const q = input.query as { domain?: string; format: 'json' | 'csv' };
      const mailboxes = await exportMailboxes(services.store, q.domain);
      return q.format === 'csv' ? { contentType: 'text/csv; charset=utf-8', text: formatExport(mailboxes, 'csv') } : mailboxes;
    },
  },
  {
    method: 'post', path: '/api/v1/mailboxes/import', tag: 'import/export', role: 'admin',
    summary: 'Add mailboxes from JSON or CSV (`name,domain,owner,owner type`): all or nothing; every bad row is listed in `details.problems`',
    // Entries are checked by the import itself (not here), so every bad one is named by
    // its number like a CSV line, all in one answer (details.problems).
    body: arrayOf({ description: 'a mailbox in the export shape: {name, domain, owner, ownerType, aliases?, active?}' }, { maxItems: 100000 }),
    csvBody: true,
    response: obj(
      { imported: int(), generatedPasswords: arrayOf(obj({ address: str(), password: str() }, ['address', 'password'])) },
      ['imported', 'generatedPasswords'],
    ),
    async handle(input, { services }) {
      const entries = typeof input.body === 'string' ? parseImport(input.body, 'csv') : jsonEntries(input.body);
      return importMailboxes(services.store, entries);
    },
  },
];
