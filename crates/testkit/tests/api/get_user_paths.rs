//! `GET /users/{userId}` is answered beside the router when its path needs no decoding (the
//! server's `routes::direct`), and by the router otherwise (a percent-encoded segment, HEAD).
//! Both must answer the same: status, body, headers and metrics route.

use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp};
use reqwest::header::HeaderMap;

use crate::common::{IDM_READ, assert_envelope_value, iam, text_of, user_request};

/// Headers whose values differ between any two requests.
const PER_REQUEST: [&str; 4] = [
    "date",
    "x-request-id",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

async fn get(app: &TestApp, url: &str, token: Option<&str>) -> Answer {
    let mut request = app.http().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.unwrap().to_vec(),
    }
}

/// The same answer, but for the headers that change with every request (which must be there
/// in both or neither).
fn assert_same(direct: &Answer, routed: &Answer, what: &str) {
    assert_eq!(direct.status, routed.status, "{what}: status");
    assert_eq!(
        String::from_utf8_lossy(&direct.body),
        String::from_utf8_lossy(&routed.body),
        "{what}: body"
    );
    let names = |answer: &Answer| {
        let mut names: Vec<String> = answer.headers.keys().map(|n| n.to_string()).collect();
        names.sort();
        names
    };
    assert_eq!(names(direct), names(routed), "{what}: header names");
    for (name, value) in &direct.headers {
        if !PER_REQUEST.contains(&name.as_str()) {
            assert_eq!(
                Some(value),
                routed.headers.get(name),
                "{what}: header {name}"
            );
        }
    }
}

/// A server (with `rate_limit` if given), an account with one user of `email`, and a token of
/// the account that may read users: `(app, account, uid, token)`.
async fn with_user(
    rate_limit: Option<&str>,
    email: &str,
) -> (TestApp, TestAccount, String, String) {
    let mut builder = TestApp::builder();
    if let Some(limit) = rate_limit {
        builder = builder.rate_limit(limit);
    }
    let app = builder.spawn().await;
    let account = app.new_account().await;
    let client = app.client(&account, &ALL_SCOPES).await;
    let user = client
        .create_user(&user_request(email, "Get", "User", None))
        .await
        .unwrap();
    let token = app.token(&account, &[IDM_READ]).await;
    (app, account, user.uid.to_string(), token)
}

/// `-` as `%2D` and `@` as `%40`: the same resource, a path the router decodes.
fn encoded(segment: &str) -> String {
    segment.replace('-', "%2D").replace('@', "%40")
}

#[tokio::test]
async fn plain_and_percent_encoded_paths_answer_alike() {
    // With a rate limit, so that its headers are compared too.
    let (app, account, uid, token) = with_user(Some("1000/min"), "paths@example.com").await;
    let other = app.new_account().await;
    let other_token = app.token(&other, &ALL_SCOPES).await;
    let a = account.uuid.as_str();

    let cases: Vec<(&str, String, String, Option<&str>)> = vec![
        ("by uid", a.to_owned(), uid.clone(), Some(&token)),
        (
            "by email",
            a.to_owned(),
            "paths@example.com".to_owned(),
            Some(&token),
        ),
        (
            "no such user",
            a.to_owned(),
            "b0b0b0b0-0000-4000-8000-000000000000".to_owned(),
            Some(&token),
        ),
        ("no token", a.to_owned(), uid.clone(), None),
        (
            "a bad token",
            a.to_owned(),
            uid.clone(),
            Some("not-a-token"),
        ),
        (
            "another account's token",
            a.to_owned(),
            uid.clone(),
            Some(&other_token),
        ),
        (
            "a malformed account",
            "not-an-account".to_owned(),
            uid.clone(),
            Some(&token),
        ),
    ];
    for (what, account_segment, user_segment, token) in cases {
        let plain = app.url(&format!(
            "/iam/v1/accounts/{account_segment}/users/{user_segment}"
        ));
        let routed = app.url(&format!(
            "/iam/v1/accounts/{}/users/{}",
            encoded(&account_segment),
            encoded(&user_segment)
        ));
        assert_ne!(plain, routed, "{what}: the routed path is encoded");
        let direct = get(&app, &plain, token).await;
        let through_router = get(&app, &routed, token).await;
        assert_same(&direct, &through_router, what);
    }

    // The user itself, as the typed client reads it.
    let direct = get(&app, &iam(&app, a, &format!("/users/{uid}")), Some(&token)).await;
    assert_eq!(direct.status, 200);
    let read: accountd_proto::User = serde_json::from_slice(&direct.body).unwrap();
    assert_eq!(read.uid.to_string(), uid);
    assert_eq!(read.email, "paths@example.com");
    assert_eq!(direct.headers["content-type"], "application/json");
    for name in ["x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining"] {
        assert!(direct.headers.contains_key(name), "{name} is sent");
    }
}

/// One budget for both paths: the request past the limit is refused on either.
#[tokio::test]
async fn the_rate_limit_counts_both_paths() {
    let (app, account, uid, token) = with_user(Some("3/min"), "budget@example.com").await;
    let plain = iam(&app, &account.uuid, &format!("/users/{uid}"));
    let routed = iam(&app, &account.uuid, &format!("/users/{}", encoded(&uid)));
    let mut remaining = Vec::new();
    for url in [&plain, &routed, &plain] {
        let answer = get(&app, url, Some(&token)).await;
        assert_eq!(answer.status, 200, "{url}");
        remaining.push(
            answer.headers["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    for url in [&plain, &routed] {
        let refused = get(&app, url, Some(&token)).await;
        assert_eq!(refused.status, 429, "{url}");
        assert!(refused.headers.contains_key("retry-after"), "{url}");
        let body: serde_json::Value = serde_json::from_slice(&refused.body).unwrap();
        assert_envelope_value(&body, 429);
    }
}

#[tokio::test]
async fn a_callers_request_id_is_echoed_on_both_paths() {
    let (app, account, uid, token) = with_user(None, "echo@example.com").await;
    for (path, id) in [
        (format!("/users/{uid}"), "direct-1"),
        (format!("/users/{}", encoded(&uid)), "routed-1"),
    ] {
        let response = app
            .http()
            .get(iam(&app, &account.uuid, &path))
            .bearer_auth(&token)
            .header("x-request-id", id)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["x-request-id"], id, "{path}");
    }
}

#[tokio::test]
async fn head_of_a_user_goes_to_the_router_and_sends_no_body() {
    let (app, account, uid, token) = with_user(None, "head@example.com").await;
    let url = iam(&app, &account.uuid, &format!("/users/{uid}"));
    let get = get(&app, &url, Some(&token)).await;
    let head = app
        .http()
        .head(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"],
        get.body.len().to_string().as_str()
    );
    assert!(head.bytes().await.unwrap().is_empty());
}

/// Both paths count under getUser's route: the direct one has no router to name it, and must
/// not show up as `unmatched`.
#[tokio::test]
async fn both_paths_are_counted_under_the_get_user_route() {
    let (app, account, uid, token) = with_user(None, "counted@example.com").await;
    for path in [format!("/users/{uid}"), format!("/users/{}", encoded(&uid))] {
        let answer = get(&app, &iam(&app, &account.uuid, &path), Some(&token)).await;
        assert_eq!(answer.status, 200, "{path}");
    }
    let text = text_of(&app, "/metrics").await;
    let series = r#"http_requests_total{method="GET",route="/iam/v1/accounts/{accountUuid}/users/{userId}",status="200"}"#;
    let count: f64 = text
        .lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("missing {series} in:\n{text}"));
    assert!(count >= 2.0, "{series} {count}");
    assert!(
        !text.contains(r#"route="unmatched",status="200""#),
        "a successful request counted as unmatched:\n{text}"
    );
}
