//! The typed client's features the CLI relies on: lazy streams and the 429 retry policy.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use accountd_client::{RetryEvent, RetryPolicy};
use accountd_testkit::TestApp;
use futures::TryStreamExt;

use crate::common::Cli;

#[tokio::test]
async fn streams_match_the_pages() {
    let cli = Cli::seeded().await;
    let client = cli.client();
    let groups: Vec<String> = client
        .groups_stream(Some(1))
        .map_ok(|g| g.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(groups, ["Admins", "Developers", "Auditors"]);
    let envs: Vec<String> = client
        .environments_stream(Some(1))
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(envs, ["prod0001", "stag0001"]);
    let users = client.list_all_users(Some(3)).await.unwrap();
    assert_eq!(users.len(), 4);
    let events = client
        .audit_events_stream(Some(2), Some("group".into()))
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(events.iter().all(|e| e.resource_type == "group"));
    assert!(events.len() >= 3, "{events:?}");
}

#[tokio::test]
async fn a_stream_ends_with_the_first_error() {
    let app = TestApp::builder().rate_limit("1/min").spawn().await;
    let account = app.new_account().await;
    let client = app
        .client(&account, &accountd_testkit::ALL_SCOPES)
        .await
        .with_retry_policy(RetryPolicy::none());
    let results: Vec<_> = futures::StreamExt::collect::<Vec<_>>(client.users_stream(None)).await;
    // The first page passes (an empty account: one page); a second stream is refused at once.
    assert_eq!(results.len(), 0);
    let results: Vec<_> = futures::StreamExt::collect::<Vec<_>>(client.users_stream(None)).await;
    assert_eq!(results.len(), 1);
    let err = results.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
}

#[tokio::test]
async fn the_client_waits_as_told_and_reports_each_retry() {
    let app = TestApp::builder().rate_limit("2/s").spawn().await;
    let account = app.new_account().await;
    let seen: Arc<Mutex<Vec<RetryEvent>>> = Arc::default();
    let log = seen.clone();
    let client = app
        .client(&account, &accountd_testkit::ALL_SCOPES)
        .await
        .on_retry(move |event| log.lock().unwrap().push(event.clone()));
    for _ in 0..5 {
        client.list_groups(None, None).await.unwrap();
    }
    let events = seen.lock().unwrap().clone();
    assert!(
        !events.is_empty(),
        "5 requests at 2/s meet at least one 429"
    );
    for event in &events {
        assert_eq!(event.status.as_u16(), 429);
        assert!(event.from_server, "Retry-After is honoured");
        assert!(event.wait >= Duration::from_secs(1), "{:?}", event.wait);
        assert!(
            event.wait <= Duration::from_millis(1_100),
            "{:?}",
            event.wait
        );
        assert!(!event.message.is_empty());
    }
}

#[tokio::test]
async fn a_wait_longer_than_allowed_fails_at_once() {
    let app = TestApp::builder().rate_limit("1/min").spawn().await;
    let account = app.new_account().await;
    let client = app.client(&account, &accountd_testkit::ALL_SCOPES).await;
    client.list_groups(None, None).await.unwrap();
    let started = std::time::Instant::now();
    let err = client.list_groups(None, None).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no waiting for 60 s"
    );
    assert_eq!(client.retry_policy(), &RetryPolicy::default());
}
