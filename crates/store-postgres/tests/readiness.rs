//! Readiness (`ping`, behind `/readyz`) checks the schema, not only that the server answers: a
//! database recreated empty under a running instance would fail every request, so the instance
//! reports itself not ready. Returns at once, saying so, unless `ACCOUNTD_TEST_POSTGRES_URL`
//! names a server (a role that may create databases).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use accountd_core::store::Store;
use accountd_store_postgres::{PostgresOptions, PostgresStore};
use tokio_postgres::NoTls;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_recreated_empty_under_the_instance_is_not_ready() {
    let Some(server) = std::env::var("ACCOUNTD_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        eprintln!(
            "skipped: set ACCOUNTD_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
        );
        return;
    };
    let (admin, connection) = tokio_postgres::connect(&server, NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("accountd_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    let store = PostgresStore::connect(&format!("{base}/{name}"), PostgresOptions::default())
        .await
        .unwrap();
    store.ping().await.unwrap();

    for sql in [
        format!("DROP DATABASE {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        admin.batch_execute(&sql).await.unwrap();
    }
    let outcome = store.ping().await;
    assert!(outcome.is_err(), "ready on an empty database: {outcome:?}");

    drop(store);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
}
