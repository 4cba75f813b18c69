/** Mail addresses as the server sees them: lower-cased, split at the last '@'. */

export interface ParsedAddress {
  local: string;
  domain: string;
}

/** The subaddress separator (Cloudron's "+tag"). */
export const SUBADDRESS_SEPARATOR = '+';

// RFC 5321 §4.5.3.1: domain ≤ 255, local part ≤ 64 octets. Mailbox names may be
// longer (the product allows 200), so we only bound the whole address here.
const MAX_ADDRESS_LENGTH = 320;

export function parseAddress(address: string): ParsedAddress | undefined {
  const trimmed = address.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1 || trimmed.length > MAX_ADDRESS_LENGTH) return undefined;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (!isDomainName(domain) || /[\s<>()\[\]\\,;:"@]/.test(local)) return undefined;
  return { local, domain };
}

export function formatAddress(local: string, domain: string): string {
  return `${local}@${domain}`.toLowerCase();
}

/** `alice+news` → `alice`; `alice` → undefined (no tag to strip). */
export function stripSubaddress(local: string): string | undefined {
  const plus = local.indexOf(SUBADDRESS_SEPARATOR);
  return plus > 0 ? local.slice(0, plus) : undefined;
}

/** The address without its +tag, e.g. for sender checks. */
export function baseAddress(address: string): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return undefined;
  return formatAddress(stripSubaddress(parsed.local) ?? parsed.local, parsed.domain);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** RFC 1035 §2.3.1 host names (letters, digits, hyphens; at least two labels). */
export function isDomainName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.length > 253) return false;
  const labels = lower.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}
