/** Row shapes and mapping for the SQLite backend. */
import type { OwnerType } from '@mail/core';
import type { DomainRow, MailboxRow, UserRow } from './types';

export interface MailboxDbRow {
  address: string;
  name: string;
  domain: string;
  owner_type: OwnerType;
  owner: string;
  active: number;
  pop3: number;
  password_hash: string | null;
  created_at: string;
}

export function toMailbox(r: MailboxDbRow): MailboxRow {
  return {
    address: r.address,
    name: r.name,
    domain: r.domain,
    ownerType: r.owner_type,
    owner: r.owner,
    active: r.active === 1,
    pop3: r.pop3 === 1,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
  };
}

export function describeConstraint(err: Error): string {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return 'already exists';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'it refers to something that does not exist, or is still in use';
  return err.message;
}

export interface DomainDbRow {
  name: string;
  masquerade: number;
  incoming: number;
  relay: string | null;
  signature_text: string | null;
  signature_html: string | null;
  created_at: string;
}

export function toDomain(r: DomainDbRow): DomainRow {
  return {
    name: r.name,
    masquerade: r.masquerade === 1,
    incoming: r.incoming === 1,
    relay: r.relay,
    signatureText: r.signature_text,
    signatureHtml: r.signature_html,
    createdAt: r.created_at,
  };
}

export interface UserDbRow {
  username: string;
  password_hash: string;
  email: string | null;
  display_name: string | null;
  created_at: string;
}

export const toUser = (r: UserDbRow): UserRow => ({
  username: r.username,
  passwordHash: r.password_hash,
  email: r.email,
  displayName: r.display_name,
  createdAt: r.created_at,
});
