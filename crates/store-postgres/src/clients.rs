//! OAuth clients.

use accountd_core::Error;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::AccountId;
use accountd_core::model::OAuthClient;
use accountd_core::scope::ScopeSet;
use accountd_core::secret::SecretDigest;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use crate::errors::{DbResult, corrupt};
use crate::{audit, db, rows};

const COLUMNS: &str = "client_id, account_id, name, secret_digest, scopes, created_at";

fn from_row(row: &Row) -> DbResult<OAuthClient> {
    let digest: Vec<u8> = row.try_get(3)?;
    let scopes: String = row.try_get(4)?;
    Ok(OAuthClient {
        client_id: row.try_get(0)?,
        account: rows::account_id(row, 1)?,
        name: row.try_get(2)?,
        secret_digest: SecretDigest::from_slice(&digest)
            .ok_or_else(|| corrupt("secret digest", "<bytes>"))?,
        scopes: ScopeSet::parse_space_separated(&scopes).map_err(|_| corrupt("scopes", &scopes))?,
        created_at: rows::time(row, 5)?,
    })
}

pub(crate) async fn put(
    tx: &Transaction<'_>,
    client: &OAuthClient,
    replace: bool,
    ctx: &AuditContext,
) -> DbResult<()> {
    let resource = || ("oauth_client", client.client_id.clone());
    let exists = || {
        Error::Conflict(format!(
            "OAuth client '{}' already exists",
            client.client_id
        ))
    };
    // Twice at most: a client that another transaction inserts between the look and the insert
    // is found (and locked) by the second look, as a serial execution would have found it.
    for _ in 0..2 {
        match find_locked(tx, &client.client_id).await? {
            Some(before) if before.account != client.account => {
                return Err(Error::Conflict(format!(
                    "OAuth client '{}' belongs to another account",
                    client.client_id
                ))
                .into());
            }
            Some(before) if replace => {
                db::execute(
                    tx,
                    "UPDATE oauth_clients SET name = $2, secret_digest = $3, scopes = $4 WHERE client_id = $1",
                    &[
                        &client.client_id,
                        &client.name,
                        &client.secret_digest.0.as_slice(),
                        &client.scopes.to_space_separated(),
                    ],
                )
                .await?;
                return audit::event(
                    tx,
                    client.account,
                    ctx,
                    EventType::Update,
                    resource(),
                    Some(snapshot::client(&before)),
                    Some(snapshot::client(client)),
                )
                .await;
            }
            Some(_) => return Err(exists().into()),
            None => {}
        }
        let inserted = db::execute(
            tx,
            &format!(
                "INSERT INTO oauth_clients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (client_id) DO NOTHING"
            ),
            &[
                &client.client_id,
                client.account.as_uuid(),
                &client.name,
                &client.secret_digest.0.as_slice(),
                &client.scopes.to_space_separated(),
                &rows::ts(client.created_at),
            ],
        )
        .await?;
        if inserted == 1 {
            return audit::event(
                tx,
                client.account,
                ctx,
                EventType::Create,
                resource(),
                None,
                Some(snapshot::client(client)),
            )
            .await;
        }
    }
    Err(exists().into())
}

/// The client, its row locked until the transaction ends.
async fn find_locked(tx: &Transaction<'_>, client_id: &str) -> DbResult<Option<OAuthClient>> {
    db::query_opt(
        tx,
        &format!("SELECT {COLUMNS} FROM oauth_clients WHERE client_id = $1 FOR UPDATE"),
        &[&client_id],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub(crate) async fn find<C: GenericClient>(
    client: &C,
    client_id: &str,
) -> DbResult<Option<OAuthClient>> {
    db::query_opt(
        client,
        &format!("SELECT {COLUMNS} FROM oauth_clients WHERE client_id = $1"),
        &[&client_id],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
) -> DbResult<Vec<OAuthClient>> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    db::query(
        client,
        &format!(
            "SELECT {COLUMNS} FROM oauth_clients WHERE account_id = $1 \
             ORDER BY created_at, client_id COLLATE \"C\""
        ),
        &[account.as_uuid()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub(crate) async fn delete(
    tx: &Transaction<'_>,
    account: AccountId,
    client_id: &str,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let before = find(tx, client_id).await?.filter(|c| c.account == account);
    let n = db::execute(
        tx,
        "DELETE FROM oauth_clients WHERE client_id = $1 AND account_id = $2",
        &[&client_id, account.as_uuid()],
    )
    .await?;
    if let Some(before) = before.filter(|_| n == 1) {
        audit::event(
            tx,
            account,
            ctx,
            EventType::Delete,
            ("oauth_client", client_id.to_owned()),
            Some(snapshot::client(&before)),
            None,
        )
        .await?;
    }
    Ok(n == 1)
}
