//! OAuth clients.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::AccountId;
use accountd_core::model::OAuthClient;
use accountd_core::scope::ScopeSet;
use accountd_core::secret::SecretDigest;
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::{conflict_or_internal, corrupt, internal};
use crate::{audit, rows};

const COLUMNS: &str = "client_id, account_id, name, secret_digest, scopes, created_at";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<OAuthClient> {
    let digest: Vec<u8> = row.get(3)?;
    let scopes: String = row.get(4)?;
    Ok(OAuthClient {
        client_id: row.get(0)?,
        account: rows::account_id(row, 1)?,
        name: row.get(2)?,
        secret_digest: SecretDigest::from_slice(&digest)
            .ok_or_else(|| corrupt("secret digest", "<bytes>"))?,
        scopes: ScopeSet::parse_space_separated(&scopes).map_err(|_| corrupt("scopes", &scopes))?,
        created_at: rows::time(row, 5)?,
    })
}

pub fn put(
    conn: &Connection,
    client: &OAuthClient,
    replace: bool,
    ctx: &AuditContext,
) -> Result<()> {
    let resource = || ("oauth_client", client.client_id.clone());
    let owner: Option<String> = conn
        .query_row(
            "SELECT account_id FROM oauth_clients WHERE client_id = ?1",
            [&client.client_id],
            |row| row.get(0),
        )
        .optional()
        .map_err(internal)?;
    match owner {
        Some(owner) if owner != client.account.to_string() => {
            return Err(Error::Conflict(format!(
                "OAuth client '{}' belongs to another account",
                client.client_id
            )));
        }
        Some(_) if replace => {
            let before = find(conn, &client.client_id).map_err(internal)?;
            conn.execute(
                "UPDATE oauth_clients SET name = ?2, secret_digest = ?3, scopes = ?4 WHERE client_id = ?1",
                params![client.client_id, client.name, client.secret_digest.0.as_slice(), client.scopes.to_space_separated()],
            )
            .map_err(internal)?;
            let before = before.as_ref().map(snapshot::client);
            return audit::event(
                conn,
                client.account,
                ctx,
                EventType::Update,
                resource(),
                before,
                Some(snapshot::client(client)),
            );
        }
        _ => {}
    }
    conn.execute(
        &format!("INSERT INTO oauth_clients ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        params![
            client.client_id,
            client.account.to_string(),
            client.name,
            client.secret_digest.0.as_slice(),
            client.scopes.to_space_separated(),
            rows::millis(client.created_at)
        ],
    )
    .map_err(|err| {
        conflict_or_internal(err, || {
            format!("OAuth client '{}' already exists", client.client_id)
        })
    })?;
    audit::event(
        conn,
        client.account,
        ctx,
        EventType::Create,
        resource(),
        None,
        Some(snapshot::client(client)),
    )
}

pub fn find(conn: &Connection, client_id: &str) -> rusqlite::Result<Option<OAuthClient>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM oauth_clients WHERE client_id = ?1"
    ))?
    .query_row([client_id], from_row)
    .optional()
}

pub fn list(conn: &Connection, account: AccountId) -> rusqlite::Result<Vec<OAuthClient>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM oauth_clients WHERE account_id = ?1 ORDER BY created_at, client_id"
    ))?;
    stmt.query_map([account.to_string()], from_row)?.collect()
}

pub fn delete(
    conn: &Connection,
    account: AccountId,
    client_id: &str,
    ctx: &AuditContext,
) -> Result<bool> {
    let before = find(conn, client_id)
        .map_err(internal)?
        .filter(|c| c.account == account);
    let n = conn
        .execute(
            "DELETE FROM oauth_clients WHERE client_id = ?1 AND account_id = ?2",
            params![client_id, account.to_string()],
        )
        .map_err(internal)?;
    if let Some(before) = before.filter(|_| n == 1) {
        let resource = ("oauth_client", client_id.to_owned());
        audit::event(
            conn,
            account,
            ctx,
            EventType::Delete,
            resource,
            Some(snapshot::client(&before)),
            None,
        )?;
    }
    Ok(n == 1)
}
