//! Running a story on a fresh store of each backend.

use std::future::Future;
use std::sync::Arc;

use accountd_core::store::Store;
use accountd_store_postgres::{PostgresOptions, PostgresStore};
use accountd_store_sqlite::SqliteStore;
use tokio_postgres::NoTls;

/// Names the PostgreSQL server the PostgreSQL tests use, e.g.
/// `postgres://postgres@127.0.0.1:5432/test`; each test creates (and drops) a database of its
/// own on that server, so the role needs `CREATEDB`.
pub const POSTGRES_URL_VAR: &str = "ACCOUNTD_TEST_POSTGRES_URL";

/// Runs `story` on a new SQLite database in a temporary directory.
pub async fn run_sqlite<F, Fut>(story: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("store.db")).expect("open store");
    story(Arc::new(store)).await;
}

/// The server named by [`POSTGRES_URL_VAR`], if set.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Says that a PostgreSQL test did not run; `true` when it should not.
pub fn skip_postgres() -> bool {
    if postgres_url().is_some() {
        return false;
    }
    eprintln!(
        "skipped: set {POSTGRES_URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/test) to run \
         the PostgreSQL tests"
    );
    true
}

/// Runs `story` on a new PostgreSQL database, dropped afterwards (also when the story fails).
/// Returns at once, saying so, when [`POSTGRES_URL_VAR`] is not set.
pub async fn run_postgres<F, Fut>(story: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if skip_postgres() {
        return;
    }
    let db = TestDatabase::create().await;
    let store = PostgresStore::connect(db.url(), PostgresOptions::default())
        .await
        .expect("connect to the test database");
    // In a task of its own, so that a failing story still lets the database be dropped.
    let outcome = tokio::spawn(story(Arc::new(store))).await;
    db.drop().await;
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("the story did not finish: {err}"),
        }
    }
}

/// A database of its own for one test on the server of [`POSTGRES_URL_VAR`].
pub struct TestDatabase {
    admin: tokio_postgres::Client,
    name: String,
    url: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let server = postgres_url().expect("ACCOUNTD_TEST_POSTGRES_URL is set");
        let (admin, connection) = tokio_postgres::connect(&server, NoTls)
            .await
            .unwrap_or_else(|err| panic!("cannot connect to {POSTGRES_URL_VAR}: {err}"));
        tokio::spawn(connection);
        let name = format!("accountd_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|err| panic!("cannot create the test database {name}: {err:?}"));
        let url = with_database(&server, &name);
        Self { admin, name, url }
    }

    /// The URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A connection of its own to this database, as the test's administrator.
    pub async fn connect_as_admin(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .expect("connect to the test database");
        tokio::spawn(connection);
        client
    }

    /// Runs `sql` in this database as the test's administrator.
    pub async fn execute_as_admin(&self, sql: &str) {
        let client = self.connect_as_admin().await;
        client.batch_execute(sql).await.expect("admin statement");
    }

    /// Drops the database, ending any connection still open to it.
    pub async fn drop(self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(err) = self.admin.batch_execute(&sql).await {
            eprintln!("could not drop the test database {}: {err:?}", self.name);
        }
    }
}

/// `url` with its database replaced by `name` (URL or libpq key=value form).
fn with_database(url: &str, name: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // key=value: a later key wins.
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
    fn test_database_urls_keep_the_server_and_parameters() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/test?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
        assert_eq!(
            with_database("host=h user=u", "x"),
            "host=h user=u dbname=x"
        );
    }
}
