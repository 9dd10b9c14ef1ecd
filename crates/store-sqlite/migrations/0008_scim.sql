-- SCIM (issue 4): what SCIM adds to users and groups, and SCIM bearer tokens.
-- user_name: the SCIM userName when it is not the email (NULL: the userName is the email);
-- userNames are unique per account case-insensitively, with the emails of users without one.
ALTER TABLE users ADD COLUMN user_name TEXT;
ALTER TABLE users ADD COLUMN user_name_key TEXT;
ALTER TABLE users ADD COLUMN external_id TEXT;
-- Further SCIM attributes (displayName, emails) as a JSON object, kept as the client sent them.
ALTER TABLE users ADD COLUMN scim_extra TEXT;
CREATE UNIQUE INDEX users_by_user_name ON users(account_id, coalesce(user_name_key, email_key));
CREATE INDEX users_by_external_id ON users(account_id, external_id) WHERE external_id IS NOT NULL;

ALTER TABLE user_groups ADD COLUMN external_id TEXT;
CREATE INDEX user_groups_by_external_id ON user_groups(account_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE scim_tokens (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    digest     BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX scim_tokens_by_account ON scim_tokens(account_id, seq);
