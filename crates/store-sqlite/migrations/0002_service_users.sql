-- Service users (seed 003, real API): rows of `users` with kind 'SERVICE', so membership,
-- lookups by email and cascades work for them unchanged. Each has a group created for it.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'HUMAN';
ALTER TABLE users ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN service_group_seq INTEGER REFERENCES user_groups(seq) ON DELETE SET NULL;
CREATE INDEX users_by_account_kind ON users(account_id, kind, seq);
