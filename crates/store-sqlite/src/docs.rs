//! Users kept rendered as the API's JSON (migration 0009, `users.doc`).
//!
//! A page of `GET /users` spent a quarter of its CPU decoding eight columns per user into the
//! domain and most of the rest stepping through them, then wrote the same JSON again on every
//! request (benchmarks.md). With the JSON kept in the row, a page reads one column per user and
//! concatenates, and a point lookup needs no membership query.
//!
//! Triggers clear a doc whenever anything it shows changes, whichever statement changed it;
//! [`refresh`] writes every cleared doc again. The writer calls it in each transaction before
//! the commit, so readers never see a stale doc. [`prepare`] runs at startup: it renders what
//! an older schema (or a crash before this one's first commit) left empty, and renders
//! everything again when this binary writes users differently from the one that wrote the docs.

use accountd_core::clock::from_millis;
use accountd_core::ids::{Email, GroupId, UserId};
use accountd_core::model::{User, UserStatus};
use accountd_core::user_json::UserJson;
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::errors::internal;
use crate::{rows, users};

/// Docs written per transaction at startup: each commit is short, and the progress is logged.
const STARTUP_BATCH: i64 = 10_000;

/// Writes the doc of every user whose doc was cleared, in the caller's transaction; returns
/// how many.
pub fn refresh(conn: &Connection) -> rusqlite::Result<usize> {
    refresh_at_most(conn, i64::MAX)
}

fn refresh_at_most(conn: &Connection, limit: i64) -> rusqlite::Result<usize> {
    // The partial index `users_without_doc` holds exactly these rows: with nothing stale, this
    // is one look at an empty index.
    let stale = conn
        .prepare_cached("SELECT seq FROM users WHERE doc IS NULL LIMIT ?1")?
        .query_map([limit], |row| row.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for seq in &stale {
        write(conn, *seq, &UserJson::of(&users::load(conn, *seq)?))?;
    }
    Ok(stale.len())
}

/// The doc of a user about to be inserted with memberships `group_seqs` (in the order of
/// `user.groups`), rendered from the user itself: creates are the hottest write, and this spares
/// the writer's [`refresh`] a read of the new row and its memberships. It is the row's
/// rendering: groups in membership order (group creation), times at the stored precision
/// (milliseconds); [`first_stale`] holds it to that (a test here, and the crash test).
pub fn of_new(user: &User, group_seqs: &[i64]) -> UserJson {
    let mut groups: Vec<(i64, GroupId)> = group_seqs
        .iter()
        .copied()
        .zip(user.groups.iter().copied())
        .collect();
    groups.sort_unstable_by_key(|(group_seq, _)| *group_seq);
    groups.dedup_by_key(|(group_seq, _)| *group_seq);
    UserJson::of(&User {
        groups: groups.into_iter().map(|(_, gid)| gid).collect(),
        created_at: from_millis(rows::millis(user.created_at)),
        modified_at: from_millis(rows::millis(user.modified_at)),
        ..user.clone()
    })
}

/// Writes the doc of the user at `seq`.
pub fn write(conn: &Connection, seq: i64, doc: &UserJson) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET doc = ?1 WHERE seq = ?2")?
        .execute(params![doc.as_bytes(), seq])?;
    Ok(())
}

/// The doc of the user at `seq` as read with its row, or rendered from the row when it was
/// cleared (only a database that [`prepare`] has not seen yet holds one).
pub fn doc_or_render(
    conn: &Connection,
    seq: i64,
    doc: Option<Vec<u8>>,
) -> rusqlite::Result<UserJson> {
    match doc {
        Some(bytes) => Ok(UserJson::from_stored(bytes)),
        None => Ok(UserJson::of(&users::load(conn, seq)?)),
    }
}

/// The first user (by row number) whose doc is missing or differs from its rendering now: a
/// consistency check for tests and the crash test, reading and rendering every user.
pub fn first_stale(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare("SELECT seq, doc FROM users ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let doc: Option<Vec<u8>> = row.get(1)?;
        let current = UserJson::of(&users::load(conn, seq)?).into_bytes();
        if doc.as_deref() != Some(current.as_slice()) {
            return Ok(Some(seq));
        }
    }
    Ok(None)
}

/// Makes every doc current before the store serves: clears them all when this binary renders
/// the sample user differently from the binary that wrote them, then writes every cleared doc,
/// in batches.
pub fn prepare(conn: &mut Connection) -> Result<()> {
    prepare_in_batches(conn, STARTUP_BATCH)
}

fn prepare_in_batches(conn: &mut Connection, batch: i64) -> Result<()> {
    let sample = sample_user()
        .map(|user| UserJson::of(&user).into_bytes())
        .ok_or_else(|| {
            Error::Internal("the sample user of the doc format is invalid".to_owned())
        })?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(internal)?;
    let written: Option<Vec<u8>> = tx
        .query_row(
            "SELECT sample FROM user_doc_format WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(internal)?;
    if written.as_deref() != Some(sample.as_slice()) {
        if written.is_some() {
            tracing::info!("the user JSON changed since the docs were written: writing them again");
            tx.execute("UPDATE users SET doc = NULL", [])
                .map_err(internal)?;
        }
        tx.execute(
            "INSERT INTO user_doc_format (id, sample) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET sample = excluded.sample",
            [&sample],
        )
        .map_err(internal)?;
    }
    tx.commit().map_err(internal)?;
    let mut total = 0;
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(internal)?;
        let written = refresh_at_most(&tx, batch).map_err(internal)?;
        tx.commit().map_err(internal)?;
        total += written;
        if written > 0 {
            tracing::info!(users = total, "wrote users' JSON docs");
        }
        if i64::try_from(written).unwrap_or(i64::MAX) < batch {
            return Ok(());
        }
    }
}

/// A user touching every part of the JSON: escapes, non-ASCII, groups, each timestamp form.
fn sample_user() -> Option<User> {
    Some(User {
        uid: UserId::parse("01234567-89ab-4def-8123-456789abcdef")?,
        email: Email::from_stored("Zoë.O'Brien+test@Example.com")?,
        first_name: "Zoë \"Z\" \\ \u{1}\t李".to_owned(),
        last_name: "O'Brien 🦀".to_owned(),
        groups: vec![
            GroupId::parse("00000000-0000-4000-8000-000000000001")?,
            GroupId::parse("00000000-0000-4000-8000-000000000002")?,
        ],
        status: UserStatus::PendingInvite,
        created_at: from_millis(-62_198_755_200_000),
        modified_at: from_millis(1_742_049_000_123),
    })
}

#[cfg(test)]
mod tests {
    use accountd_core::audit::AuditContext;
    use accountd_core::authz::Actor;
    use accountd_core::ids::AccountId;
    use accountd_core::model::{Account, Group, GroupOwner};

    use super::*;

    struct Fixture {
        _dir: tempfile::TempDir,
        conn: Connection,
        account: AccountId,
        groups: Vec<Group>,
    }

    fn ctx() -> AuditContext {
        AuditContext {
            actor: Actor::Admin,
            at: from_millis(1_700_000_000_000),
        }
    }

    /// A migrated database with one account and two groups.
    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::connection::open(&dir.path().join("db"), Default::default()).unwrap();
        crate::migrate::run(&mut conn).unwrap();
        prepare(&mut conn).unwrap();
        let account = AccountId::generate();
        let acme = Account {
            id: account,
            name: "Acme".into(),
            created_at: from_millis(0),
            rate_limit: None,
        };
        crate::accounts::create(&conn, &acme, &ctx()).unwrap();
        let groups: Vec<Group> = ["One", "Two"]
            .into_iter()
            .map(|name| Group {
                id: GroupId::generate(),
                name: name.into(),
                description: String::new(),
                owner: GroupOwner::Local,
                created_at: from_millis(0),
                updated_at: from_millis(0),
            })
            .collect();
        for group in &groups {
            crate::groups::create(&conn, account, group, &ctx()).unwrap();
        }
        Fixture {
            _dir: dir,
            conn,
            account,
            groups,
        }
    }

    fn add_user(f: &Fixture, n: usize) -> i64 {
        let user = User {
            uid: UserId::generate(),
            email: Email::from_stored(&format!("user{n}@example.com")).unwrap(),
            first_name: format!("First {n}"),
            last_name: "Last \"quoted\"".into(),
            groups: vec![f.groups[0].id],
            status: UserStatus::PendingInvite,
            created_at: from_millis(1_000),
            modified_at: from_millis(2_000),
        };
        crate::users::create(&f.conn, f.account, &user, &ctx()).unwrap()
    }

    fn doc(conn: &Connection, seq: i64) -> Option<Vec<u8>> {
        conn.query_row("SELECT doc FROM users WHERE seq = ?1", [seq], |row| {
            row.get(0)
        })
        .unwrap()
    }

    fn rendered(conn: &Connection, seq: i64) -> Vec<u8> {
        UserJson::of(&users::load(conn, seq).unwrap()).into_bytes()
    }

    #[test]
    fn every_change_a_doc_shows_clears_it_and_refresh_writes_it_again() {
        let f = fixture();
        let seq = add_user(&f, 1);
        assert_eq!(
            refresh(&f.conn).unwrap(),
            0,
            "a new user's doc is written with it"
        );
        assert_eq!(doc(&f.conn, seq), Some(rendered(&f.conn, seq)));

        let (one, two) = (f.groups[0].id.to_string(), f.groups[1].id.to_string());
        let member = format!(
            "INSERT INTO memberships (user_seq, group_seq) \
             SELECT ?1, seq FROM user_groups WHERE gid = '{two}'"
        );
        let changes = [
            "UPDATE users SET email = 'new@example.com', email_key = 'new@example.com' WHERE seq = ?1".to_owned(),
            "UPDATE users SET first_name = 'Grace' WHERE seq = ?1".to_owned(),
            "UPDATE users SET last_name = 'Hopper' WHERE seq = ?1".to_owned(),
            "UPDATE users SET status = 'ACTIVE' WHERE seq = ?1".to_owned(),
            "UPDATE users SET modified_at = 3000 WHERE seq = ?1".to_owned(),
            member,
            "DELETE FROM memberships WHERE user_seq = ?1 AND group_seq = (SELECT min(group_seq) FROM memberships WHERE user_seq = ?1)".to_owned(),
            // A group deleted takes its memberships with it (a cascade, which fires triggers).
            format!("DELETE FROM user_groups WHERE gid = '{two}' AND ?1 = ?1"),
        ];
        for change in &changes {
            let before = doc(&f.conn, seq);
            f.conn.execute(change, [seq]).unwrap();
            assert_eq!(doc(&f.conn, seq), None, "not cleared by: {change}");
            assert_eq!(refresh(&f.conn).unwrap(), 1);
            let after = doc(&f.conn, seq);
            assert_eq!(after, Some(rendered(&f.conn, seq)), "{change}");
            assert_ne!(after, before, "{change}");
        }
        assert!(
            !String::from_utf8(doc(&f.conn, seq).unwrap())
                .unwrap()
                .contains(&one)
        );

        // What the JSON does not show leaves the doc alone.
        f.conn
            .execute("UPDATE users SET external_id = 'ext' WHERE seq = ?1", [seq])
            .unwrap();
        assert!(doc(&f.conn, seq).is_some());
        assert_eq!(refresh(&f.conn).unwrap(), 0);
    }

    #[test]
    fn startup_writes_missing_docs_and_writes_all_again_when_the_json_changed() {
        let mut f = fixture();
        let seqs: Vec<i64> = (0..25).map(|n| add_user(&f, n)).collect();
        // As a database from before migration 0009 is: every doc missing.
        f.conn.execute("UPDATE users SET doc = NULL", []).unwrap();
        prepare_in_batches(&mut f.conn, 10).unwrap();
        for seq in &seqs {
            assert_eq!(doc(&f.conn, *seq), Some(rendered(&f.conn, *seq)));
        }

        // Docs written by a binary that wrote users differently.
        f.conn
            .execute_batch(
                "UPDATE users SET doc = x'7b7d'; UPDATE user_doc_format SET sample = x'00';",
            )
            .unwrap();
        prepare_in_batches(&mut f.conn, 10).unwrap();
        for seq in &seqs {
            assert_eq!(doc(&f.conn, *seq), Some(rendered(&f.conn, *seq)));
        }
        let sample: Vec<u8> = f
            .conn
            .query_row("SELECT sample FROM user_doc_format", [], |row| row.get(0))
            .unwrap();
        assert_eq!(sample, UserJson::of(&sample_user().unwrap()).into_bytes());
    }

    #[test]
    fn the_check_finds_a_doc_that_differs_from_its_row() {
        let f = fixture();
        let seqs: Vec<i64> = (0..3).map(|n| add_user(&f, n)).collect();
        assert_eq!(first_stale(&f.conn).unwrap(), None);
        f.conn
            .execute("UPDATE users SET doc = NULL WHERE seq = ?1", [seqs[0]])
            .unwrap();
        assert_eq!(
            first_stale(&f.conn).unwrap(),
            Some(seqs[0]),
            "a missing doc"
        );
        refresh(&f.conn).unwrap();
        assert_eq!(first_stale(&f.conn).unwrap(), None);
        f.conn
            .execute("UPDATE users SET doc = x'7b7d' WHERE seq = ?1", [seqs[1]])
            .unwrap();
        assert_eq!(first_stale(&f.conn).unwrap(), Some(seqs[1]));
    }

    #[test]
    fn a_new_users_doc_is_its_rows_rendering() {
        let f = fixture();
        let user = User {
            uid: UserId::generate(),
            email: Email::from_stored("Ada@Example.com").unwrap(),
            first_name: "Ada \"A\"".into(),
            last_name: "Lovelace".into(),
            // Out of creation order and repeated; the doc lists them in creation order, once.
            groups: vec![f.groups[1].id, f.groups[0].id, f.groups[1].id],
            status: UserStatus::Active,
            // Below the stored millisecond.
            created_at: time::OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789)
                .unwrap(),
            modified_at: time::OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_999_999_999)
                .unwrap(),
        };
        let seq = crate::users::create(&f.conn, f.account, &user, &ctx()).unwrap();
        assert_eq!(doc(&f.conn, seq), Some(rendered(&f.conn, seq)));
        assert_eq!(first_stale(&f.conn).unwrap(), None);
    }

    #[test]
    fn a_missing_doc_is_rendered_from_the_row_when_read() {
        let f = fixture();
        let seq = add_user(&f, 1);
        assert_eq!(
            doc_or_render(&f.conn, seq, None).unwrap().into_bytes(),
            rendered(&f.conn, seq)
        );
        assert_eq!(
            doc_or_render(&f.conn, seq, Some(b"{}".to_vec()))
                .unwrap()
                .into_bytes(),
            b"{}".to_vec()
        );
    }

    #[test]
    fn the_stale_docs_are_found_through_the_partial_index() {
        let f = fixture();
        let plan: String = f
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT seq FROM users WHERE doc IS NULL LIMIT 1",
                [],
                |row| row.get(3),
            )
            .unwrap();
        assert!(plan.contains("users_without_doc"), "{plan}");
    }
}
