-- accountd PostgreSQL schema, version 1: the SQLite store's migrations 1 to 5 in one step
-- (PostgreSQL support shipped with all of them).
-- Sort keys (seq) are identities that only ever grow: keyset page keys stay valid.
-- Uniqueness is enforced here, never by scanning in code. Timestamps are stored at millisecond
-- precision, as the domain (and the SQLite store) keeps them.

CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    key  BYTEA NOT NULL
);

CREATE TABLE flags (
    name TEXT PRIMARY KEY
);

CREATE TABLE accounts (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- Per-account rate-limit override (`200/min`); NULL: the server default applies.
    rate_limit TEXT
);

CREATE TABLE environments (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    trial      BOOLEAN NOT NULL
);
CREATE INDEX environments_by_account ON environments(account_id, seq);

CREATE TABLE oauth_clients (
    client_id     TEXT PRIMARY KEY,
    account_id    UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_digest BYTEA NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_clients_by_account ON oauth_clients(account_id);

CREATE TABLE user_groups (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gid         UUID NOT NULL UNIQUE,
    account_id  UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    owner       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (account_id, name)
);
CREATE INDEX user_groups_by_account ON user_groups(account_id, seq);

-- Service users (seed 003, real API) are rows of `users` with kind 'SERVICE', so membership,
-- lookups by email and cascades work for them unchanged. Each has a group created for it.
CREATE TABLE users (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid               UUID NOT NULL UNIQUE,
    account_id        UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email             TEXT NOT NULL,
    -- Email::key(): the lowercased address; uniqueness per account is on this.
    email_key         TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    modified_at       TIMESTAMPTZ NOT NULL,
    kind              TEXT NOT NULL DEFAULT 'HUMAN',
    description       TEXT NOT NULL DEFAULT '',
    service_group_seq BIGINT REFERENCES user_groups(seq) ON DELETE SET NULL,
    UNIQUE (account_id, email_key)
);
CREATE INDEX users_by_account ON users(account_id, seq);
CREATE INDEX users_by_account_kind ON users(account_id, kind, seq);
CREATE INDEX users_by_service_group ON users(service_group_seq) WHERE service_group_seq IS NOT NULL;

CREATE TABLE memberships (
    user_seq  BIGINT NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
    group_seq BIGINT NOT NULL REFERENCES user_groups(seq) ON DELETE CASCADE,
    PRIMARY KEY (user_seq, group_seq)
);
CREATE INDEX memberships_by_group ON memberships(group_seq);

CREATE TABLE permissions (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_seq  BIGINT NOT NULL REFERENCES user_groups(seq) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    scope_type TEXT NOT NULL,
    scope      TEXT NOT NULL,
    UNIQUE (group_seq, name, scope_type, scope)
);
CREATE INDEX permissions_by_account ON permissions(account_id, group_seq);

-- Invitations (single-use, stored as SHA-256 digests) and the outbox of messages that are not
-- sent by SMTP.
CREATE TABLE invitations (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    user_seq     BIGINT NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
    token_digest BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
CREATE INDEX invitations_by_user ON invitations(user_seq);
CREATE INDEX invitations_by_account ON invitations(account_id);

CREATE TABLE outbox (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_by_account ON outbox(account_id, seq);

-- The audit log: one row per change, written in the transaction of the change.
CREATE TABLE audit_events (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    occurred_at   TIMESTAMPTZ NOT NULL,
    actor         TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    before_state  JSONB,
    after_state   JSONB
);
CREATE INDEX audit_events_by_account ON audit_events(account_id, seq);
CREATE INDEX audit_events_by_account_type ON audit_events(account_id, resource_type, seq);
