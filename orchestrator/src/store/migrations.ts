/** Versioned schema; the index + 1 is the version stored in PRAGMA user_version. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE domains (
    name TEXT PRIMARY KEY,
    masquerade INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE groups (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );
  CREATE TABLE group_members (
    group_name TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    PRIMARY KEY (group_name, username)
  );
  CREATE TABLE mailboxes (
    address TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE RESTRICT,
    owner_type TEXT NOT NULL CHECK (owner_type IN ('user', 'group', 'app')),
    owner TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    pop3 INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX mailboxes_owner ON mailboxes(owner_type, owner);
  CREATE TABLE aliases (
    address TEXT PRIMARY KEY,
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE RESTRICT,
    mailbox TEXT NOT NULL REFERENCES mailboxes(address) ON DELETE CASCADE
  );
  CREATE INDEX aliases_mailbox ON aliases(mailbox);
  CREATE TABLE catchall (
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    mailbox TEXT NOT NULL REFERENCES mailboxes(address) ON DELETE CASCADE,
    PRIMARY KEY (domain, mailbox)
  );
  `,
  // Issue 3: per-domain relay and signature, mailing lists.
  `
  ALTER TABLE domains ADD COLUMN relay TEXT;
  ALTER TABLE domains ADD COLUMN signature_text TEXT;
  ALTER TABLE domains ADD COLUMN signature_html TEXT;
  CREATE TABLE mailing_lists (
    address TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE RESTRICT,
    members_only INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
  );
  CREATE TABLE list_members (
    list TEXT NOT NULL REFERENCES mailing_lists(address) ON DELETE CASCADE,
    member TEXT NOT NULL,
    PRIMARY KEY (list, member)
  );
  `,
  // Server-wide settings (DNSBL zones, spam ACL and rules, …): one JSON value per key,
  // owned by the service that reads it. Migration 4 is reserved for API tokens.
  `
  CREATE TABLE server_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // Issue 5: REST API bearer tokens, stored as SHA-256 hashes of 256-bit random secrets
  // (a fast hash is enough for secrets with that much entropy; nothing to brute-force);
  // and the user profile fields the API takes (Cloudron's email and displayName).
  `
  ALTER TABLE users ADD COLUMN email TEXT;
  ALTER TABLE users ADD COLUMN display_name TEXT;
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'superadmin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  `,
  // Issue 5: the event log (deliveries, rejections, logins, administrative changes).
  // Pruned by age (eventLog.retentionDays); the indexes serve "newest first" and "by type".
  `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    actor TEXT,
    remote TEXT,
    message TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX events_time ON events(time);
  CREATE INDEX events_type_time ON events(type, time);
  `,
  // Per-domain incoming mail (spec "Enable Email"). On for every domain, old and new:
  // existing installs add domains to receive mail; off makes a domain send-only.
  `
  ALTER TABLE domains ADD COLUMN incoming INTEGER NOT NULL DEFAULT 1;
  `,
];
