/** Naming rules from the product's specification (Mailbox → Add). */

export type OwnerType = 'user' | 'group' | 'app';
export const OWNER_TYPES: readonly OwnerType[] = ['user', 'group', 'app'];

export const MAX_MAILBOX_NAME_LENGTH = 200;
export const APP_SUFFIX = '.app';

/**
 * Local parts the server itself uses. `mailer-daemon` is the sender of bounces;
 * nobody may own it. `postmaster` (RFC 5321 §4.5.1) and `abuse` (RFC 2142) may be
 * created as ordinary mailboxes or aliases and are encouraged.
 */
export const SYSTEM_RESERVED_NAMES: readonly string[] = ['mailer-daemon'];

/** Returns an error sentence, or undefined when the name is acceptable. */
export function mailboxNameError(name: string, ownerType: OwnerType): string | undefined {
  if (name.length === 0) return 'mailbox name is empty';
  if (name.length > MAX_MAILBOX_NAME_LENGTH) {
    return `mailbox name is longer than ${MAX_MAILBOX_NAME_LENGTH} characters`;
  }
  if (name.includes('+')) return "mailbox name may not contain '+' (it is the subaddress separator)";
  if (!/^[A-Za-z0-9.-]+$/.test(name)) return "mailbox name may contain only letters, digits, '.' and '-'";
  // RFC 5322 §3.4.1 dot-atom: no leading, trailing or doubled dots.
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    return "mailbox name may not start or end with '.' or contain '..'";
  }
  const lower = name.toLowerCase();
  if (lower.endsWith(APP_SUFFIX) && ownerType !== 'app') {
    return `names ending in '${APP_SUFFIX}' are reserved for apps`;
  }
  if (SYSTEM_RESERVED_NAMES.includes(lower)) return `'${lower}' is reserved for the mail server`;
  return undefined;
}

/** Aliases follow the mailbox rules (they are addresses in the same namespace). */
export function aliasNameError(name: string): string | undefined {
  return mailboxNameError(name, 'user');
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function usernameError(name: string): string | undefined {
  return USERNAME.test(name)
    ? undefined
    : "user and group names are 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
}

export const MIN_PASSWORD_LENGTH = 8;

export function passwordError(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'password is longer than 1024 characters';
  return undefined;
}
