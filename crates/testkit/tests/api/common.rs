//! Helpers shared by the test modules.

use accountd_client::Client;
use accountd_proto::{GroupCreateRequest, UserCreateRequest};
use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

pub const IDM_READ: &str = "account-idm-read";
pub const IDM_WRITE: &str = "account-idm-write";
pub const ENV_READ: &str = "account-env-read";
pub const ENV_WRITE: &str = "account-env-write";

/// A fresh server, one account with one environment, and a client holding every scope.
pub async fn setup() -> (TestApp, TestAccount, Client) {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let client = app.client(&account, &ALL_SCOPES).await;
    (app, account, client)
}

/// `<base>/iam/v1/accounts/<account><rest>`.
pub fn iam(app: &TestApp, account: &str, rest: &str) -> String {
    app.url(&format!("/iam/v1/accounts/{account}{rest}"))
}

/// `<base>/env/v1/accounts/<account><rest>`.
pub fn env(app: &TestApp, account: &str, rest: &str) -> String {
    app.url(&format!("/env/v1/accounts/{account}{rest}"))
}

pub fn user_request(
    email: &str,
    first: &str,
    last: &str,
    groups: Option<Vec<String>>,
) -> UserCreateRequest {
    UserCreateRequest {
        email: email.to_owned(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        groups,
    }
}

pub fn group_request(name: &str, description: Option<&str>) -> GroupCreateRequest {
    GroupCreateRequest {
        name: name.to_owned(),
        description: description.map(str::to_owned),
    }
}

/// Asserts that a typed-client call failed with an API error of `status`; returns the message.
pub fn api_error<T: std::fmt::Debug>(result: accountd_client::Result<T>, status: u16) -> String {
    match result {
        Ok(value) => panic!("expected HTTP {status}, got a success: {value:?}"),
        Err(accountd_client::Error::Api {
            status: got,
            message,
        }) => {
            assert_eq!(
                got.as_u16(),
                status,
                "unexpected status; message: {message}"
            );
            assert!(!message.trim().is_empty(), "the error message is empty");
            message
        }
        Err(other) => panic!("expected an API error {status}, got: {other}"),
    }
}

/// The body of an unauthenticated `GET <path>`, as text.
pub async fn text_of(app: &TestApp, path: &str) -> String {
    let response = app.http().get(app.url(path)).send().await.unwrap();
    response.text().await.unwrap()
}

/// Reads a response body as JSON (panics with the body when it is not JSON).
pub async fn json(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("read the body");
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {}", String::from_utf8_lossy(&bytes)))
}

/// Checks that `value` is exactly `{"error":{"code":<status>,"message":<non-empty string>}}`;
/// returns the message.
pub fn assert_envelope_value(value: &Value, status: u16) -> String {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("error body is not an object: {value}"));
    assert_eq!(
        object.len(),
        1,
        "error body must hold only `error`: {value}"
    );
    let error = object
        .get("error")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("error body has no `error` object: {value}"));
    assert_eq!(
        error.len(),
        2,
        "`error` must hold exactly `code` and `message`: {value}"
    );
    assert_eq!(
        error.get("code").and_then(Value::as_u64),
        Some(u64::from(status)),
        "code must equal the status: {value}"
    );
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("`error.message` is not a string: {value}"));
    assert!(
        !message.trim().is_empty(),
        "`error.message` is empty: {value}"
    );
    message.to_owned()
}

/// Asserts the status and the exact error envelope of a raw response (JSON content type
/// included); returns the parsed body.
pub async fn envelope(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(
        response.status(),
        StatusCode::from_u16(status).unwrap(),
        "unexpected status for {}",
        response.url()
    );
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "error content type is '{content_type}'"
    );
    let body = json(response).await;
    assert_envelope_value(&body, status);
    body
}

/// The message of an error envelope.
pub fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

/// Parses an RFC 3339 timestamp of the API (panics when it is not one).
pub fn timestamp(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|err| panic!("'{text}' is not an RFC 3339 timestamp: {err}"))
}

/// A raw token-endpoint request with a form body.
pub async fn token_form(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.http()
        .post(app.token_url())
        .form(form)
        .send()
        .await
        .expect("token request")
}

/// Moves the server clock forward by `seconds`.
pub fn advance(app: &TestApp, seconds: i64) {
    app.clock().advance(time::Duration::seconds(seconds));
}

/// Sends a request with an optional bearer token and JSON body.
pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.http().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("send the request")
}

/// Asserts a success status with an empty body (204s and the real API's body-less 200/201s).
pub async fn assert_empty_success(response: reqwest::Response, status: u16) {
    let url = response.url().clone();
    let got = response.status().as_u16();
    let bytes = response.bytes().await.expect("read the body");
    assert_eq!(
        got,
        status,
        "unexpected status for {url}: {}",
        String::from_utf8_lossy(&bytes)
    );
    if status == 204 {
        assert!(bytes.is_empty(), "a 204 has no body: {bytes:?}");
    }
}
