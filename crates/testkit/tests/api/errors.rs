//! The error envelope everywhere: unknown routes (404), wrong methods (405 + Allow), oversized
//! bodies (413), malformed or mistyped JSON (400); and insta snapshots of exact error bodies.

use accountd_proto::admin::AccountCreateRequest;
use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp};
use insta::assert_json_snapshot;
use reqwest::Method;
use reqwest::header::{ALLOW, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::common::{env, envelope, group_request, iam, json, token_form, user_request};

/// Fixed ids, so that messages naming them are deterministic.
const ACCOUNT_A: &str = "11111111-2222-4333-8444-555555555555";
const ACCOUNT_B: &str = "99999999-8888-4777-8666-555555555555";
const UNKNOWN_GROUP: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/// A server with account A (fixed uuid, one environment) and a token for it with every scope.
async fn fixed_setup() -> (TestApp, TestAccount, String) {
    let app = TestApp::spawn().await;
    let admin = app.admin();
    admin
        .create_account(&AccountCreateRequest {
            uuid: Some(ACCOUNT_A.into()),
            name: "A".into(),
        })
        .await
        .unwrap();
    let environment = admin
        .create_environment(
            ACCOUNT_A,
            &accountd_proto::admin::EnvironmentRequest {
                id: Some("envaaaaa".into()),
                name: "Prod".into(),
                status: None,
                trial: None,
            },
        )
        .await
        .unwrap();
    let account = TestAccount {
        uuid: ACCOUNT_A.into(),
        environment: environment.id,
    };
    let token = app.token(&account, &ALL_SCOPES).await;
    (app, account, token)
}

async fn allow_header(response: &reqwest::Response) -> Vec<String> {
    let allow = response
        .headers()
        .get(ALLOW)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    allow
        .split(',')
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}

#[tokio::test]
async fn unknown_routes_are_404_in_the_envelope() {
    let (app, account, token) = fixed_setup().await;
    for path in [
        "/".to_owned(),
        "/no/such/route".to_owned(),
        format!("/iam/v1/accounts/{}/nope", account.uuid),
        format!("/iam/v1/accounts/{}/users/a@b.co/extra", account.uuid),
        "/iam/v2/accounts".to_owned(),
    ] {
        // With and without a token.
        envelope(app.http().get(app.url(&path)).send().await.unwrap(), 404).await;
        envelope(
            app.http()
                .get(app.url(&path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
            404,
        )
        .await;
    }
    envelope(
        app.http()
            .post(app.url("/no/such/route"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
}

#[tokio::test]
async fn wrong_methods_are_405_with_an_allow_header() {
    let (app, account, token) = fixed_setup().await;
    let cases = [
        (
            Method::PATCH,
            iam(&app, &account.uuid, "/users"),
            vec!["GET", "POST"],
        ),
        (
            Method::DELETE,
            iam(&app, &account.uuid, "/users"),
            vec!["GET", "POST"],
        ),
        (
            Method::PATCH,
            iam(&app, &account.uuid, "/users/a@b.co"),
            vec!["GET", "PUT", "DELETE"],
        ),
        (
            Method::PUT,
            iam(&app, &account.uuid, "/groups"),
            vec!["GET", "POST"],
        ),
        (
            Method::PATCH,
            iam(&app, &account.uuid, &format!("/groups/{UNKNOWN_GROUP}")),
            vec!["GET", "PUT", "DELETE"],
        ),
        (
            Method::POST,
            iam(&app, &account.uuid, "/permissions"),
            vec!["GET"],
        ),
        (
            Method::DELETE,
            env(&app, &account.uuid, "/environments"),
            vec!["GET"],
        ),
        (Method::GET, app.token_url(), vec!["POST"]),
        (Method::POST, app.url("/healthz"), vec!["GET"]),
    ];
    for (method, url, allowed) in cases {
        let response = app
            .http()
            .request(method.clone(), &url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let allow = allow_header(&response).await;
        for m in &allowed {
            assert!(
                allow.iter().any(|a| a == m),
                "{method} {url}: Allow {allow:?} lacks {m}"
            );
        }
        assert!(
            !allow.iter().any(|a| *a == method.as_str()),
            "{method} {url}: Allow {allow:?} lists the refused method"
        );
        envelope(response, 405).await;
    }
}

#[tokio::test]
async fn bodies_over_one_mib_are_413_in_the_envelope() {
    let (app, account, token) = fixed_setup().await;
    const LIMIT: usize = 1024 * 1024;
    // A valid createUser body padded with spaces to exactly the limit is accepted...
    let body =
        json!({"email": "big@example.com", "firstName": "Big", "lastName": "Body"}).to_string();
    let mut exact = body.clone();
    exact.push_str(&" ".repeat(LIMIT - body.len()));
    assert_eq!(exact.len(), LIMIT);
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(exact.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        200,
        "a body of exactly 1 MiB is within the limit"
    );

    // ...one byte more is not.
    let mut over = exact.replace("big@", "bog@");
    over.push(' ');
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(over)
        .send()
        .await
        .unwrap();
    envelope(response, 413).await;

    // Far over, on another route.
    let huge = format!(r#"{{"name": "{}"}}"#, "x".repeat(2 * LIMIT));
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/groups"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    envelope(response, 413).await;

    let users = app
        .http()
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(users).await["totalCount"],
        1,
        "only the body within the limit created a user"
    );
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400() {
    let (app, account, token) = fixed_setup().await;
    // The user that updateUser addresses exists, so only the body can be wrong.
    let existing = json!({"email": "a@b.co", "firstName": "A", "lastName": "B"});
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .json(&existing)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let bodies: [&str; 9] = [
        "{",
        "not json",
        r#"{"email": "a@b.co", "firstName": "A", "lastName": "B""#,
        r#"{"email": "a@b.co", "firstName": "A", "lastName": "B"} trailing"#,
        r#"{"email": 42, "firstName": "A", "lastName": "B"}"#,
        r#"{"email": "a@b.co", "firstName": ["A"], "lastName": "B"}"#,
        r#"{"email": "a@b.co", "firstName": "A", "lastName": null}"#,
        r#"{"email": "a@b.co", "firstName": "A", "lastName": "B", "groups": "not-a-list"}"#,
        "",
    ];
    for body in bodies {
        for (method, url) in [
            (Method::POST, iam(&app, &account.uuid, "/users")),
            (Method::PUT, iam(&app, &account.uuid, "/users/a@b.co")),
        ] {
            let response = app
                .http()
                .request(method.clone(), &url)
                .bearer_auth(&token)
                .header(CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status().as_u16(),
                400,
                "{method} {url} with body {body:?}"
            );
            envelope(response, 400).await;
        }
    }
    for body in [
        "{",
        r#"{"name": 1}"#,
        r#"{"name": "x", "description": 2}"#,
        "[]",
        "null",
        "\"Admins\"",
    ] {
        let response = app
            .http()
            .post(iam(&app, &account.uuid, "/groups"))
            .bearer_auth(&token)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        envelope(response, 400).await;
    }
    let users = app
        .http()
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let users = json(users).await;
    assert_eq!(users["totalCount"], 1);
    assert_eq!(
        users["items"][0]["lastName"], "B",
        "no refused body changed the user"
    );
}

/// The bodies of createUser, updateUser, createGroup and updateGroup are JSON objects (seed 000
/// `type: object`); a JSON array holding the right values in field order is not one.
#[tokio::test]
async fn an_array_instead_of_an_object_is_400() {
    let (app, account, token) = fixed_setup().await;
    let existing = json!({"email": "a@b.co", "firstName": "A", "lastName": "B"});
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .json(&existing)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/groups"))
        .bearer_auth(&token)
        .json(&json!({"name": "Existing"}))
        .send()
        .await
        .unwrap();
    let group = json(response).await["groupId"].as_str().unwrap().to_owned();
    let cases = [
        (
            Method::POST,
            iam(&app, &account.uuid, "/users"),
            r#"["array@example.com", "A", "B"]"#,
        ),
        (
            Method::PUT,
            iam(&app, &account.uuid, "/users/a@b.co"),
            r#"["array@example.com", "A", "B"]"#,
        ),
        (
            Method::POST,
            iam(&app, &account.uuid, "/groups"),
            r#"["Array group", "made from an array"]"#,
        ),
        (
            Method::PUT,
            iam(&app, &account.uuid, &format!("/groups/{group}")),
            r#"["Array group"]"#,
        ),
    ];
    let mut accepted = Vec::new();
    for (method, url, body) in cases {
        let response = app
            .http()
            .request(method.clone(), &url)
            .bearer_auth(&token)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 400 {
            envelope(response, 400).await;
        } else {
            accepted.push(format!(
                "{method} {url} with {body} answered {}",
                response.status()
            ));
        }
    }
    assert!(
        accepted.is_empty(),
        "array bodies must be 400:\n{}",
        accepted.join("\n")
    );
    let users = json(
        app.http()
            .get(iam(&app, &account.uuid, "/users"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        users["totalCount"], 1,
        "an array body created a user: {users}"
    );
    assert_eq!(
        users["items"][0]["email"], "a@b.co",
        "an array body changed the user: {users}"
    );
    let groups = json(
        app.http()
            .get(iam(&app, &account.uuid, "/groups"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        groups["totalCount"], 1,
        "an array body created a group: {groups}"
    );
    assert_eq!(
        groups["items"][0]["name"], "Existing",
        "an array body changed the group: {groups}"
    );
}

#[tokio::test]
async fn the_message_of_a_mistyped_field_names_the_field() {
    let (app, account, token) = fixed_setup().await;
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .json(&json!({"email": "a@b.co", "firstName": 5, "lastName": "B"}))
        .send()
        .await
        .unwrap();
    let body = envelope(response, 400).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("firstName"),
        "{body}"
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshots of exact error bodies (deterministic messages only: fixed ids and inputs).
// ---------------------------------------------------------------------------------------------

async fn get(app: &TestApp, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn post_json(app: &TestApp, url: &str, token: &str, body: &Value) -> reqwest::Response {
    app.http()
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn snapshot_unknown_route() {
    let app = TestApp::spawn().await;
    let body = envelope(get(&app, &app.url("/no/such/route"), None).await, 404).await;
    assert_json_snapshot!("unknown_route", body);
}

#[tokio::test]
async fn snapshot_method_not_allowed() {
    let (app, _account, token) = fixed_setup().await;
    let response = app
        .http()
        .patch(iam(&app, ACCOUNT_A, "/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let body = envelope(response, 405).await;
    assert_json_snapshot!("method_not_allowed", body);
}

#[tokio::test]
async fn snapshot_payload_too_large() {
    let (app, _account, token) = fixed_setup().await;
    let response = app
        .http()
        .post(iam(&app, ACCOUNT_A, "/users"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(" ".repeat(1024 * 1024 + 1))
        .send()
        .await
        .unwrap();
    let body = envelope(response, 413).await;
    assert_json_snapshot!("payload_too_large", body);
}

#[tokio::test]
async fn snapshot_page_size_zero() {
    let (app, _account, token) = fixed_setup().await;
    let body = envelope(
        get(
            &app,
            &iam(&app, ACCOUNT_A, "/users?pageSize=0"),
            Some(&token),
        )
        .await,
        400,
    )
    .await;
    assert_json_snapshot!("page_size_zero", body);
}

#[tokio::test]
async fn snapshot_page_size_not_a_number() {
    let (app, _account, token) = fixed_setup().await;
    let body = envelope(
        get(
            &app,
            &iam(&app, ACCOUNT_A, "/groups?pageSize=abc"),
            Some(&token),
        )
        .await,
        400,
    )
    .await;
    assert_json_snapshot!("page_size_not_a_number", body);
}

#[tokio::test]
async fn snapshot_duplicate_email() {
    let (app, _account, token) = fixed_setup().await;
    let url = iam(&app, ACCOUNT_A, "/users");
    let first = post_json(
        &app,
        &url,
        &token,
        &json!({"email": "dup@example.com", "firstName": "A", "lastName": "B"}),
    )
    .await;
    assert_eq!(first.status().as_u16(), 200);
    let response = post_json(
        &app,
        &url,
        &token,
        &json!({"email": "Dup@Example.com", "firstName": "C", "lastName": "D"}),
    )
    .await;
    let body = envelope(response, 409).await;
    assert_json_snapshot!("duplicate_email", body);
}

#[tokio::test]
async fn snapshot_duplicate_group_name() {
    let (app, _account, token) = fixed_setup().await;
    let url = iam(&app, ACCOUNT_A, "/groups");
    assert_eq!(
        post_json(&app, &url, &token, &json!({"name": "Admins"}))
            .await
            .status()
            .as_u16(),
        200
    );
    let body = envelope(
        post_json(&app, &url, &token, &json!({"name": "Admins"})).await,
        409,
    )
    .await;
    assert_json_snapshot!("duplicate_group_name", body);
}

#[tokio::test]
async fn snapshot_invalid_email() {
    let (app, _account, token) = fixed_setup().await;
    let body = json!({"email": "not-an-email", "firstName": "A", "lastName": "B"});
    let body = envelope(
        post_json(&app, &iam(&app, ACCOUNT_A, "/users"), &token, &body).await,
        400,
    )
    .await;
    assert_json_snapshot!("invalid_email", body);
}

#[tokio::test]
async fn snapshot_blank_first_name() {
    let (app, _account, token) = fixed_setup().await;
    let body = json!({"email": "a@example.com", "firstName": "  ", "lastName": "B"});
    let body = envelope(
        post_json(&app, &iam(&app, ACCOUNT_A, "/users"), &token, &body).await,
        400,
    )
    .await;
    assert_json_snapshot!("blank_first_name", body);
}

#[tokio::test]
async fn snapshot_missing_last_name() {
    let (app, _account, token) = fixed_setup().await;
    let body = json!({"email": "a@example.com", "firstName": "A"});
    let body = envelope(
        post_json(&app, &iam(&app, ACCOUNT_A, "/users"), &token, &body).await,
        400,
    )
    .await;
    assert_json_snapshot!("missing_last_name", body);
}

#[tokio::test]
async fn snapshot_unknown_group_id() {
    let (app, _account, token) = fixed_setup().await;
    let body = json!({"email": "a@example.com", "firstName": "A", "lastName": "B", "groups": [UNKNOWN_GROUP]});
    let body = envelope(
        post_json(&app, &iam(&app, ACCOUNT_A, "/users"), &token, &body).await,
        400,
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(UNKNOWN_GROUP)
    );
    assert_json_snapshot!("unknown_group_id", body);
}

#[tokio::test]
async fn snapshot_malformed_json() {
    let (app, _account, token) = fixed_setup().await;
    let response = app
        .http()
        .post(iam(&app, ACCOUNT_A, "/users"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"email": "a@example.com", "#)
        .send()
        .await
        .unwrap();
    let body = envelope(response, 400).await;
    assert_json_snapshot!("malformed_json", body);
}

#[tokio::test]
async fn snapshot_user_not_found() {
    let (app, _account, token) = fixed_setup().await;
    let body = envelope(
        get(
            &app,
            &iam(&app, ACCOUNT_A, "/users/nobody@example.com"),
            Some(&token),
        )
        .await,
        404,
    )
    .await;
    assert_json_snapshot!("user_not_found", body);
}

#[tokio::test]
async fn snapshot_group_not_found() {
    let (app, _account, token) = fixed_setup().await;
    let body = envelope(
        get(
            &app,
            &iam(&app, ACCOUNT_A, &format!("/groups/{UNKNOWN_GROUP}")),
            Some(&token),
        )
        .await,
        404,
    )
    .await;
    assert_json_snapshot!("group_not_found", body);
}

#[tokio::test]
async fn snapshot_missing_token() {
    let app = TestApp::spawn().await;
    let body = envelope(get(&app, &iam(&app, ACCOUNT_A, "/users"), None).await, 401).await;
    assert_json_snapshot!("missing_token", body);
}

#[tokio::test]
async fn snapshot_missing_scope() {
    let (app, account, _token) = fixed_setup().await;
    let reader = app.client(&account, &["account-idm-read"]).await;
    let token = reader.token().await.unwrap();
    let body = json!({"email": "a@example.com", "firstName": "A", "lastName": "B"});
    let body = envelope(
        post_json(&app, &iam(&app, ACCOUNT_A, "/users"), &token, &body).await,
        403,
    )
    .await;
    assert_json_snapshot!("missing_scope", body);
}

#[tokio::test]
async fn snapshot_other_account() {
    let (app, _account, token) = fixed_setup().await;
    app.admin()
        .create_account(&AccountCreateRequest {
            uuid: Some(ACCOUNT_B.into()),
            name: "B".into(),
        })
        .await
        .unwrap();
    let body = envelope(
        get(&app, &iam(&app, ACCOUNT_B, "/users"), Some(&token)).await,
        403,
    )
    .await;
    assert_json_snapshot!("other_account", body);
}

#[tokio::test]
async fn snapshot_malformed_account() {
    let (app, _account, token) = fixed_setup().await;
    let body = envelope(
        get(&app, &iam(&app, "not-a-uuid", "/groups"), Some(&token)).await,
        403,
    )
    .await;
    assert_json_snapshot!("malformed_account", body);
}

#[tokio::test]
async fn snapshot_token_errors() {
    let (app, _account, _token) = fixed_setup().await;
    let unsupported = json(
        token_form(
            &app,
            &[
                ("grant_type", "password"),
                ("client_id", "x"),
                ("client_secret", "y"),
            ],
        )
        .await,
    )
    .await;
    let missing = json(token_form(&app, &[("client_id", "x"), ("client_secret", "y")]).await).await;
    let bad_client = json(
        token_form(
            &app,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "dt0s02.NOSUCH"),
                ("client_secret", "y"),
            ],
        )
        .await,
    )
    .await;
    assert_json_snapshot!(
        "token_errors",
        json!({"unsupported_grant_type": unsupported, "missing_grant_type": missing, "unknown_client": bad_client})
    );
}

#[tokio::test]
async fn errors_of_typed_operations_are_in_the_envelope() {
    // The typed client sees the envelope's message.
    let (app, account, _token) = fixed_setup().await;
    let client = app.client(&account, &ALL_SCOPES).await;
    client
        .create_user(&user_request("x@example.com", "X", "Y", None))
        .await
        .unwrap();
    client
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    let err = client
        .create_user(&user_request("x@example.com", "X", "Y", None))
        .await
        .unwrap_err();
    match err {
        accountd_client::Error::Api { status, message } => {
            assert_eq!(status.as_u16(), 409);
            assert_eq!(
                message,
                "a user with the email address 'x@example.com' already exists in this account"
            );
        }
        other => panic!("expected an API error, got {other}"),
    }
    let err = client
        .create_group(&group_request("G", None))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
}
