/** One page of a domain's mailboxes, optionally filtered (the API's `page`, `per_page`, `search`). */
import type { MailboxView, MailServices } from './mail-services';

export interface MailboxPage {
  mailboxes: MailboxView[];
  total: number;
}

/** `search` matches the address or any alias, case-insensitively, as a substring. */
export async function searchMailboxes(
  services: MailServices,
  domain: string,
  options: { page: number; perPage: number; search?: string },
): Promise<MailboxPage> {
  const needle = options.search?.trim().toLowerCase() ?? '';
  const all = await services.listMailboxes(domain);
  const matching = needle === '' ? all : all.filter((m) => [m.address, ...m.aliases].some((a) => a.includes(needle)));
  const start = (options.page - 1) * options.perPage;
  return { mailboxes: matching.slice(start, start + options.perPage), total: matching.length };
}
