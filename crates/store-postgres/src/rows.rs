//! Decoding stored values into domain types, and the storage form of timestamps.

use accountd_core::ids::{AccountId, Email, EnvironmentId, GroupId, UserId};
use time::OffsetDateTime;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::errors::{DbResult, corrupt};

pub(crate) fn account_id(row: &Row, idx: usize) -> DbResult<AccountId> {
    Ok(AccountId::from_uuid(row.try_get::<_, Uuid>(idx)?))
}

pub(crate) fn user_id(row: &Row, idx: usize) -> DbResult<UserId> {
    Ok(UserId::from_uuid(row.try_get::<_, Uuid>(idx)?))
}

pub(crate) fn group_id(row: &Row, idx: usize) -> DbResult<GroupId> {
    Ok(GroupId::from_uuid(row.try_get::<_, Uuid>(idx)?))
}

pub(crate) fn group_ids(row: &Row, idx: usize) -> DbResult<Vec<GroupId>> {
    let ids: Vec<Uuid> = row.try_get(idx)?;
    Ok(ids.into_iter().map(GroupId::from_uuid).collect())
}

pub(crate) fn environment_id(row: &Row, idx: usize) -> DbResult<EnvironmentId> {
    let text: String = row.try_get(idx)?;
    EnvironmentId::parse(&text).map_err(|_| corrupt("environment id", &text))
}

pub(crate) fn email(row: &Row, idx: usize) -> DbResult<Email> {
    let text: String = row.try_get(idx)?;
    Email::from_stored(&text).ok_or_else(|| corrupt("email", &text))
}

pub(crate) fn time(row: &Row, idx: usize) -> DbResult<OffsetDateTime> {
    Ok(row.try_get(idx)?)
}

/// Parses an enum stored as text with the domain's own `parse`.
pub(crate) fn parsed<T>(
    row: &Row,
    idx: usize,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> DbResult<T> {
    let text: String = row.try_get(idx)?;
    parse(&text).ok_or_else(|| corrupt(what, &text))
}

/// The stored form of a timestamp: millisecond precision, like every other store, so a value
/// reads back equal to what the domain wrote whatever the backend.
pub(crate) fn ts(t: OffsetDateTime) -> OffsetDateTime {
    accountd_core::clock::from_millis(accountd_core::clock::to_millis(t))
}

pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
