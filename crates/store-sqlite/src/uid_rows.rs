//! Where each user's row is, by uid, kept in memory: `GET /users/{uid}` for a user the user cache
//! does not hold reads its row by row number (one b-tree descent) instead of first descending the
//! uid index (a second one).
//!
//! Why: with a million users read at random, the two descents through a 1.4 GB file were a third
//! of the request's CPU, almost all of it waiting on memory for pages no cache holds
//! (docs/benchmarks.md, eighth session). This index costs 16 bytes a user (~16 MB at a million)
//! and a lookup touches about three cache lines.
//!
//! It is a *hint*, never the truth: the row it names is read with the uid and account in the
//! `WHERE` clause, and a lookup it cannot answer (a user created since the last catch-up, a stale
//! row of a deleted user) goes through the uid index as before. So it needs no invalidation: the
//! writer thread only adds the rows created since it last looked ([`UidRows::catch_up`]), in
//! steps, after its commits. Row numbers are `AUTOINCREMENT`: a deleted user's number is never
//! given to another.

use std::sync::{Arc, RwLock};

use accountd_core::ids::UserId;
use rusqlite::{Connection, params};

/// Buckets of the directory: the first 16 bits of a uid pick one, so a lookup searches ~16 keys
/// at a million users.
const BUCKETS: usize = 1 << 16;

/// New rows are added once there are at least this many since the last catch-up, or 1% of those
/// indexed (each step copies the whole index, so small steps would cost the writer more than the
/// lookups they speed up; the rows in between are found through the uid index).
const MIN_STEP: i64 = 1024;

/// uid → row number, for every user the writer has added so far.
pub struct UidRows {
    index: RwLock<Arc<Index>>,
}

/// Sorted by key: the first 8 bytes of each uid (a collision only means two rows to try).
struct Index {
    /// `directory[b]..directory[b + 1]`: the positions of the keys whose first 16 bits are `b`.
    directory: Vec<usize>,
    keys: Vec<u64>,
    rows: Vec<i64>,
    /// The highest row number looked at: rows above it are not indexed yet.
    through: i64,
}

impl UidRows {
    /// Empty: the writer's first catch-up fills it.
    pub fn new() -> Self {
        Self {
            index: RwLock::new(Arc::new(Index::build(Vec::new(), 0))),
        }
    }

    /// The first `Some` that `read` gives for a row that may hold `uid` (usually there is one
    /// such row; none when `uid` is not indexed). `read` must check the row really is `uid`'s.
    pub fn find<T>(
        &self,
        uid: &UserId,
        mut read: impl FnMut(i64) -> rusqlite::Result<Option<T>>,
    ) -> rusqlite::Result<Option<T>> {
        let index = self.current();
        for row in index.rows_of(key(uid)) {
            if let Some(found) = read(row)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Adds the users created since the last catch-up, once there are enough of them to be worth
    /// a new index (see [`MIN_STEP`]); run by the writer after its commits. Returns how many
    /// users were added.
    pub fn catch_up(&self, conn: &Connection) -> rusqlite::Result<usize> {
        let index = self.current();
        let newest: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM users", [], |row| {
            row.get(0)
        })?;
        let step = MIN_STEP.max(i64::try_from(index.keys.len() / 100).unwrap_or(i64::MAX));
        // The first catch-up (at the writer's start) takes every user there is.
        let first = index.through == 0;
        if newest == index.through || (!first && newest - index.through < step) {
            return Ok(0);
        }
        let mut added = Vec::new();
        let mut stmt = conn.prepare("SELECT uid, seq FROM users WHERE seq > ?1")?;
        let mut rows = stmt.query(params![index.through])?;
        while let Some(row) = rows.next()? {
            let uid = crate::rows::user_id(row, 0)?;
            added.push((key(&uid), row.get::<_, i64>(1)?));
        }
        let count = added.len();
        let next = Arc::new(index.merged(added, newest));
        *self
            .index
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
        Ok(count)
    }

    /// An index of exactly `rows` (for tests that need it to point somewhere else).
    #[cfg(test)]
    pub fn of(rows: &[(UserId, i64)]) -> Self {
        let added = rows.iter().map(|(uid, row)| (key(uid), *row)).collect();
        let through = rows.iter().map(|(_, row)| *row).max().unwrap_or(0);
        Self {
            index: RwLock::new(Arc::new(Index::build(Vec::new(), 0).merged(added, through))),
        }
    }

    /// How many users are indexed.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.current().keys.len()
    }

    fn current(&self) -> Arc<Index> {
        // Only ever replaced whole: a poisoned lock still holds a complete index.
        Arc::clone(
            &self
                .index
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl Default for UidRows {
    fn default() -> Self {
        Self::new()
    }
}

impl Index {
    /// The index of `entries` (sorted by key, then row), looked at through row `through`.
    fn build(entries: Vec<(u64, i64)>, through: i64) -> Self {
        let (keys, rows): (Vec<u64>, Vec<i64>) = entries.into_iter().unzip();
        let mut directory = Vec::with_capacity(BUCKETS + 1);
        let mut position = 0;
        for bucket in 0..BUCKETS {
            while position < keys.len() && bucket_of(keys[position]) < bucket {
                position += 1;
            }
            directory.push(position);
        }
        directory.push(keys.len());
        Self {
            directory,
            keys,
            rows,
            through,
        }
    }

    /// This index with `added` in it, looked at through row `through`. A linear merge of two
    /// sorted runs: the writer waits for it (~10 ms at a million users), not for a full sort.
    fn merged(&self, mut added: Vec<(u64, i64)>, through: i64) -> Self {
        added.sort_unstable();
        let mut entries = Vec::with_capacity(self.keys.len() + added.len());
        let mut old = self
            .keys
            .iter()
            .copied()
            .zip(self.rows.iter().copied())
            .peekable();
        let mut new = added.into_iter().peekable();
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) if a <= b => old.next(),
                (Some(_), Some(_)) | (None, Some(_)) => new.next(),
                (Some(_), None) => old.next(),
                (None, None) => break,
            };
            entries.extend(next);
        }
        Self::build(entries, through)
    }

    fn rows_of(&self, key: u64) -> impl Iterator<Item = i64> + '_ {
        let bucket = bucket_of(key);
        let (start, end) = (self.directory[bucket], self.directory[bucket + 1]);
        let first = start + self.keys[start..end].partition_point(|candidate| *candidate < key);
        self.keys[first..end]
            .iter()
            .take_while(move |candidate| **candidate == key)
            .zip(&self.rows[first..end])
            .map(|(_, row)| *row)
    }
}

fn key(uid: &UserId) -> u64 {
    let bytes = uid.as_uuid().as_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(first)
}

fn bucket_of(key: u64) -> usize {
    // The top 16 bits: always below BUCKETS.
    (key >> 48) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(text: &str) -> UserId {
        UserId::parse(text).unwrap()
    }

    #[test]
    fn finds_every_row_and_nothing_else() {
        let uids: Vec<UserId> = (0..5000).map(|_| UserId::generate()).collect();
        let entries = uids.iter().zip(1..).map(|(u, row)| (key(u), row)).collect();
        let index = Index::build(Vec::new(), 0).merged(entries, 5000);
        for (u, row) in uids.iter().zip(1..) {
            assert_eq!(index.rows_of(key(u)).collect::<Vec<_>>(), vec![row]);
        }
        let absent = UserId::generate();
        assert_eq!(index.rows_of(key(&absent)).count(), 0);
    }

    #[test]
    fn uids_sharing_their_first_eight_bytes_give_every_row() {
        let a = uid("01234567-89ab-4cde-8f01-000000000001");
        let b = uid("01234567-89ab-4cde-8f01-000000000002");
        assert_eq!(key(&a), key(&b));
        let index = Index::build(Vec::new(), 0).merged(vec![(key(&a), 7), (key(&b), 3)], 7);
        assert_eq!(index.rows_of(key(&a)).collect::<Vec<_>>(), vec![3, 7]);
    }

    #[test]
    fn the_first_and_last_buckets_are_searched() {
        let low = uid("00000000-0000-4000-8000-000000000000");
        let high = uid("ffffffff-ffff-4fff-bfff-ffffffffffff");
        let index = Index::build(Vec::new(), 0).merged(vec![(key(&high), 2), (key(&low), 1)], 2);
        assert_eq!(index.rows_of(key(&low)).collect::<Vec<_>>(), vec![1]);
        assert_eq!(index.rows_of(key(&high)).collect::<Vec<_>>(), vec![2]);
        assert_eq!(index.directory.len(), BUCKETS + 1);
    }

    #[test]
    fn a_merge_keeps_the_old_rows_and_adds_the_new() {
        let olds: Vec<UserId> = (0..300).map(|_| UserId::generate()).collect();
        let news: Vec<UserId> = (0..300).map(|_| UserId::generate()).collect();
        let first = olds.iter().zip(1..).map(|(u, row)| (key(u), row)).collect();
        let second = news
            .iter()
            .zip(301..)
            .map(|(u, row)| (key(u), row))
            .collect();
        let index = Index::build(Vec::new(), 0)
            .merged(first, 300)
            .merged(second, 600);
        assert!(index.keys.is_sorted());
        for (u, row) in olds.iter().chain(&news).zip(1..) {
            assert_eq!(index.rows_of(key(u)).collect::<Vec<_>>(), vec![row]);
        }
        assert_eq!(index.through, 600);
    }
}
