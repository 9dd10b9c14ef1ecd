-- Users kept rendered as the API's JSON (issue 8): GET /users/{uid} and a page of GET /users read
-- one column instead of decoding eight and joining the memberships, and a page is a
-- concatenation. doc is NULL when it must be written again: the triggers below clear it on any
-- change to what it shows, whichever statement made the change (renames, status, SCIM, member
-- adds and removals, a group deleted with its members), and the writer renders every cleared doc
-- in the same transaction, before the commit (docs.rs), so a committed doc is never stale. A doc
-- already cleared is not written again (`doc IS NOT NULL`): a user given ten groups at once is
-- one row write, not ten.
ALTER TABLE users ADD COLUMN doc BLOB;
CREATE INDEX users_without_doc ON users(seq) WHERE doc IS NULL;

CREATE TRIGGER users_doc_stale AFTER UPDATE OF uid, email, first_name, last_name, status, created_at, modified_at ON users BEGIN
    UPDATE users SET doc = NULL WHERE seq = NEW.seq AND doc IS NOT NULL;
END;
CREATE TRIGGER memberships_added_doc_stale AFTER INSERT ON memberships BEGIN
    UPDATE users SET doc = NULL WHERE seq = NEW.user_seq AND doc IS NOT NULL;
END;
CREATE TRIGGER memberships_removed_doc_stale AFTER DELETE ON memberships BEGIN
    UPDATE users SET doc = NULL WHERE seq = OLD.user_seq AND doc IS NOT NULL;
END;

-- The rendering of a fixed sample user by the accountd that wrote the docs: a binary whose
-- rendering differs (the JSON changed) clears every doc at startup and writes them again.
CREATE TABLE user_doc_format (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sample BLOB NOT NULL
) STRICT;
