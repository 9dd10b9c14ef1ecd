-- Per-account rate-limit override (`200/min`), NULL: the server default applies.
ALTER TABLE accounts ADD COLUMN rate_limit TEXT;
