-- Rate-limit state for `--rate-limit-store database` (the SQLite default keeps it in memory):
-- one row per key holding GCRA's theoretical arrival time in microseconds since the Unix epoch,
-- and whether the last request counted.
CREATE TABLE rate_limits (
    key     TEXT PRIMARY KEY,
    tat     INTEGER NOT NULL,
    allowed INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
