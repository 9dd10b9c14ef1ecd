//! The database of a test: SQLite in the test's directory, or, when [`DATABASE_URL_VAR`] names a
//! PostgreSQL server, a database of its own on that server, dropped with the test.

use std::path::PathBuf;
use std::time::Duration;

use tempfile::TempDir;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

/// Names the PostgreSQL server the integration tests run against, e.g.
/// `postgres://postgres@127.0.0.1:5432/test` (its database is only where the test connects to
/// create its own; the role needs `CREATEDB`). Unset or empty: SQLite.
pub const DATABASE_URL_VAR: &str = "ACCOUNTD_TEST_DATABASE_URL";

/// The PostgreSQL server of [`DATABASE_URL_VAR`], if the tests run on PostgreSQL.
pub fn postgres_server_url() -> Option<String> {
    std::env::var(DATABASE_URL_VAR)
        .ok()
        .filter(|url| !url.trim().is_empty())
}

pub(crate) enum TestDatabase {
    Sqlite(PathBuf),
    Postgres {
        /// The server's URL as given (with its own database).
        server: String,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    pub(crate) async fn create(dir: &TempDir) -> Result<Self, String> {
        let Some(server) = postgres_server_url() else {
            return Ok(Self::Sqlite(dir.path().join("accountd.db")));
        };
        if !(server.starts_with("postgres://") || server.starts_with("postgresql://")) {
            return Err(format!(
                "{DATABASE_URL_VAR} must be a postgres:// URL (or unset for SQLite), not '{server}'"
            ));
        }
        let (admin, connection) = tokio_postgres::connect(&server, NoTls)
            .await
            .map_err(|err| format!("cannot connect to {DATABASE_URL_VAR} ({server}): {err}"))?;
        let connection = tokio::spawn(connection);
        let name = format!("accountd_it_{}", uuid::Uuid::new_v4().simple());
        let mut attempt = 0;
        loop {
            attempt += 1;
            match admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
            {
                Ok(()) => break,
                // Another session is connected to the template (another test creating its
                // database at the same moment): wait a little.
                Err(err) if err.code() == Some(&SqlState::OBJECT_IN_USE) && attempt < 50 => {
                    tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
                }
                Err(err) => {
                    return Err(format!(
                        "cannot create the test database {name}: {}",
                        err.as_db_error()
                            .map_or_else(|| err.to_string(), |db| db.message().to_owned())
                    ));
                }
            }
        }
        drop(admin);
        let _ = connection.await;
        let url = with_database(&server, &name);
        Ok(Self::Postgres { server, name, url })
    }

    pub(crate) fn url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres { url, .. } => url.clone(),
        }
    }

    pub(crate) fn sqlite_path(&self) -> Option<PathBuf> {
        match self {
            Self::Sqlite(path) => Some(path.clone()),
            Self::Postgres { .. } => None,
        }
    }

    pub(crate) fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for TestDatabase {
    /// Drops the PostgreSQL database, ending the connections the (still running) servers hold.
    /// Best effort: a failure is printed, not raised. `Drop` cannot await, and it runs inside
    /// the test's runtime, so the statement runs on a runtime of its own in a thread of its own.
    fn drop(&mut self) {
        let Self::Postgres { server, name, .. } = self else {
            return;
        };
        let (server, name) = (server.clone(), name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|err| err.to_string())?;
            runtime.block_on(async {
                let (admin, connection) = tokio_postgres::connect(&server, NoTls)
                    .await
                    .map_err(|err| err.to_string())?;
                tokio::spawn(connection);
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(|err| format!("{name}: {err:?}"))
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(err)) => eprintln!("could not drop the test database: {err}"),
            Err(_) => eprintln!("could not drop the test database: the thread panicked"),
        }
    }
}

/// `url` with its database replaced by `name`, keeping the server and the parameters.
fn with_database(url: &str, name: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return format!("{url} dbname={name}");
    };
    let (location, query) = match rest.split_once('?') {
        Some((location, query)) => (location, Some(query)),
        None => (rest, None),
    };
    let authority = location.split('/').next().unwrap_or(location);
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn test_database_urls_keep_the_server_and_its_parameters() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/test?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
    }
}
