-- accountd PostgreSQL schema, version 3: SCIM (the SQLite store's migration 8): what SCIM adds
-- to users and groups, and SCIM bearer tokens.
-- user_name: the SCIM userName when it is not the email (NULL: the userName is the email);
-- user_name_key its lowercased form. userNames are unique per account case-insensitively, among
-- each other and with the emails of users that have none of their own: one unique index on the
-- key a SCIM lookup by userName uses.
-- scim_extra: further SCIM attributes (displayName, emails) as the text of a JSON object, kept
-- as the client sent them (TEXT rather than JSONB: JSONB refuses some strings JSON allows, such
-- as "\u0000", and the store never looks inside); NULL when there are none.
ALTER TABLE users
    ADD COLUMN user_name     TEXT,
    ADD COLUMN user_name_key TEXT,
    ADD COLUMN external_id   TEXT,
    ADD COLUMN scim_extra    TEXT;
CREATE UNIQUE INDEX users_by_user_name ON users(account_id, (coalesce(user_name_key, email_key)));
CREATE INDEX users_by_external_id ON users(account_id, external_id) WHERE external_id IS NOT NULL;

ALTER TABLE user_groups ADD COLUMN external_id TEXT;
CREATE INDEX user_groups_by_external_id ON user_groups(account_id, external_id)
    WHERE external_id IS NOT NULL;

-- Only the SHA-256 digest of a token is stored; `id` is its public part. Deleted with the
-- account; an account reset keeps them (like OAuth clients).
CREATE TABLE scim_tokens (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    digest     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX scim_tokens_by_account ON scim_tokens(account_id, seq);
