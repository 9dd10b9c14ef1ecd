//! Decoding stored values into domain types.

use accountd_core::ids::{AccountId, Email, EnvironmentId, GroupId, UserId};
use rusqlite::Row;

use crate::errors::corrupt;

/// A text column borrowed from the row: ids and enums are parsed from it without a copy
/// (a page of users decodes hundreds of them).
pub fn text<'r>(row: &'r Row<'_>, idx: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(idx)?.as_str().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(err))
    })
}

/// Like [`text`], with SQL `NULL` as `None`.
pub fn optional_text<'r>(row: &'r Row<'_>, idx: usize) -> rusqlite::Result<Option<&'r str>> {
    row.get_ref(idx)?.as_str_or_null().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(err))
    })
}

pub fn account_id(row: &Row<'_>, idx: usize) -> rusqlite::Result<AccountId> {
    let text = text(row, idx)?;
    AccountId::parse(text).ok_or_else(|| corrupt("account id", text))
}

pub fn user_id(row: &Row<'_>, idx: usize) -> rusqlite::Result<UserId> {
    let text = text(row, idx)?;
    UserId::parse(text).ok_or_else(|| corrupt("user id", text))
}

pub fn group_id(row: &Row<'_>, idx: usize) -> rusqlite::Result<GroupId> {
    let text = text(row, idx)?;
    GroupId::parse(text).ok_or_else(|| corrupt("group id", text))
}

pub fn environment_id(row: &Row<'_>, idx: usize) -> rusqlite::Result<EnvironmentId> {
    let text = text(row, idx)?;
    EnvironmentId::parse(text).map_err(|_| corrupt("environment id", text))
}

pub fn email(row: &Row<'_>, idx: usize) -> rusqlite::Result<Email> {
    let text = text(row, idx)?;
    Email::from_stored(text).ok_or_else(|| corrupt("email", text))
}

pub fn time(row: &Row<'_>, idx: usize) -> rusqlite::Result<time::OffsetDateTime> {
    Ok(accountd_core::clock::from_millis(row.get(idx)?))
}

/// Parses an enum stored as text with the domain's own `parse`.
pub fn parsed<T>(
    row: &Row<'_>,
    idx: usize,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text = text(row, idx)?;
    parse(text).ok_or_else(|| corrupt(what, text))
}

pub fn millis(t: time::OffsetDateTime) -> i64 {
    accountd_core::clock::to_millis(t)
}

pub fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
