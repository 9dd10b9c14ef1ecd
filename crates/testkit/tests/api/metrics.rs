//! `GET /metrics`: Prometheus text with requests by route and status, latency histograms, token
//! grants and store latency. The recorder is shared by every server in this test process, so
//! the assertions look for lines, not exact totals.

use accountd_testkit::TestApp;

use crate::common::token_form;

#[tokio::test]
async fn metrics_count_requests_token_grants_and_store_reads() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let (id, secret) = app.oauth_client(&account, &["account-idm-read"]).await;
    let http = app.http();
    let grant = [
        ("grant_type", "client_credentials"),
        ("client_id", id.as_str()),
    ];
    token_form(&app, &[grant[0], grant[1], ("client_secret", "wrong")]).await;
    token_form(
        &app,
        &[grant[0], grant[1], ("client_secret", secret.as_str())],
    )
    .await;
    http.get(app.url("/healthz")).send().await.unwrap();

    let response = http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    for expected in [
        r#"http_requests_total{method="GET",route="/healthz",status="200"}"#,
        r#"http_requests_total{method="POST",route="/sso/oauth2/token",status="401"}"#,
        r#"token_grants_total{result="ok"}"#,
        r#"token_grants_total{result="invalid_client"}"#,
        r#"http_request_duration_seconds_bucket{method="GET",route="/healthz",le="0.001"}"#,
        "store_read_seconds_count",
        "store_write_batch_size_count",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
    // The pool gauges are read from the store at each scrape. Other tests' servers share the
    // recorder and may scrape at the same moment, so one gauge may come from another server's
    // scrape than the next: each is checked against the pool's bounds, not their sum.
    let gauge = |name: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("missing {name} in:\n{text}"))
    };
    let max = gauge("store_pool_max_connections");
    let in_use = gauge(r#"store_pool_connections{state="in_use"}"#);
    let idle = gauge(r#"store_pool_connections{state="idle"}"#);
    let waiting = gauge("store_pool_waiting");
    assert!(max >= 1.0, "max {max}");
    assert!(
        (0.0..=max).contains(&in_use) && (0.0..=max).contains(&idle),
        "in use {in_use}, idle {idle}, max {max}"
    );
    assert!(waiting >= 0.0, "waiting {waiting}");
}

/// On SQLite, user reads by uid count as hits or misses of the user cache: the first read after a
/// write misses, the next one hits.
#[tokio::test]
async fn user_cache_hits_and_misses_are_counted_on_sqlite() {
    let (app, _account, client) = crate::common::setup().await;
    if app.backend() != "sqlite" {
        eprintln!(
            "skipped: the user cache is SQLite's, and the database is {}",
            app.backend()
        );
        return;
    }
    let created = client
        .create_user(&crate::common::user_request(
            "cached@example.com",
            "Ca",
            "Che",
            None,
        ))
        .await
        .unwrap();
    client.get_user(&created.uid).await.unwrap();
    client.get_user(&created.uid).await.unwrap();
    let text = crate::common::text_of(&app, "/metrics").await;
    for expected in [
        r#"store_user_cache_total{result="miss"}"#,
        r#"store_user_cache_total{result="hit"}"#,
        "store_user_cache_entries",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
}

/// With `--metrics-access admin`, `/metrics` answers only the admin token: no token and an OAuth
/// access token (even one with every scope) are 401s that say what is needed.
#[tokio::test]
async fn metrics_need_the_admin_token_when_access_is_admin() {
    use accountd_server::config::MetricsAccess;
    use accountd_testkit::ADMIN_TOKEN;

    let app = TestApp::builder()
        .metrics_access(MetricsAccess::Admin)
        .spawn()
        .await;
    let account = app.new_account().await;
    let token = app
        .token(&account, &["account-idm-read", "account-idm-write"])
        .await;
    let http = app.http();

    let anonymous = http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let body = anonymous.text().await.unwrap();
    assert!(body.contains("--metrics-access admin"), "{body}");

    let oauth = http
        .get(app.url("/metrics"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(oauth.status(), 401);

    let admin = http
        .get(app.url("/metrics"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 200);
    assert!(
        admin
            .text()
            .await
            .unwrap()
            .contains("store_pool_max_connections")
    );
}
