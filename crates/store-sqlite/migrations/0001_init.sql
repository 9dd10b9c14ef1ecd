-- accountd SQLite schema, version 1.
-- Sort keys (seq) are AUTOINCREMENT so they only ever grow: keyset page keys stay valid.
-- Uniqueness is enforced here, never by scanning in code.

CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    key  BLOB NOT NULL
) STRICT;

CREATE TABLE flags (
    name TEXT PRIMARY KEY
) STRICT;

CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE environments (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    trial      INTEGER NOT NULL
) STRICT;
CREATE INDEX environments_by_account ON environments(account_id, seq);

CREATE TABLE oauth_clients (
    client_id     TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_digest BLOB NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX oauth_clients_by_account ON oauth_clients(account_id);

CREATE TABLE users (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    email_key   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    UNIQUE (account_id, email_key)
) STRICT;
CREATE INDEX users_by_account ON users(account_id, seq);

CREATE TABLE user_groups (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    gid         TEXT NOT NULL UNIQUE,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    owner       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account_id, name)
) STRICT;
CREATE INDEX user_groups_by_account ON user_groups(account_id, seq);

CREATE TABLE memberships (
    user_seq  INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
    group_seq INTEGER NOT NULL REFERENCES user_groups(seq) ON DELETE CASCADE,
    PRIMARY KEY (user_seq, group_seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX memberships_by_group ON memberships(group_seq);

CREATE TABLE permissions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    group_seq  INTEGER NOT NULL REFERENCES user_groups(seq) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    scope_type TEXT NOT NULL,
    scope      TEXT NOT NULL,
    UNIQUE (group_seq, name, scope_type, scope)
) STRICT;
CREATE INDEX permissions_by_account ON permissions(account_id, group_seq);
