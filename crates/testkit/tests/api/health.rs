//! `/healthz` and `/readyz` (no auth) and the `x-request-id` header.

use accountd_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

use crate::common::{envelope, json};

#[tokio::test]
async fn healthz_and_readyz_answer_without_auth() {
    let app = TestApp::spawn().await;
    let response = app.http().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(json(response).await, json!({"status": "ok"}));

    let response = app.http().get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        json(response).await,
        json!({"status": "ok", "database": app.backend()})
    );

    // A bogus token does not matter either.
    let response = app
        .http()
        .get(app.url("/healthz"))
        .bearer_auth("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_request_id_is_generated_when_none_is_sent() {
    let app = TestApp::spawn().await;
    let first = app.http().get(app.url("/healthz")).send().await.unwrap();
    let second = app.http().get(app.url("/healthz")).send().await.unwrap();
    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (a, b) = (
        id(&first).expect("x-request-id on the response"),
        id(&second).expect("x-request-id on the response"),
    );
    assert!(!a.is_empty());
    assert_ne!(a, b, "every request gets its own id");
}

#[tokio::test]
async fn a_sent_request_id_is_echoed_unchanged() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let token = app.token(&account, &accountd_testkit::ALL_SCOPES).await;
    let users = app.url(&format!("/iam/v1/accounts/{}/users", account.uuid));
    let cases = [
        (Method::GET, app.url("/healthz"), None, 200),
        (Method::GET, app.url("/readyz"), None, 200),
        (Method::GET, users.clone(), Some(token.as_str()), 200),
        (Method::GET, users.clone(), None, 401),
        (Method::GET, app.url("/no/such/route"), None, 404),
        (Method::PATCH, users.clone(), Some(token.as_str()), 405),
        (
            Method::GET,
            format!("{users}?pageSize=0"),
            Some(token.as_str()),
            400,
        ),
    ];
    for (i, (method, url, token, status)) in cases.into_iter().enumerate() {
        let request_id = format!("my-request-{i}-Abc_123");
        let mut request = app
            .http()
            .request(method, &url)
            .header("x-request-id", &request_id);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{url}");
        let echoed = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(
            echoed.as_deref(),
            Some(request_id.as_str()),
            "{url}: the request id is preserved"
        );
        if status >= 400 {
            envelope(response, status).await;
        }
    }
}
