//! Users as SCIM serves them: human users (kind 'HUMAN'; service users are no SCIM users) with
//! their SCIM columns and their groups' names.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, UserId};
use accountd_core::model::User;
use accountd_core::scim::{
    GroupRef, Replaced, ScimKey, ScimQuery, ScimSlice, ScimUser, ScimUserAttrs, ScimUserChange,
};
use deadpool_postgres::{GenericClient, Transaction};
use serde_json::{Map, Value};
use tokio_postgres::Row;

use crate::errors::{DbResult, conflict, corrupt};
use crate::users::user_columns;
use crate::{audit, db, paging, rows, users};

/// The columns of `users::SELECT` (decoded by `users::from_row`), then the SCIM columns and the
/// names of the user's groups (in the order of its group ids). Alias `u`.
const SELECT: &str = concat!(
    "SELECT ",
    user_columns!(),
    ", u.user_name, u.external_id, u.scim_extra, ARRAY(SELECT g.name FROM memberships m \
     JOIN user_groups g ON g.seq = m.group_seq WHERE m.user_seq = u.seq ORDER BY g.seq) \
     AS group_names FROM users u"
);

/// A row of [`SELECT`].
fn from_row(row: &Row) -> DbResult<ScimUser> {
    let (user, _) = users::from_row(row)?;
    let extra: Option<String> = row.try_get(11)?;
    let extra = match extra {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            _ => return Err(corrupt("SCIM attributes", &text)),
        },
    };
    let names: Vec<String> = row.try_get(12)?;
    if names.len() != user.groups.len() {
        return Err(corrupt("group names", &names.join(", ")));
    }
    let groups = user
        .groups
        .iter()
        .zip(names)
        .map(|(id, name)| GroupRef { id: *id, name })
        .collect();
    Ok(ScimUser {
        attrs: ScimUserAttrs {
            user_name: row.try_get(9)?,
            external_id: row.try_get(10)?,
            extra,
        },
        user,
        groups,
    })
}

/// The stored form of the further attributes: NULL when there are none.
fn extra_text(attrs: &ScimUserAttrs) -> Option<String> {
    (!attrs.extra.is_empty()).then(|| Value::Object(attrs.extra.clone()).to_string())
}

/// The case-folded userName uniqueness and lookups use (as `Email::key` folds addresses).
fn user_name_key(attrs: &ScimUserAttrs) -> Option<String> {
    attrs.user_name.as_deref().map(str::to_lowercase)
}

fn taken(user_name: &str) -> String {
    format!(
        "a user with the userName or email address '{user_name}' already exists in this account"
    )
}

pub(crate) async fn get<C: GenericClient>(
    client: &C,
    account: AccountId,
    uid: UserId,
) -> DbResult<Option<ScimUser>> {
    db::query_opt(
        client,
        &format!("{SELECT} WHERE u.uid = $1 AND u.account_id = $2 AND u.kind = 'HUMAN'"),
        &[uid.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// The human user at row `seq`.
async fn load<C: GenericClient>(client: &C, seq: i64) -> DbResult<ScimUser> {
    let row = db::query_one(client, &format!("{SELECT} WHERE u.seq = $1"), &[&seq]).await?;
    from_row(&row)
}

pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &User,
    attrs: &ScimUserAttrs,
    ctx: &AuditContext,
) -> DbResult<()> {
    let user_name = attrs.user_name.as_deref().unwrap_or(user.email.as_str());
    db::execute(
        tx,
        "INSERT INTO users (uid, account_id, email, email_key, first_name, last_name, status, created_at, \
         modified_at, user_name, user_name_key, external_id, scim_extra) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            user.uid.as_uuid(),
            account.as_uuid(),
            &user.email.as_str(),
            &user.email.key(),
            &user.first_name,
            &user.last_name,
            &user.status.as_str(),
            &rows::ts(user.created_at),
            &rows::ts(user.modified_at),
            &attrs.user_name,
            &user_name_key(attrs),
            &attrs.external_id,
            &extra_text(attrs),
        ],
    )
    .await
    .map_err(|err| conflict(err, || taken(user_name)))?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("user", user.uid.to_string()),
        None,
        Some(snapshot::user(user)),
    )
    .await
}

pub(crate) async fn replace(
    tx: &Transaction<'_>,
    account: AccountId,
    uid: UserId,
    change: &ScimUserChange,
    ctx: &AuditContext,
) -> DbResult<Replaced<ScimUser>> {
    // The lock every change to a user takes (see `users::find_locked`); the user is read after
    // it is granted, by a statement of its own, so it is the state the last change left.
    let locked = db::query_opt(
        tx,
        "SELECT seq FROM users WHERE uid = $1 AND account_id = $2 AND kind = 'HUMAN' FOR UPDATE",
        &[uid.as_uuid(), account.as_uuid()],
    )
    .await?;
    let Some(locked) = locked else {
        return Ok(Replaced::NotFound);
    };
    let seq: i64 = locked.try_get(0)?;
    let before = load(tx, seq).await?;
    // Both at the stored (millisecond) precision.
    if rows::ts(before.user.modified_at) != rows::ts(change.expected_modified_at) {
        return Ok(Replaced::Stale);
    }
    let attrs = &change.attrs;
    let user_name = attrs.user_name.as_deref().unwrap_or(change.email.as_str());
    db::execute(
        tx,
        "UPDATE users SET email = $2, email_key = $3, first_name = $4, last_name = $5, status = $6, \
         modified_at = $7, user_name = $8, user_name_key = $9, external_id = $10, scim_extra = $11 \
         WHERE seq = $1",
        &[
            &seq,
            &change.email.as_str(),
            &change.email.key(),
            &change.first_name,
            &change.last_name,
            &change.status.as_str(),
            &rows::ts(change.modified_at),
            &attrs.user_name,
            &user_name_key(attrs),
            &attrs.external_id,
            &extra_text(attrs),
        ],
    )
    .await
    .map_err(|err| conflict(err, || taken(user_name)))?;
    let after = load(tx, seq).await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Update,
        ("user", uid.to_string()),
        Some(snapshot::user(&before.user)),
        Some(snapshot::user(&after.user)),
    )
    .await?;
    Ok(Replaced::Done(after))
}

/// Human users in creation order, narrowed by `query.key`; the window and the count are one
/// statement.
pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &ScimQuery,
) -> DbResult<ScimSlice<ScimUser>> {
    let (condition, value) = match &query.key {
        None => ("", None),
        Some(ScimKey::UserName(name)) => (
            " AND coalesce(u.user_name_key, u.email_key) = $4",
            Some(name.to_lowercase()),
        ),
        Some(ScimKey::ExternalId(id)) => (" AND u.external_id = $4", Some(id.clone())),
        // Users have no stored displayName to narrow by.
        Some(ScimKey::DisplayName(_)) => {
            return Ok(ScimSlice {
                total: 0,
                items: Vec::new(),
            });
        }
    };
    let sql = paging::sql(
        &format!(
            "{SELECT} WHERE u.account_id = $1 AND u.kind = 'HUMAN'{condition} ORDER BY u.seq \
             LIMIT $2 OFFSET $3"
        ),
        &format!(
            "SELECT count(*) FROM users u WHERE u.account_id = $1 AND u.kind = 'HUMAN'{condition}"
        ),
        "ASC",
    );
    let (limit, offset) = paging::window(query);
    let found = match &value {
        Some(value) => {
            db::query(client, &sql, &[account.as_uuid(), &limit, &offset, value]).await?
        }
        None => db::query(client, &sql, &[account.as_uuid(), &limit, &offset]).await?,
    };
    paging::slice(found, from_row)
}
