/** Adding a domain: the store row, then its DKIM key so its mail is signed from the first message on. */
import { ensureDomainKey } from '../dkim/keys';
import type { MailServices } from './mail-services';

export async function addMailDomain(services: MailServices, name: string): Promise<string> {
  await services.addDomain(name);
  const domain = name.trim().toLowerCase();
  ensureDomainKey(services.paths, domain);
  return domain;
}
