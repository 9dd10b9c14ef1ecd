-- The audit log: one row per change, written in the transaction of the change.
CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    before        TEXT,
    after         TEXT
) STRICT;
CREATE INDEX audit_events_by_account ON audit_events(account_id, seq);
CREATE INDEX audit_events_by_account_type ON audit_events(account_id, resource_type, seq);
