//! A database server that stops answering without closing its connections (hung, or behind a
//! partition the kernel has not noticed yet): store calls give up as `Unavailable` after the
//! statement timeout plus the connect timeout instead of hanging, and work again once the server
//! answers. A proxy between the store and the server plays the unresponsive server by ceasing to
//! forward bytes. Returns at once, saying so, unless `ACCOUNTD_TEST_POSTGRES_URL` names a
//! server (a role that may create databases).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use accountd_core::Error;
use accountd_core::store::Store;
use accountd_store_postgres::{PostgresOptions, PostgresStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_postgres::NoTls;
use tokio_postgres::config::Host;

/// Copies `from` to `to` while not frozen; while frozen, reads nothing (the bytes wait in the
/// kernel's buffers, acknowledged, as they would at a hung server).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if to.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// A proxy on 127.0.0.1:0 to `upstream`; returns its port.
async fn proxy(upstream: String, frozen: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(&upstream).await else {
                continue;
            };
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(pump(client_read, server_write, frozen.clone()));
            tokio::spawn(pump(server_read, client_write, frozen.clone()));
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unresponsive_server_is_unavailable_after_the_deadline_not_a_hang() {
    let Some(server) = std::env::var("ACCOUNTD_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        eprintln!(
            "skipped: set ACCOUNTD_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
        );
        return;
    };
    let config: tokio_postgres::Config = server.parse().unwrap();
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        other => panic!("a TCP host is needed, not {other:?}"),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres").to_owned();

    let (admin, connection) = tokio_postgres::connect(&server, NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("accountd_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();

    let frozen = Arc::new(AtomicBool::new(false));
    let proxied = proxy(format!("{host}:{port}"), frozen.clone()).await;
    let options = PostgresOptions {
        pool_size: 4,
        statement_timeout: Duration::from_millis(300),
        connect_timeout: Duration::from_millis(700),
    };
    let url = format!("postgres://{user}@127.0.0.1:{proxied}/{name}");
    let store = PostgresStore::connect(&url, options).await.unwrap();
    store.ping().await.unwrap();

    frozen.store(true, Ordering::SeqCst);
    // First on a pooled connection (the deadline: 300 + 700 ms), then on a new one (the connect
    // timeout: 700 ms, the stuck connection having been discarded).
    for at_least in [Duration::from_millis(950), Duration::from_millis(650)] {
        let started = Instant::now();
        let outcome = store.count_accounts().await;
        let took = started.elapsed();
        assert!(matches!(outcome, Err(Error::Unavailable(_))), "{outcome:?}");
        assert!(took < Duration::from_secs(3), "gave up after {took:?}");
        assert!(took >= at_least, "gave up early, after {took:?}");
    }

    frozen.store(false, Ordering::SeqCst);
    assert_eq!(store.count_accounts().await.unwrap(), 0, "answers again");

    drop(store);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
}
