#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
//! Durability across `kill -9`: every write that got a 2xx is present after a restart, and the
//! database passes SQLite's integrity check. Runs the real `accountd` binary as a child process.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accountd_core::store::Store;
use accountd_store_sqlite::SqliteStore;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

const ACCOUNT: &str = "6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c";
const BOOTSTRAP: &str = r#"
accounts:
  - uuid: 6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c
    name: Crash test
    oauthClients:
      - {clientId: dt0s02.CRASH, clientSecret: dt0s02.CRASH.SECRET, scopes: [account-idm-read, account-idm-write]}
"#;

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

struct Server {
    child: Child,
    base: String,
}

async fn start(dir: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_accountd"))
        .arg("serve")
        .arg("--database")
        .arg(format!("sqlite://{}", dir.join("accountd.db").display()))
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--bootstrap")
        .arg(dir.join("bootstrap.yaml"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start accountd");
    let base = format!("http://127.0.0.1:{port}");
    // A separate process: poll its readiness, bounded.
    let deadline = Instant::now() + Duration::from_secs(20);
    let http = reqwest::Client::new();
    loop {
        if let Ok(response) = http.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "accountd did not become ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Server { child, base }
}

async fn token(http: &reqwest::Client, base: &str) -> String {
    let response = http
        .post(format!("{base}/sso/oauth2/token"))
        .basic_auth("dt0s02.CRASH", Some("dt0s02.CRASH.SECRET"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    let body: serde_json::Value = response.json().await.expect("token json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// Rounds of kill -9: `ACCOUNTD_CRASH_ROUNDS` (bench/crash.sh runs 20; the test suite 4).
fn rounds() -> usize {
    std::env::var("ACCOUNTD_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

/// A random delay between 30 and 330 ms, so each round is killed at a different moment.
/// `POST` (a new user) or `PUT` (its new state, by email) of the user `email`, named `first last`.
async fn send_user(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    method: reqwest::Method,
    email: &str,
    (first, last): (&str, &str),
) -> reqwest::Result<reqwest::Response> {
    let users = format!("{base}/iam/v1/accounts/{ACCOUNT}/users");
    let url = if method == reqwest::Method::PUT {
        format!("{users}/{email}")
    } else {
        users
    };
    http.request(method, url)
        .bearer_auth(token)
        .json(&serde_json::json!({"email": email, "firstName": first, "lastName": last}))
        .send()
        .await
}

fn random_delay() -> Duration {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    Duration::from_millis(30 + u64::from(u16::from_le_bytes([bytes[0], bytes[1]]) % 300))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bootstrap.yaml"), BOOTSTRAP).expect("write bootstrap");
    let http = reqwest::Client::new();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut acknowledged_updates: Vec<String> = Vec::new();

    for round in 0..rounds() {
        let mut server = start(dir.path()).await;
        let token = token(&http, &server.base).await;
        let acked = Arc::new(Mutex::new((Vec::new(), Vec::new())));
        let mut writers = JoinSet::new();
        for writer in 0..16 {
            let (http, base, token, acked) = (
                http.clone(),
                server.base.clone(),
                token.clone(),
                acked.clone(),
            );
            writers.spawn(async move {
                for n in 0.. {
                    // Create a user, then update it: both must survive once acknowledged.
                    let email = format!("r{round}-w{writer}-n{n}@example.com");
                    let created = send_user(
                        &http,
                        &base,
                        &token,
                        reqwest::Method::POST,
                        &email,
                        ("Crash", "Test"),
                    )
                    .await;
                    match created {
                        Ok(response) if response.status().is_success() => {
                            acked.lock().await.0.push(email.clone())
                        }
                        _ => return,
                    }
                    let updated = send_user(
                        &http,
                        &base,
                        &token,
                        reqwest::Method::PUT,
                        &email,
                        ("Crash", "Updated"),
                    )
                    .await;
                    match updated {
                        Ok(response) if response.status().is_success() => {
                            acked.lock().await.1.push(email)
                        }
                        _ => return,
                    }
                }
            });
        }
        // Kill without warning at a random moment while requests are in flight.
        tokio::time::sleep(random_delay()).await;
        server.child.kill().expect("kill -9");
        server.child.wait().expect("reap");
        while writers.join_next().await.is_some() {}
        let (created, updated) = acked.lock().await.clone();
        acknowledged.extend(created);
        acknowledged_updates.extend(updated);
    }
    assert!(
        !acknowledged.is_empty(),
        "no write was acknowledged in any round"
    );

    let mut server = start(dir.path()).await;
    let token = token(&http, &server.base).await;
    let mut stored = std::collections::HashMap::new();
    let mut key: Option<String> = None;
    loop {
        let mut request = http
            .get(format!("{}/iam/v1/accounts/{ACCOUNT}/users", server.base))
            .bearer_auth(&token);
        request = match &key {
            Some(key) => request.query(&[("nextPageKey", key.as_str()), ("pageSize", "1000")]),
            None => request.query(&[("pageSize", "1000")]),
        };
        let page: serde_json::Value = request
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        for user in page["items"].as_array().expect("items") {
            let email = user["email"].as_str().expect("email").to_owned();
            stored.insert(
                email,
                user["lastName"].as_str().expect("lastName").to_owned(),
            );
        }
        match page["nextPageKey"].as_str() {
            Some(next) => key = Some(next.to_owned()),
            None => break,
        }
    }
    server.child.kill().expect("stop");
    server.child.wait().expect("reap");

    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|email| !stored.contains_key(*email))
        .collect();
    let lost_updates: Vec<_> = acknowledged_updates
        .iter()
        .filter(|email| stored.get(*email).map(String::as_str) != Some("Updated"))
        .collect();
    assert!(
        lost_updates.is_empty(),
        "{} acknowledged updates lost, e.g. {:?}",
        lost_updates.len(),
        lost_updates.first()
    );
    eprintln!(
        "crash test: {} rounds, {} acknowledged creates and {} acknowledged updates all present",
        rounds(),
        acknowledged.len(),
        acknowledged_updates.len()
    );
    assert!(
        missing.is_empty(),
        "{} acknowledged writes lost, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    let store = SqliteStore::open(&dir.path().join("accountd.db")).expect("open");
    store.ping().await.expect("ping");
    store.integrity_check().expect("integrity check");
}

/// SIGTERM while 16 writers keep creating users: requests already in flight get their answer
/// (some 2xx arrive after the signal, none is a 5xx), every acknowledged user is stored, the
/// process exits 0, and nothing answers afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests_then_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bootstrap.yaml"), BOOTSTRAP).expect("write bootstrap");
    let mut server = start(dir.path()).await;
    let http = reqwest::Client::new();
    let token = token(&http, &server.base).await;
    // (email, when its 2xx arrived) per acknowledged create; statuses that were not 2xx.
    let acked = Arc::new(Mutex::new((Vec::new(), Vec::new())));
    let mut writers = JoinSet::new();
    for writer in 0..16 {
        let (http, base, token, acked) = (
            http.clone(),
            server.base.clone(),
            token.clone(),
            acked.clone(),
        );
        writers.spawn(async move {
            for n in 0.. {
                let email = format!("term-w{writer}-n{n}@example.com");
                let created = send_user(
                    &http,
                    &base,
                    &token,
                    reqwest::Method::POST,
                    &email,
                    ("Term", "Test"),
                )
                .await;
                // A transport error is the server having stopped: this writer is done.
                let Ok(response) = created else { return };
                let status = response.status();
                let mut acked = acked.lock().await;
                if status.is_success() {
                    acked.0.push((email, Instant::now()));
                } else {
                    acked.1.push(status);
                    return;
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = server.child.id().to_string();
    let signalled_at = Instant::now();
    let signalled = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(signalled.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "accountd did not exit within 10 s of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        status.code(),
        Some(0),
        "exit status after SIGTERM: {status:?}"
    );
    while writers.join_next().await.is_some() {}
    let (created, refused) = acked.lock().await.clone();
    // A request still in flight may be answered 503 (shutting down) but never fail inside.
    assert!(
        refused.iter().all(|status| !status.is_server_error()
            || *status == reqwest::StatusCode::SERVICE_UNAVAILABLE),
        "requests during shutdown were answered {refused:?}"
    );
    let finished_after_signal = created.iter().filter(|(_, at)| *at > signalled_at).count();
    assert!(
        finished_after_signal > 0,
        "no request in flight at SIGTERM got its answer ({} acknowledged before it)",
        created.len()
    );
    let answered = reqwest::Client::new()
        .get(format!("{}/healthz", server.base))
        .send()
        .await;
    assert!(
        answered.is_err(),
        "the server still answers after shutting down"
    );

    // Every acknowledged create is stored.
    let store = SqliteStore::open(&dir.path().join("accountd.db")).expect("open");
    let account = accountd_core::ids::AccountId::parse(ACCOUNT).expect("account id");
    for (email, _) in &created {
        let email = accountd_core::ids::Email::parse(email).expect("email");
        let found = store
            .get_user(account, &accountd_core::ids::UserRef::Email(email))
            .await
            .expect("read");
        assert!(
            found.is_some(),
            "an acknowledged user is missing after SIGTERM"
        );
    }
    eprintln!(
        "sigterm test: {} creates acknowledged, {finished_after_signal} of them answered after the signal",
        created.len()
    );
}
