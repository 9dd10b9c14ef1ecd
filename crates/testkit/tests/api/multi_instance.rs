//! Several accountd instances on one PostgreSQL database, as behind a load balancer: whatever an
//! instance needs is in the database (token signing key, page-key MAC key, rate-limit state),
//! so a token, a write, a page key and a rate-limit budget all carry over from one instance to
//! the other, and races between instances lose cleanly. Each test returns at once, saying why,
//! unless `ACCOUNTD_TEST_DATABASE_URL` names a PostgreSQL server; on SQLite a second instance is
//! refused instead (one process per file), and the last test checks that.

use std::time::{Duration, Instant};

use accountd_server::rate_limit::RateLimitStore;
use accountd_testkit::{ALL_SCOPES, DATABASE_URL_VAR, TestApp, postgres_server_url};
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};

use crate::common::{advance, envelope, group_request, iam, json, user_request};

/// `true` (after saying so) when there is no PostgreSQL server to run on.
pub(crate) fn skip() -> bool {
    if postgres_server_url().is_some() {
        return false;
    }
    eprintln!(
        "skipped: several instances need a shared database; set {DATABASE_URL_VAR} \
         (e.g. postgres://postgres@127.0.0.1:5432/test) to run this test"
    );
    true
}

/// Two instances on one fresh database.
async fn two_instances(builder: accountd_testkit::TestAppBuilder) -> (TestApp, TestApp) {
    let a = builder.spawn().await;
    let b = a.second_instance().await;
    assert_ne!(a.base_url(), b.base_url());
    assert_eq!(a.database_url(), b.database_url());
    (a, b)
}

async fn get(app: &TestApp, account: &str, rest: &str, token: &str) -> reqwest::Response {
    app.http()
        .get(iam(app, account, rest))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn tokens_writes_and_page_keys_carry_over_between_instances() {
    if skip() {
        return;
    }
    let (a, b) = two_instances(TestApp::builder()).await;
    // Admin writes on A are read on B.
    let account = a.new_account().await;
    let shown = b.admin().get_account(&account.uuid).await.unwrap();
    assert_eq!(shown.uuid, account.uuid);

    // A token issued by A is accepted by B (one signing key, in the database).
    let (client_id, secret) = a.oauth_client(&account, &ALL_SCOPES).await;
    let on_a = a.client_with(&account.uuid, client_id.clone(), secret.clone());
    let token = on_a.token().await.unwrap();
    let response = get(&b, &account.uuid, "/users", &token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(json(response).await["totalCount"], 0);

    // A write on A is read on B, and the other way round.
    let user = on_a
        .create_user(&user_request("ada@example.com", "Ada", "Lovelace", None))
        .await
        .unwrap();
    let on_b = b.client_with(&account.uuid, client_id.clone(), secret.clone());
    assert_eq!(on_b.get_user("ada@example.com").await.unwrap(), user);
    let group = on_b
        .create_group(&group_request("Engineers", None))
        .await
        .unwrap();
    assert_eq!(on_a.get_group(&group.group_id).await.unwrap(), group);

    // A page started on A continues on B (one page-key MAC key, in the database).
    let mut created = vec![user];
    for i in 0..4 {
        created.push(
            on_a.create_user(&user_request(
                &format!("u{i}@example.com"),
                "U",
                "Ser",
                None,
            ))
            .await
            .unwrap(),
        );
    }
    let first = on_a.list_users(Some(2), None).await.unwrap();
    assert_eq!(first.items, created[..2]);
    let key = first.next_page_key.expect("a next page");
    let second = on_b.list_users(None, Some(&key)).await.unwrap();
    assert_eq!(second.items, created[2..4]);
    let key = second.next_page_key.expect("a last page");
    let third = get(
        &a,
        &account.uuid,
        &format!("/users?nextPageKey={key}"),
        &token,
    )
    .await;
    assert_eq!(third.status().as_u16(), 200);
    let third = json(third).await;
    assert_eq!(third["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(third["items"][0]["email"], "u3@example.com");

    // A client deleted on A: its tokens stop working on A at once and on B within the time B
    // trusts a checked token (1 s).
    a.admin()
        .delete_client(&account.uuid, &client_id)
        .await
        .unwrap();
    envelope(get(&a, &account.uuid, "/users", &token).await, 401).await;
    advance(&b, 2);
    envelope(get(&b, &account.uuid, "/users", &token).await, 401).await;
}

#[tokio::test]
async fn a_rate_limit_is_one_budget_across_instances() {
    if skip() {
        return;
    }
    let (a, b) = two_instances(TestApp::builder().rate_limit("3/min")).await;
    let account = a.new_account().await;
    let token = a.token(&account, &ALL_SCOPES).await;

    let mut remaining = Vec::new();
    for app in [&a, &a, &b] {
        let response = get(app, &account.uuid, "/users", &token).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit"), Some(3));
        remaining.push(header(&response, "x-ratelimit-remaining").unwrap());
    }
    assert_eq!(remaining, [2, 1, 0], "B counts on A's budget");
    // The fourth request, on B, is over the shared limit.
    let refused = get(&b, &account.uuid, "/users", &token).await;
    assert_eq!(refused.status().as_u16(), 429);
    let wait = header(&refused, RETRY_AFTER.as_str()).expect("Retry-After");
    assert!((1..=20).contains(&wait), "Retry-After: {wait}");
    assert_eq!(header(&refused, "x-ratelimit-remaining"), Some(0));
    envelope(refused, 429).await;
    // And so is the next one on A.
    envelope(get(&a, &account.uuid, "/users", &token).await, 429).await;

    // The budget refills with time for both: 20 s is one request at 3/min.
    advance(&a, 20);
    assert_eq!(
        get(&b, &account.uuid, "/users", &token)
            .await
            .status()
            .as_u16(),
        200
    );
    envelope(get(&a, &account.uuid, "/users", &token).await, 429).await;

    // An account override set through A applies on B too (once B re-checks the token).
    a.admin()
        .set_rate_limit(&account.uuid, Some("100/min"))
        .await
        .unwrap();
    advance(&a, 2);
    let response = get(&b, &account.uuid, "/users", &token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "x-ratelimit-limit"), Some(100));
    assert_eq!(header(&response, "x-ratelimit-remaining"), Some(99));
    let response = get(&a, &account.uuid, "/users", &token).await;
    assert_eq!(header(&response, "x-ratelimit-remaining"), Some(98));
}

#[tokio::test]
async fn in_memory_rate_limits_count_per_instance_when_asked_for() {
    if skip() {
        return;
    }
    let (a, b) = two_instances(
        TestApp::builder()
            .rate_limit("2/min")
            .rate_limit_store(RateLimitStore::Memory),
    )
    .await;
    let account = a.new_account().await;
    let token = a.token(&account, &ALL_SCOPES).await;
    for app in [&a, &a, &b, &b] {
        let response = get(app, &account.uuid, "/users", &token).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "each instance has its own budget"
        );
    }
    envelope(get(&a, &account.uuid, "/users", &token).await, 429).await;
    envelope(get(&b, &account.uuid, "/users", &token).await, 429).await;
}

#[tokio::test]
async fn concurrent_creates_of_one_email_on_both_instances_yield_exactly_one_user() {
    if skip() {
        return;
    }
    let (a, b) = two_instances(TestApp::builder()).await;
    let account = a.new_account().await;
    let token = a.token(&account, &ALL_SCOPES).await;
    let body = json!({"email": "race@example.com", "firstName": "R", "lastName": "Ace"});
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..20 {
        let url = iam(if i % 2 == 0 { &a } else { &b }, &account.uuid, "/users");
        let (http, token, body) = (a.http(), token.clone(), body.clone());
        requests.spawn(async move {
            let response = http
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, json(response).await)
        });
    }
    let (mut created, mut conflicts) = (0, 0);
    while let Some(outcome) = requests.join_next().await {
        match outcome.unwrap() {
            (200, user) => {
                assert_eq!(user["email"], "race@example.com");
                created += 1;
            }
            (409, body) => {
                assert_eq!(body["error"]["code"], 409, "{body}");
                conflicts += 1;
            }
            (status, body) => panic!("unexpected {status}: {body}"),
        }
    }
    assert_eq!((created, conflicts), (1, 19));
    let listed = json(get(&b, &account.uuid, "/users", &token).await).await;
    assert_eq!(listed["totalCount"], 1);
}

#[tokio::test]
async fn concurrent_membership_changes_from_both_instances_lose_no_update() {
    if skip() {
        return;
    }
    let (a, b) = two_instances(TestApp::builder()).await;
    let account = a.new_account().await;
    let client = a.client(&account, &ALL_SCOPES).await;
    let token = client.token().await.unwrap();
    let group = client
        .create_group(&group_request("Everyone", None))
        .await
        .unwrap();
    let mut uids = Vec::new();
    for i in 0..20 {
        let user = client
            .create_user(&user_request(
                &format!("m{i}@example.com"),
                "M",
                "Ember",
                None,
            ))
            .await
            .unwrap();
        uids.push(user.uid);
    }
    // Every user is added, one request each, half through each instance, all at once; then the
    // even ones are removed the same way.
    let members_url = |app: &TestApp| {
        iam(
            app,
            &account.uuid,
            &format!("/groups/{}/users", group.group_id),
        )
    };
    let mut adds = tokio::task::JoinSet::new();
    for (i, uid) in uids.iter().enumerate() {
        let url = members_url(if i % 2 == 0 { &a } else { &b });
        let (http, token, uid) = (a.http(), token.clone(), uid.clone());
        adds.spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!([uid]))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    while let Some(status) = adds.join_next().await {
        assert_eq!(status.unwrap(), 204);
    }
    let mut removals = tokio::task::JoinSet::new();
    for (i, uid) in uids.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let url = format!("{}/{uid}", members_url(if i % 4 == 0 { &a } else { &b }));
        let (http, token) = (a.http(), token.clone());
        removals.spawn(async move {
            http.delete(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    while let Some(status) = removals.join_next().await {
        assert_eq!(status.unwrap(), 204);
    }
    for app in [&a, &b] {
        let members = json(
            app.http()
                .get(members_url(app))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        let mut listed: Vec<&str> = members["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["uid"].as_str())
            .collect();
        listed.sort_unstable();
        let mut expected: Vec<&str> = uids.iter().skip(1).step_by(2).map(String::as_str).collect();
        expected.sort_unstable();
        assert_eq!(listed, expected);
    }
}

/// The name of the database in a `postgres://.../<name>` URL.
fn database_name(url: &str) -> &str {
    let path = url.rsplit('/').next().unwrap_or(url);
    path.split('?').next().unwrap_or(path)
}

#[tokio::test]
async fn a_vanished_database_is_answered_503_in_the_envelope_without_hanging() {
    if skip() {
        return;
    }
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    assert_eq!(
        get(&app, &account.uuid, "/users", &token)
            .await
            .status()
            .as_u16(),
        200
    );
    // The database goes away under the running server (every connection is ended).
    let server = postgres_server_url().unwrap();
    let (admin, connection) = tokio_postgres::connect(&server, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute(&format!(
            "DROP DATABASE {} WITH (FORCE)",
            database_name(&app.database_url())
        ))
        .await
        .unwrap();

    for path in ["/users", "/groups"] {
        let started = Instant::now();
        let response = get(&app, &account.uuid, path, &token).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "answered in {:?}",
            started.elapsed()
        );
        assert_eq!(header(&response, RETRY_AFTER.as_str()), Some(1));
        let body: Value = envelope(response, 503).await;
        assert!(
            !body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("postgres"),
            "{body}"
        );
    }
    let ready = app.http().get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 503);
}

#[tokio::test]
async fn an_unreachable_database_stops_startup_with_a_message_not_a_hang() {
    // Nothing listens on port 1: runs without a PostgreSQL server.
    let mut config =
        accountd_server::Config::with_database("postgres://postgres:secret@127.0.0.1:1/accountd");
    config.db_connect_timeout_ms = 2_000;
    let clock = std::sync::Arc::new(accountd_core::SystemClock);
    let started = Instant::now();
    let err = accountd_server::start(&config, clock)
        .await
        .err()
        .expect("no server without its database");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        err.contains("127.0.0.1:1") && err.contains("cannot connect"),
        "{err}"
    );
    assert!(!err.contains("secret"), "the password is not shown: {err}");
}

/// A SQLite file belongs to one process: the store caches what only its own writes change, so a
/// second instance on the same file would serve stale users. It is refused, saying why.
#[tokio::test]
async fn a_second_instance_on_one_sqlite_file_is_refused_saying_why() {
    let a = TestApp::builder().spawn().await;
    if a.backend() != "sqlite" {
        eprintln!(
            "skipped: this test is about SQLite, and the database is {}",
            a.backend()
        );
        return;
    }
    let refused = match a.try_second_instance().await {
        Ok(_) => panic!("a second accountd started on the same SQLite file"),
        Err(err) => err,
    };
    assert!(
        refused.contains("in use by another accountd process"),
        "{refused}"
    );
    assert!(refused.contains("PostgreSQL"), "{refused}");
    // The first instance is unaffected.
    let ready = a
        .http()
        .get(format!("{}/readyz", a.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}

/// `--sqlite-file-access`: by default SQLite keeps the WAL index in the process (no `-shm` file,
/// no other program can open the file); `shared` uses the `-shm` file other programs share.
#[tokio::test]
async fn sqlite_file_access_picks_where_the_wal_index_lives() {
    use accountd_server::config::SqliteFileAccess;
    for (access, shm_expected) in [
        (SqliteFileAccess::Exclusive, false),
        (SqliteFileAccess::Shared, true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("accountd.db");
        let mut config =
            accountd_server::Config::with_database(format!("sqlite://{}", file.display()));
        config.sqlite_file_access = access;
        let started =
            accountd_server::start(&config, std::sync::Arc::new(accountd_core::SystemClock))
                .await
                .unwrap();
        // Starting without a bootstrap file wrote the demo account.
        assert!(started.demo.is_some());
        let shm = dir.path().join("accountd.db-shm");
        assert_eq!(shm.exists(), shm_expected, "{access:?}");
        started.server.shutdown().await.unwrap();
    }
}
