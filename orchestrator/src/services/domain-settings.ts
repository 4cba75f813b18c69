/**
 * Per-domain sending settings: masquerading and the signature. Both live in the
 * store and reach Haraka live through the LDAP bridge (`cn=<domain>,ou=domains`),
 * so changing them restarts nothing.
 */
import type { DomainRow } from '../store';
import { invalid, notFound } from './errors';
import type { MailServices } from './mail-services';

/** Large enough for any real signature, small enough to keep every message small. */
export const MAX_SIGNATURE_CHARS = 8192;

export interface Signature {
  text: string | null;
  html: string | null;
}

export interface DomainSettings {
  domain: string;
  masquerade: boolean;
  signature: Signature;
}

async function requireDomain(services: MailServices, name: string): Promise<DomainRow> {
  const row = await services.store.getDomain(name.trim().toLowerCase());
  if (!row) throw notFound(`domain ${name.trim().toLowerCase()} does not exist`);
  return row;
}

export async function getDomainSettings(services: MailServices, name: string): Promise<DomainSettings> {
  const row = await requireDomain(services, name);
  return {
    domain: row.name,
    masquerade: row.masquerade,
    signature: { text: row.signatureText, html: row.signatureHtml },
  };
}

/** Empty or blank means "none"; line endings are stored as LF and written as CRLF on the wire. */
function normaliseSignature(kind: 'text' | 'html', value: string | null): string | null {
  if (value === null) return null;
  const normalised = value.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  if (normalised === '') return null;
  if (normalised.length > MAX_SIGNATURE_CHARS) throw invalid(`the ${kind} signature is longer than ${MAX_SIGNATURE_CHARS} characters`);
  // A NUL or other C0 control (except tab and newline) has no place in a message body (RFC 5322 §2.3).
  if (/[\0-\x08\x0b-\x1f\x7f]/.test(normalised)) throw invalid(`the ${kind} signature contains control characters`);
  return normalised;
}

/** Sets both parts at once; `null` (or blank) for a part means that part gets no signature. */
export async function setDomainSignature(services: MailServices, name: string, signature: Signature): Promise<Signature> {
  const row = await requireDomain(services, name);
  const text = normaliseSignature('text', signature.text);
  const html = normaliseSignature('html', signature.html);
  await services.store.setDomainSignature(row.name, text, html);
  return { text, html };
}
