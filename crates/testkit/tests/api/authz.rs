//! Authentication and authorization: missing, garbage, expired and revoked tokens (401), the
//! scope matrix and cross-account isolation (403).

use accountd_proto::admin::OAuthClientCreateRequest;
use accountd_testkit::{ALL_SCOPES, TestApp};
use reqwest::Method;
use reqwest::header::WWW_AUTHENTICATE;
use serde_json::{Value, json};

use crate::common::{
    ENV_READ, IDM_READ, IDM_WRITE, advance, api_error, env, envelope, group_request, iam, message,
    setup, user_request,
};

/// Sends a request with an optional bearer token and JSON body.
async fn send(
    app: &TestApp,
    method: Method,
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
    request.send().await.unwrap()
}

/// A 401 in the envelope with a `WWW-Authenticate: Bearer ...` challenge; returns the message.
async fn assert_401(response: reqwest::Response) -> String {
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate: {challenge:?}"
    );
    let body = envelope(response, 401).await;
    message(&body).to_owned()
}

#[tokio::test]
async fn no_token_is_401_on_every_seed_operation() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let group = client
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    let a = &account.uuid;
    let user_body = json!({"email": "x@example.com", "firstName": "X", "lastName": "Y"});
    let cases = [
        (Method::GET, iam(&app, a, "/users"), None),
        (
            Method::POST,
            iam(&app, a, "/users"),
            Some(user_body.clone()),
        ),
        (
            Method::GET,
            iam(&app, a, &format!("/users/{}", user.uid)),
            None,
        ),
        (
            Method::PUT,
            iam(&app, a, &format!("/users/{}", user.uid)),
            Some(user_body.clone()),
        ),
        (
            Method::DELETE,
            iam(&app, a, &format!("/users/{}", user.uid)),
            None,
        ),
        (Method::GET, iam(&app, a, "/groups"), None),
        (
            Method::POST,
            iam(&app, a, "/groups"),
            Some(json!({"name": "N"})),
        ),
        (
            Method::GET,
            iam(&app, a, &format!("/groups/{}", group.group_id)),
            None,
        ),
        (
            Method::PUT,
            iam(&app, a, &format!("/groups/{}", group.group_id)),
            Some(json!({"name": "N"})),
        ),
        (
            Method::DELETE,
            iam(&app, a, &format!("/groups/{}", group.group_id)),
            None,
        ),
        (Method::GET, iam(&app, a, "/permissions"), None),
        (Method::GET, env(&app, a, "/environments"), None),
    ];
    for (method, url, body) in cases {
        assert_401(send(&app, method, &url, None, body).await).await;
    }
    // Nothing was changed by the refused writes.
    assert_eq!(client.get_user(&user.uid).await.unwrap(), user);
    assert_eq!(client.get_group(&group.group_id).await.unwrap(), group);
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 1);
}

#[tokio::test]
async fn garbage_tokens_are_401() {
    let (app, account, _client) = setup().await;
    let url = iam(&app, &account.uuid, "/users");
    for token in [
        "garbage",
        "a.b.c",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA",
    ] {
        assert_401(send(&app, Method::GET, &url, Some(token), None).await).await;
    }
    // A token with a flipped signature character.
    let token = app.token(&account, &ALL_SCOPES).await;
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_401(send(&app, Method::GET, &url, Some(&tampered), None).await).await;
    // Other schemes.
    let response = app
        .http()
        .get(&url)
        .header("Authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    assert_401(response).await;
    let response = app
        .http()
        .get(&url)
        .header("Authorization", "Bearer")
        .send()
        .await
        .unwrap();
    assert_401(response).await;
    // The untampered token works.
    assert_eq!(
        send(&app, Method::GET, &url, Some(&token), None)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn expired_tokens_are_401() {
    let (app, account, _client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(&app, &account.uuid, "/users");
    advance(&app, 299);
    assert_eq!(
        send(&app, Method::GET, &url, Some(&token), None)
            .await
            .status()
            .as_u16(),
        200,
        "valid just before 300 s"
    );
    advance(&app, 2);
    let message = assert_401(send(&app, Method::GET, &url, Some(&token), None).await).await;
    assert!(message.contains("expired"), "{message}");
    // A new token works again.
    let fresh = app.token(&account, &ALL_SCOPES).await;
    assert_eq!(
        send(&app, Method::GET, &url, Some(&fresh), None)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn deleting_the_oauth_client_revokes_its_tokens() {
    let (app, account, _client) = setup().await;
    let (id, secret) = app.oauth_client(&account, &ALL_SCOPES).await;
    let client = app.client_with(&account.uuid, id.clone(), secret.clone());
    let token = client.token().await.unwrap();
    let url = iam(&app, &account.uuid, "/users");
    assert_eq!(
        send(&app, Method::GET, &url, Some(&token), None)
            .await
            .status()
            .as_u16(),
        200
    );

    app.admin().delete_client(&account.uuid, &id).await.unwrap();
    assert_401(send(&app, Method::GET, &url, Some(&token), None).await).await;
    // And no new token can be had.
    let err = client
        .list_users(None, None)
        .await
        .expect_err("the client is gone");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    // Other clients of the account keep working.
    let other = app.token(&account, &ALL_SCOPES).await;
    assert_eq!(
        send(&app, Method::GET, &url, Some(&other), None)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn idm_read_may_read_but_not_write_nor_list_environments() {
    let (app, account, admin_client) = setup().await;
    let user = admin_client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let group = admin_client
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    let reader = app.client(&account, &[IDM_READ]).await;

    assert_eq!(reader.list_users(None, None).await.unwrap().total_count, 1);
    assert_eq!(reader.get_user(&user.uid).await.unwrap(), user);
    assert_eq!(reader.get_user("ann@example.com").await.unwrap(), user);
    assert_eq!(reader.list_groups(None, None).await.unwrap().total_count, 1);
    assert_eq!(reader.get_group(&group.group_id).await.unwrap(), group);
    reader.list_permissions().await.unwrap();

    let message = api_error(
        reader
            .create_user(&user_request("bob@example.com", "Bob", "B", None))
            .await,
        403,
    );
    assert!(
        message.contains(IDM_WRITE),
        "the 403 names the missing scope: {message}"
    );
    api_error(
        reader
            .update_user(&user.uid, &user_request("ann@example.com", "X", "Y", None))
            .await,
        403,
    );
    api_error(reader.delete_user(&user.uid).await, 403);
    api_error(reader.create_group(&group_request("H", None)).await, 403);
    api_error(
        reader
            .update_group(&group.group_id, &group_request("H", None))
            .await,
        403,
    );
    api_error(reader.delete_group(&group.group_id).await, 403);
    let message = api_error(reader.list_environments(None, None).await, 403);
    assert!(message.contains(ENV_READ), "{message}");

    // Nothing changed.
    assert_eq!(
        admin_client.list_users(None, None).await.unwrap().items,
        vec![user]
    );
    assert_eq!(
        admin_client.list_groups(None, None).await.unwrap().items,
        vec![group]
    );
}

#[tokio::test]
async fn env_read_may_list_environments_only() {
    let (app, account, admin_client) = setup().await;
    let user = admin_client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let group = admin_client
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    let env_reader = app.client(&account, &[ENV_READ]).await;

    assert_eq!(
        env_reader
            .list_environments(None, None)
            .await
            .unwrap()
            .total_count,
        1
    );
    api_error(env_reader.list_users(None, None).await, 403);
    api_error(env_reader.get_user(&user.uid).await, 403);
    api_error(
        env_reader
            .create_user(&user_request("bob@example.com", "Bob", "B", None))
            .await,
        403,
    );
    api_error(env_reader.list_groups(None, None).await, 403);
    api_error(env_reader.get_group(&group.group_id).await, 403);
    api_error(env_reader.list_permissions().await, 403);
}

#[tokio::test]
async fn idm_write_with_idm_read_may_write() {
    let (app, account, _client) = setup().await;
    let writer = app.client(&account, &[IDM_READ, IDM_WRITE]).await;
    let user = writer
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let group = writer
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    writer
        .update_user(
            &user.uid,
            &user_request(
                "ann@example.com",
                "Ann",
                "Smith",
                Some(vec![group.group_id.clone()]),
            ),
        )
        .await
        .unwrap();
    writer.delete_group(&group.group_id).await.unwrap();
    writer.delete_user(&user.uid).await.unwrap();
    api_error(writer.list_environments(None, None).await, 403);
}

#[tokio::test]
async fn a_token_of_account_a_is_403_on_account_b_and_shows_nothing_of_b() {
    let (app, a, _client_a) = setup().await;
    let b = app.new_account().await;
    let client_b = app.client(&b, &ALL_SCOPES).await;
    let b_user = client_b
        .create_user(&user_request(
            "b-secret-user@example.com",
            "Bea",
            "Hidden",
            None,
        ))
        .await
        .unwrap();
    let b_group = client_b
        .create_group(&group_request("B secret group", None))
        .await
        .unwrap();

    let token_a = app.token(&a, &ALL_SCOPES).await;
    let user_body =
        json!({"email": "intruder@example.com", "firstName": "In", "lastName": "Truder"});
    let cases = [
        (Method::GET, iam(&app, &b.uuid, "/users"), None),
        (
            Method::POST,
            iam(&app, &b.uuid, "/users"),
            Some(user_body.clone()),
        ),
        (
            Method::GET,
            iam(&app, &b.uuid, &format!("/users/{}", b_user.uid)),
            None,
        ),
        (
            Method::GET,
            iam(&app, &b.uuid, "/users/b-secret-user@example.com"),
            None,
        ),
        (
            Method::PUT,
            iam(&app, &b.uuid, &format!("/users/{}", b_user.uid)),
            Some(user_body.clone()),
        ),
        (
            Method::DELETE,
            iam(&app, &b.uuid, &format!("/users/{}", b_user.uid)),
            None,
        ),
        (Method::GET, iam(&app, &b.uuid, "/groups"), None),
        (
            Method::POST,
            iam(&app, &b.uuid, "/groups"),
            Some(json!({"name": "Intruders"})),
        ),
        (
            Method::GET,
            iam(&app, &b.uuid, &format!("/groups/{}", b_group.group_id)),
            None,
        ),
        (
            Method::PUT,
            iam(&app, &b.uuid, &format!("/groups/{}", b_group.group_id)),
            Some(json!({"name": "Owned"})),
        ),
        (
            Method::DELETE,
            iam(&app, &b.uuid, &format!("/groups/{}", b_group.group_id)),
            None,
        ),
        (Method::GET, iam(&app, &b.uuid, "/permissions"), None),
        (Method::GET, env(&app, &b.uuid, "/environments"), None),
    ];
    for (method, url, body) in cases {
        let response = send(&app, method.clone(), &url, Some(&token_a), body).await;
        let body = envelope(response, 403).await;
        let text = body.to_string();
        for secret in [
            "b-secret-user",
            "Hidden",
            "B secret group",
            b_user.uid.as_str(),
            b_group.group_id.as_str(),
            b.environment.as_str(),
        ] {
            assert!(
                !text.contains(secret),
                "{method} {url}: the 403 body leaks '{secret}': {text}"
            );
        }
    }
    // B is untouched.
    assert_eq!(
        client_b.list_users(None, None).await.unwrap().items,
        vec![b_user]
    );
    assert_eq!(
        client_b.list_groups(None, None).await.unwrap().items,
        vec![b_group]
    );

    // A's own id of a B object on A's path is simply not found.
    let client_a = app.client(&a, &ALL_SCOPES).await;
    api_error(
        client_a
            .get_user(&client_b.list_users(None, None).await.unwrap().items[0].uid)
            .await,
        404,
    );
    api_error(client_a.get_user("b-secret-user@example.com").await, 404);
}

#[tokio::test]
async fn malformed_or_unknown_account_in_the_path_is_403() {
    let (app, _account, _client) = setup().await;
    let account = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    for bad in [
        "not-a-uuid",
        "12345",
        "00000000-0000-0000-0000-00000000000g",
    ] {
        envelope(
            send(
                &app,
                Method::GET,
                &iam(&app, bad, "/users"),
                Some(&token),
                None,
            )
            .await,
            403,
        )
        .await;
        envelope(
            send(
                &app,
                Method::GET,
                &iam(&app, bad, "/groups"),
                Some(&token),
                None,
            )
            .await,
            403,
        )
        .await;
        envelope(
            send(
                &app,
                Method::GET,
                &iam(&app, bad, "/permissions"),
                Some(&token),
                None,
            )
            .await,
            403,
        )
        .await;
        envelope(
            send(
                &app,
                Method::GET,
                &env(&app, bad, "/environments"),
                Some(&token),
                None,
            )
            .await,
            403,
        )
        .await;
        envelope(
            send(
                &app,
                Method::GET,
                &iam(&app, bad, "/users/ann@example.com"),
                Some(&token),
                None,
            )
            .await,
            403,
        )
        .await;
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    envelope(
        send(
            &app,
            Method::GET,
            &iam(&app, &unknown, "/users"),
            Some(&token),
            None,
        )
        .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn deleting_an_account_revokes_its_tokens() {
    let (app, account, _client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    app.admin().delete_account(&account.uuid).await.unwrap();
    assert_401(
        send(
            &app,
            Method::GET,
            &iam(&app, &account.uuid, "/users"),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
}

#[tokio::test]
async fn a_client_with_fewer_scopes_cannot_widen_them() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let created = app
        .admin()
        .create_client(
            &account.uuid,
            &OAuthClientCreateRequest {
                scopes: vec![IDM_READ.into()],
                name: Some("reader".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(created.scopes, vec![IDM_READ.to_owned()]);
    let client = app.client_with(
        &account.uuid,
        created.client_id,
        created.client_secret.unwrap(),
    );
    api_error(client.create_group(&group_request("G", None)).await, 403);
}
