//! `POST /sso/oauth2/token`: the client-credentials grant, credentials by Basic or form body,
//! scopes, resource, and the RFC 6749 §5.2 errors.

use std::collections::BTreeSet;

use accountd_testkit::TestApp;
use reqwest::header::{CACHE_CONTROL, WWW_AUTHENTICATE};
use serde_json::Value;

use crate::common::{ENV_READ, IDM_READ, IDM_WRITE, iam, json, setup, token_form};

fn scopes(text: &str) -> BTreeSet<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

/// Asserts an RFC 6749 §5.2 error: status, exactly `{error, error_description}`, the code.
async fn oauth_error(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> reqwest::header::HeaderMap {
    assert_eq!(response.status().as_u16(), status);
    let headers = response.headers().clone();
    let body = json(response).await;
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {body}"));
    let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, vec!["error", "error_description"], "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty()),
        "{body}"
    );
    headers
}

/// Checks a successful token response and returns its body.
async fn token_ok(response: reqwest::Response, account: &str) -> Value {
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body = json(response).await;
    assert!(
        body["access_token"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["resource"], format!("urn:dtaccount:{account}"));
    assert!(body["scope"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn credentials_in_http_basic_work() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ, IDM_WRITE]).await;
    let response = app
        .http()
        .post(app.token_url())
        .basic_auth(&id, Some(&secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("resource", &format!("urn:dtaccount:{}", account.uuid)),
        ])
        .send()
        .await
        .unwrap();
    let body = token_ok(response, &account.uuid).await;
    assert_eq!(
        scopes(body["scope"].as_str().unwrap()),
        scopes("account-idm-read account-idm-write")
    );

    // The token works on the API.
    let token = body["access_token"].as_str().unwrap();
    let response = app
        .http()
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn credentials_in_the_form_body_work() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let resource = format!("urn:dtaccount:{}", account.uuid);
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("resource", &resource),
            ("scope", IDM_READ),
        ],
    )
    .await;
    let body = token_ok(response, &account.uuid).await;
    assert_eq!(body["scope"], IDM_READ);
    let token = body["access_token"].as_str().unwrap();
    let response = app
        .http()
        .get(iam(&app, &account.uuid, "/groups"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn without_scope_the_token_gets_every_client_scope_and_without_resource_its_own_account() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ, ENV_READ]).await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    )
    .await;
    let body = token_ok(response, &account.uuid).await;
    assert_eq!(
        scopes(body["scope"].as_str().unwrap()),
        scopes("account-idm-read account-env-read")
    );
}

#[tokio::test]
async fn a_requested_subset_of_scopes_is_granted_and_enforced() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ, ENV_READ]).await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", ENV_READ),
        ],
    )
    .await;
    let body = token_ok(response, &account.uuid).await;
    assert_eq!(body["scope"], ENV_READ);
    let token = body["access_token"].as_str().unwrap();
    let users = app
        .http()
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        users.status().as_u16(),
        403,
        "the token holds only the requested scope"
    );
}

#[tokio::test]
async fn a_scope_the_client_lacks_is_invalid_scope() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "account-idm-read account-idm-write"),
        ],
    )
    .await;
    let headers = oauth_error(response, 400, "invalid_scope").await;
    assert_eq!(
        headers.get(CACHE_CONTROL).and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "no-such-scope"),
        ],
    )
    .await;
    oauth_error(response, 400, "invalid_scope").await;
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let wrong = format!("{secret}x");

    // HTTP Basic: 401 with WWW-Authenticate (RFC 6749 §5.2).
    let response = app
        .http()
        .post(app.token_url())
        .basic_auth(&id, Some(&wrong))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let headers = oauth_error(response, 401, "invalid_client").await;
    let challenge = headers
        .get(WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        challenge.to_ascii_lowercase().starts_with("basic"),
        "WWW-Authenticate: {challenge:?}"
    );

    // Form body.
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &wrong),
        ],
    )
    .await;
    oauth_error(response, 401, "invalid_client").await;

    // Unknown client, and no credentials at all.
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "dt0s02.NOSUCH"),
            ("client_secret", &secret),
        ],
    )
    .await;
    oauth_error(response, 401, "invalid_client").await;
    let response = token_form(&app, &[("grant_type", "client_credentials")]).await;
    oauth_error(response, 401, "invalid_client").await;
}

#[tokio::test]
async fn grant_type_errors() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    )
    .await;
    oauth_error(response, 400, "unsupported_grant_type").await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    )
    .await;
    oauth_error(response, 400, "unsupported_grant_type").await;
    let response = token_form(&app, &[("client_id", &id), ("client_secret", &secret)]).await;
    oauth_error(response, 400, "invalid_request").await;
}

#[tokio::test]
async fn the_resource_of_another_account_is_invalid_target() {
    let (app, account, _client) = setup().await;
    let other = app.new_account().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let resource = format!("urn:dtaccount:{}", other.uuid);
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("resource", &resource),
        ],
    )
    .await;
    oauth_error(response, 400, "invalid_target").await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("resource", "urn:dtaccount:not-a-uuid"),
        ],
    )
    .await;
    oauth_error(response, 400, "invalid_target").await;
}

#[tokio::test]
async fn the_token_request_must_be_form_encoded() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let response = app
        .http()
        .post(app.token_url())
        .json(&serde_json::json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}))
        .send()
        .await
        .unwrap();
    oauth_error(response, 400, "invalid_request").await;
}

#[tokio::test]
async fn the_token_lifetime_is_configurable() {
    let app = TestApp::builder().token_ttl(60).spawn().await;
    let account = app.new_account().await;
    let (id, secret) = app.oauth_client(&account, &[IDM_READ]).await;
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    assert_eq!(body["expires_in"], 60);
    let token = body["access_token"].as_str().unwrap().to_owned();
    let url = iam(&app, &account.uuid, "/users");
    app.clock().advance(time::Duration::seconds(59));
    assert_eq!(
        app.http()
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    app.clock().advance(time::Duration::seconds(2));
    assert_eq!(
        app.http()
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}
