//! Request rate limits (seed 002): the `X-RateLimit-*` headers, 429 with `Retry-After`, per-client
//! and per-account budgets, account overrides through the admin API; and brute-force protection
//! of the token endpoint.

use std::time::{SystemTime, UNIX_EPOCH};

use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp};
use reqwest::header::RETRY_AFTER;
use serde_json::json;

use crate::common::{advance, api_error, envelope, iam, json, token_form};

const LIMIT: &str = "x-ratelimit-limit";
const REMAINING: &str = "x-ratelimit-remaining";
const RESET: &str = "x-ratelimit-reset";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A numeric header, if present (panics when it is not a number).
fn number(response: &reqwest::Response, name: &str) -> Option<u64> {
    response.headers().get(name).map(|v| {
        v.to_str()
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{name}: {v:?} is not a number"))
    })
}

/// listUsers of the account with a bearer token.
async fn list_users(app: &TestApp, account: &TestAccount, token: &str) -> reqwest::Response {
    app.http()
        .get(iam(app, &account.uuid, "/users"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Asserts a 429 in the envelope with `Retry-After` >= 1 and the limit headers.
async fn assert_429(response: reqwest::Response, limit: u64) {
    let retry_after = number(&response, RETRY_AFTER.as_str()).expect("a Retry-After header");
    assert!(retry_after >= 1, "Retry-After: {retry_after}");
    assert_eq!(number(&response, LIMIT), Some(limit));
    assert_eq!(number(&response, REMAINING), Some(0));
    let reset = number(&response, RESET).expect("X-RateLimit-Reset");
    assert!(reset > unix_now(), "the reset {reset} is in the future");
    envelope(response, 429).await;
}

#[tokio::test]
async fn requests_within_the_limit_carry_the_headers_and_the_next_is_429() {
    let app = TestApp::builder().rate_limit("3/min").spawn().await;
    let account = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;

    for expected_remaining in [2, 1, 0] {
        let before = unix_now();
        let response = list_users(&app, &account, &token).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(number(&response, LIMIT), Some(3));
        assert_eq!(number(&response, REMAINING), Some(expected_remaining));
        let reset = number(&response, RESET).expect("X-RateLimit-Reset");
        assert!(
            reset > before && reset <= before + 120,
            "X-RateLimit-Reset {reset} is Unix seconds in the near future (now {before})"
        );
        json(response).await;
    }
    let response = list_users(&app, &account, &token).await;
    assert_eq!(response.status().as_u16(), 429);
    assert_429(response, 3).await;
    // Still limited.
    assert_429(list_users(&app, &account, &token).await, 3).await;
}

#[tokio::test]
async fn the_budget_is_per_client_by_default() {
    let app = TestApp::builder().rate_limit("3/min").spawn().await;
    let account = app.new_account().await;
    let (client_id, secret) = app.oauth_client(&account, &ALL_SCOPES).await;
    let limited = app.client_with(&account.uuid, client_id.clone(), secret.clone());
    let first = limited.token().await.unwrap();
    let second = app.token(&account, &ALL_SCOPES).await;
    for _ in 0..3 {
        assert_eq!(
            list_users(&app, &account, &first).await.status().as_u16(),
            200
        );
    }
    assert_429(list_users(&app, &account, &first).await, 3).await;

    let response = list_users(&app, &account, &second).await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "another client has its own budget"
    );
    assert_eq!(number(&response, REMAINING), Some(2));

    // The budget belongs to the OAuth client, not to the token: a new token of the same
    // client is still limited (the typed client sees the 429 as an API error).
    advance(&app, 1);
    let fresh = app.client_with(&account.uuid, client_id, secret);
    let fresh_token = fresh.token().await.unwrap();
    assert_ne!(fresh_token, first);
    assert_429(list_users(&app, &account, &fresh_token).await, 3).await;
    let message = api_error(fresh.list_users(None, None).await, 429);
    assert!(message.contains('3'), "{message}");
}

#[tokio::test]
async fn per_account_keys_share_one_budget() {
    let app = TestApp::builder()
        .rate_limit("3/min")
        .rate_limit_per_account()
        .spawn()
        .await;
    let account = app.new_account().await;
    let first = app.token(&account, &ALL_SCOPES).await;
    let second = app.token(&account, &ALL_SCOPES).await;
    assert_eq!(
        list_users(&app, &account, &first).await.status().as_u16(),
        200
    );
    let response = list_users(&app, &account, &second).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        number(&response, REMAINING),
        Some(1),
        "one budget for the account"
    );
    assert_eq!(
        list_users(&app, &account, &first).await.status().as_u16(),
        200
    );
    assert_429(list_users(&app, &account, &first).await, 3).await;
    assert_429(list_users(&app, &account, &second).await, 3).await;

    // Another account is not affected.
    let other = app.new_account().await;
    let token = app.token(&other, &ALL_SCOPES).await;
    let response = list_users(&app, &other, &token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(number(&response, REMAINING), Some(2));
}

#[tokio::test]
async fn without_a_rate_limit_there_are_no_headers() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    for _ in 0..10 {
        let response = list_users(&app, &account, &token).await;
        assert_eq!(response.status().as_u16(), 200);
        for name in [LIMIT, REMAINING, RESET, RETRY_AFTER.as_str()] {
            assert!(
                response.headers().get(name).is_none(),
                "{name} without a rate limit: {:?}",
                response.headers()
            );
        }
    }
}

#[tokio::test]
async fn an_account_override_applies_instead_of_the_default() {
    let app = TestApp::builder().rate_limit("3/min").spawn().await;
    let account = app.new_account().await;
    let other = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let other_token = app.token(&other, &ALL_SCOPES).await;

    let updated = app
        .admin()
        .set_rate_limit(&account.uuid, Some("100/min"))
        .await
        .unwrap();
    assert_eq!(updated.rate_limit.as_deref(), Some("100/min"));
    assert_eq!(
        app.admin()
            .get_account(&account.uuid)
            .await
            .unwrap()
            .rate_limit
            .as_deref(),
        Some("100/min")
    );
    // Far more requests than the default allows; the budget (one back every 0.6 s) shrinks.
    let mut last = 100;
    for _ in 0..5 {
        let response = list_users(&app, &account, &token).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(number(&response, LIMIT), Some(100));
        let remaining = number(&response, REMAINING).expect("X-RateLimit-Remaining");
        assert!((90..100).contains(&remaining), "remaining {remaining}");
        assert!(remaining <= last, "remaining {remaining} after {last}");
        last = remaining;
    }
    // The other account keeps the server default.
    let response = list_users(&app, &other, &other_token).await;
    assert_eq!(number(&response, LIMIT), Some(3));

    // Cleared: the default applies again.
    let cleared = app
        .admin()
        .set_rate_limit(&account.uuid, None)
        .await
        .unwrap();
    assert_eq!(cleared.rate_limit, None);
    let response = list_users(&app, &account, &token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(number(&response, LIMIT), Some(3));
}

#[tokio::test]
async fn an_account_override_applies_without_a_server_default_and_can_be_cleared() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    assert!(
        list_users(&app, &account, &token)
            .await
            .headers()
            .get(LIMIT)
            .is_none()
    );

    app.admin()
        .set_rate_limit(&account.uuid, Some("100/min"))
        .await
        .unwrap();
    let response = list_users(&app, &account, &token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(number(&response, LIMIT), Some(100));
    assert_eq!(number(&response, REMAINING), Some(99));

    // A small override is enforced.
    app.admin()
        .set_rate_limit(&account.uuid, Some("2/min"))
        .await
        .unwrap();
    for _ in 0..2 {
        let response = list_users(&app, &account, &token).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(number(&response, LIMIT), Some(2));
    }
    assert_429(list_users(&app, &account, &token).await, 2).await;

    // None clears it: no limit, no headers.
    app.admin()
        .set_rate_limit(&account.uuid, None)
        .await
        .unwrap();
    let response = list_users(&app, &account, &token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers().get(LIMIT).is_none(),
        "{:?}",
        response.headers()
    );
}

#[tokio::test]
async fn an_invalid_override_is_400() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    for bad in ["abc", "0/min", "5/fortnight", "-1/s", ""] {
        let message = api_error(
            app.admin().set_rate_limit(&account.uuid, Some(bad)).await,
            400,
        );
        assert!(!message.is_empty(), "{bad}");
    }
    // Raw: a body that is not the expected object.
    let response = app
        .http()
        .put(app.url(&format!("/admin/v1/accounts/{}/rate-limit", account.uuid)))
        .bearer_auth(accountd_testkit::ADMIN_TOKEN)
        .json(&json!({"rateLimit": 5}))
        .send()
        .await
        .unwrap();
    envelope(response, 400).await;
    assert_eq!(
        app.admin()
            .get_account(&account.uuid)
            .await
            .unwrap()
            .rate_limit,
        None,
        "nothing was set"
    );
}

#[tokio::test]
async fn repeated_authentication_failures_block_the_address() {
    let app = TestApp::builder().auth_failure_limit("3/min").spawn().await;
    let account = app.new_account().await;
    let (client_id, secret) = app.oauth_client(&account, &ALL_SCOPES).await;
    let form = |secret: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", secret),
        ]
    };

    for _ in 0..3 {
        let response = token_form(&app, &form("wrong-secret")).await;
        assert_eq!(response.status().as_u16(), 401);
        assert_eq!(json(response).await["error"], "invalid_client");
    }
    let response = token_form(&app, &form("wrong-secret")).await;
    assert_eq!(response.status().as_u16(), 429);
    let wait = number(&response, RETRY_AFTER.as_str()).expect("Retry-After");
    assert!(wait >= 1, "Retry-After: {wait}");
    let body = json(response).await;
    assert_eq!(body["error"], "slow_down", "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );

    // Even the right secret is refused while the address is blocked.
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", secret.as_str()),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 429);
    assert!(number(&response, RETRY_AFTER.as_str()).is_some_and(|w| w >= 1));
    assert_eq!(json(response).await["error"], "slow_down");
}

#[tokio::test]
async fn successful_authentications_do_not_count_as_failures() {
    let app = TestApp::builder().auth_failure_limit("3/min").spawn().await;
    let account = app.new_account().await;
    let (client_id, secret) = app.oauth_client(&account, &ALL_SCOPES).await;
    for _ in 0..10 {
        let response = token_form(
            &app,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", client_id.as_str()),
                ("client_secret", secret.as_str()),
            ],
        )
        .await;
        assert_eq!(response.status().as_u16(), 200);
    }
}

#[tokio::test]
async fn a_bootstrap_rate_limit_overrides_and_is_kept_idempotently() {
    let yaml = |limit: &str| {
        format!(
            r#"
accounts:
  - uuid: 3c1d2e4f-3c44-4b8a-9a55-0c1e2f3a4b5c
    name: Limited
    rateLimit: {limit}
    oauthClients:
      - {{clientId: dt0s02.LIMITED, clientSecret: dt0s02.LIMITED.SECRET, scopes: [account-idm-read]}}
"#
        )
    };
    let mut app = TestApp::builder().bootstrap(yaml("2/min")).spawn().await;
    let account = TestAccount {
        uuid: "3c1d2e4f-3c44-4b8a-9a55-0c1e2f3a4b5c".into(),
        environment: String::new(),
    };
    let client = app.client_with(
        &account.uuid,
        "dt0s02.LIMITED".into(),
        "dt0s02.LIMITED.SECRET".into(),
    );
    let token = client.token().await.unwrap();
    let first = list_users(&app, &account, &token).await;
    assert_eq!(number(&first, LIMIT), Some(2));
    list_users(&app, &account, &token).await;
    envelope(list_users(&app, &account, &token).await, 429).await;
    let shown = app.admin().get_account(&account.uuid).await.unwrap();
    assert_eq!(shown.rate_limit.as_deref(), Some("2/min"));

    // A changed file changes the override on the next start.
    app.set_bootstrap(yaml("50/min"));
    app.restart().await;
    let token = client_token(&app, &account).await;
    assert_eq!(
        number(&list_users(&app, &account, &token).await, LIMIT),
        Some(50)
    );
    // An invalid value stops the server with a message naming the entry.
    let err = TestApp::builder()
        .bootstrap(yaml("lots"))
        .try_spawn()
        .await
        .err()
        .unwrap_or_default();
    assert!(
        err.contains("accounts[0]") && err.contains("rate limit"),
        "{err}"
    );
}

async fn client_token(app: &TestApp, account: &TestAccount) -> String {
    let client = app.client_with(
        &account.uuid,
        "dt0s02.LIMITED".into(),
        "dt0s02.LIMITED.SECRET".into(),
    );
    client.token().await.unwrap()
}
