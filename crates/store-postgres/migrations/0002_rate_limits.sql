-- accountd PostgreSQL schema, version 2: rate-limit state shared by every instance.
-- One row per key (the server puts the client or account and the limit in it) holding GCRA's
-- theoretical arrival time in microseconds since the Unix epoch, and whether the last request
-- counted (an UPSERT's RETURNING sees only the new row, and a refused request leaves `tat`
-- alone, so the decision is returned through this column).
-- UNLOGGED: every limited request writes here, and this state is worth no WAL flush: after a
-- crash (or on a promoted standby) the table is empty, which means every budget is full again.
-- A low fillfactor keeps the updates HOT (no index on `tat`, so none has to change).
CREATE UNLOGGED TABLE rate_limits (
    key     TEXT PRIMARY KEY,
    tat     BIGINT NOT NULL,
    allowed BOOLEAN NOT NULL
) WITH (fillfactor = 50);
