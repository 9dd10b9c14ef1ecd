//! The admin API (`/admin/v1`): off without a token, 401 with a wrong one; accounts, OAuth
//! clients, environments, reset.

use accountd_proto::EnvironmentStatus;
use accountd_proto::admin::{AccountCreateRequest, EnvironmentRequest, OAuthClientCreateRequest};
use accountd_testkit::{ADMIN_TOKEN, ALL_SCOPES, TestApp};
use reqwest::header::WWW_AUTHENTICATE;
use serde_json::json;

use crate::common::{api_error, envelope, group_request, json, token_form, user_request};

#[tokio::test]
async fn without_an_admin_token_configured_the_admin_api_is_404() {
    let app = TestApp::builder().without_admin().spawn().await;
    for token in [None, Some(ADMIN_TOKEN), Some("anything-at-all-0000")] {
        for (method, path) in [
            (reqwest::Method::GET, "/admin/v1/accounts"),
            (reqwest::Method::POST, "/admin/v1/accounts"),
            (
                reqwest::Method::GET,
                "/admin/v1/accounts/11111111-2222-4333-8444-555555555555/clients",
            ),
        ] {
            let mut request = app
                .http()
                .request(method.clone(), app.url(path))
                .json(&json!({"name": "x"}));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            envelope(request.send().await.unwrap(), 404).await;
        }
    }
    // The typed admin client sees the same.
    api_error(app.admin().list_accounts().await, 404);
    // The rest of the server works: the demo account exists.
    let demo = app.demo().expect("a demo account");
    let client = app.client_with(
        &demo.account.to_string(),
        demo.client_id.clone(),
        demo.client_secret.expose().to_owned(),
    );
    assert_eq!(
        client
            .list_environments(None, None)
            .await
            .unwrap()
            .total_count,
        1
    );
}

#[tokio::test]
async fn a_wrong_or_missing_admin_token_is_401() {
    let app = TestApp::spawn().await;
    for auth in [
        None,
        Some("Bearer wrong-admin-token-000000"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer "),
    ] {
        let mut request = app.http().get(app.url("/admin/v1/accounts"));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert!(
            response.headers().contains_key(WWW_AUTHENTICATE),
            "{auth:?}"
        );
        envelope(response, 401).await;
    }
    // An OAuth access token is not an admin token.
    let account = app.new_account().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    envelope(
        app.http()
            .get(app.url("/admin/v1/accounts"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    // Nothing was created by a refused write.
    let before = app.admin().list_accounts().await.unwrap().accounts.len();
    let response = app
        .http()
        .post(app.url("/admin/v1/accounts"))
        .bearer_auth("wrong-admin-token-000000")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    envelope(response, 401).await;
    assert_eq!(
        app.admin().list_accounts().await.unwrap().accounts.len(),
        before
    );
}

#[tokio::test]
async fn accounts_can_be_created_listed_fetched_and_deleted() {
    let app = TestApp::spawn().await;
    let admin = app.admin();
    let before = admin.list_accounts().await.unwrap().accounts;

    let generated = admin
        .create_account(&AccountCreateRequest {
            uuid: None,
            name: "Generated".into(),
        })
        .await
        .unwrap();
    assert!(uuid::Uuid::parse_str(&generated.uuid).is_ok());
    assert_eq!(generated.name, "Generated");
    let fixed_uuid = "0d3e5f7a-9b1c-4d2e-8f3a-5b6c7d8e9f01";
    let fixed = admin
        .create_account(&AccountCreateRequest {
            uuid: Some(fixed_uuid.into()),
            name: "Fixed".into(),
        })
        .await
        .unwrap();
    assert_eq!(fixed.uuid, fixed_uuid);

    let listed = admin.list_accounts().await.unwrap().accounts;
    assert_eq!(listed.len(), before.len() + 2);
    assert!(listed.contains(&generated) && listed.contains(&fixed));
    assert_eq!(admin.get_account(fixed_uuid).await.unwrap(), fixed);

    // The raw create answers with the account.
    let response = app
        .http()
        .post(app.url("/admin/v1/accounts"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"name": "Raw"}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(json(response).await["name"], "Raw");

    admin.delete_account(fixed_uuid).await.unwrap();
    api_error(admin.get_account(fixed_uuid).await, 404);
    api_error(admin.delete_account(fixed_uuid).await, 404);
    api_error(admin.get_account("not-a-uuid").await, 404);
    assert!(
        !admin
            .list_accounts()
            .await
            .unwrap()
            .accounts
            .contains(&fixed)
    );

    // Validation.
    api_error(
        admin
            .create_account(&AccountCreateRequest {
                uuid: None,
                name: "  ".into(),
            })
            .await,
        400,
    );
    api_error(
        admin
            .create_account(&AccountCreateRequest {
                uuid: Some("nope".into()),
                name: "X".into(),
            })
            .await,
        400,
    );
}

#[tokio::test]
async fn clients_show_their_secret_once() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let admin = app.admin();

    let response = app
        .http()
        .post(app.url(&format!("/admin/v1/accounts/{}/clients", account.uuid)))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"scopes": ["account-idm-read", "account-env-read"], "name": "ci"}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let created = json(response).await;
    let client_id = created["clientId"].as_str().unwrap().to_owned();
    let secret = created["clientSecret"]
        .as_str()
        .expect("the create response holds the secret")
        .to_owned();
    assert_eq!(created["name"], "ci");
    assert_eq!(created["accountUuid"], account.uuid.as_str());

    // The listing never shows a secret.
    let response = app
        .http()
        .get(app.url(&format!("/admin/v1/accounts/{}/clients", account.uuid)))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    let listed = json(response).await;
    let clients = listed["clients"].as_array().unwrap();
    let entry = clients
        .iter()
        .find(|c| c["clientId"] == client_id.as_str())
        .expect("the client is listed");
    assert!(
        entry.get("clientSecret").is_none(),
        "the listing shows the secret: {entry}"
    );
    assert!(
        !listed.to_string().contains(&secret),
        "the secret appears in the listing"
    );
    let typed = admin.list_clients(&account.uuid).await.unwrap().clients;
    assert!(typed.iter().all(|c| c.client_secret.is_none()));

    // The credentials work, with the declared scopes.
    let token = json(
        token_form(
            &app,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("client_secret", &secret),
            ],
        )
        .await,
    )
    .await;
    let scopes: std::collections::BTreeSet<&str> =
        token["scope"].as_str().unwrap().split(' ').collect();
    assert_eq!(
        scopes,
        ["account-env-read", "account-idm-read"]
            .into_iter()
            .collect()
    );

    // Validation.
    api_error(
        admin
            .create_client(
                &account.uuid,
                &OAuthClientCreateRequest {
                    scopes: vec![],
                    name: None,
                },
            )
            .await,
        400,
    );
    api_error(
        admin
            .create_client(
                &account.uuid,
                &OAuthClientCreateRequest {
                    scopes: vec!["root".into()],
                    name: None,
                },
            )
            .await,
        400,
    );
    api_error(
        admin
            .create_client(
                "0d3e5f7a-9b1c-4d2e-8f3a-5b6c7d8e9f02",
                &OAuthClientCreateRequest {
                    scopes: vec!["account-idm-read".into()],
                    name: None,
                },
            )
            .await,
        404,
    );

    // Delete: gone from the list, its credentials refused.
    admin
        .delete_client(&account.uuid, &client_id)
        .await
        .unwrap();
    assert!(
        admin
            .list_clients(&account.uuid)
            .await
            .unwrap()
            .clients
            .iter()
            .all(|c| c.client_id != client_id)
    );
    let response = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 401);
    api_error(admin.delete_client(&account.uuid, &client_id).await, 404);
}

#[tokio::test]
async fn a_client_cannot_be_deleted_through_another_account() {
    let app = TestApp::spawn().await;
    let a = app.new_account().await;
    let b = app.new_account().await;
    let (id, _secret) = app.oauth_client(&a, &ALL_SCOPES).await;
    api_error(app.admin().delete_client(&b.uuid, &id).await, 404);
    assert!(
        app.admin()
            .list_clients(&a.uuid)
            .await
            .unwrap()
            .clients
            .iter()
            .any(|c| c.client_id == id)
    );
}

#[tokio::test]
async fn environments_can_be_created_listed_updated_and_deleted() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let admin = app.admin();
    let client = app.client(&account, &ALL_SCOPES).await;

    let created = admin
        .create_environment(
            &account.uuid,
            &EnvironmentRequest {
                id: Some("staging1".into()),
                name: "Staging".into(),
                status: None,
                trial: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            created.id.as_str(),
            created.name.as_str(),
            created.status,
            created.trial
        ),
        ("staging1", "Staging", EnvironmentStatus::Active, false)
    );
    let generated = admin
        .create_environment(
            &account.uuid,
            &EnvironmentRequest {
                id: None,
                name: "Generated".into(),
                status: None,
                trial: None,
            },
        )
        .await
        .unwrap();
    assert!(!generated.id.is_empty());

    let listed = admin.list_environments(&account.uuid).await.unwrap();
    assert_eq!(listed.total_count, 3);
    assert!(listed.environments.contains(&created) && listed.environments.contains(&generated));

    let updated = admin
        .update_environment(
            &account.uuid,
            "staging1",
            &EnvironmentRequest {
                id: None,
                name: "Staging (old)".into(),
                status: Some(EnvironmentStatus::Suspended),
                trial: Some(false),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.status),
        ("Staging (old)", EnvironmentStatus::Suspended)
    );
    // The API shows the update.
    let api = client.list_environments(None, None).await.unwrap();
    assert!(api.environments.contains(&updated), "{api:?}");

    // Validation and unknown ids.
    api_error(
        admin
            .create_environment(
                &account.uuid,
                &EnvironmentRequest {
                    id: Some("staging1".into()),
                    name: "Dup".into(),
                    status: None,
                    trial: None,
                },
            )
            .await,
        409,
    );
    api_error(
        admin
            .create_environment(
                &account.uuid,
                &EnvironmentRequest {
                    id: Some("UPPER".into()),
                    name: "Bad".into(),
                    status: None,
                    trial: None,
                },
            )
            .await,
        400,
    );
    api_error(
        admin
            .update_environment(
                &account.uuid,
                "nosuchenv",
                &EnvironmentRequest {
                    id: None,
                    name: "X".into(),
                    status: None,
                    trial: None,
                },
            )
            .await,
        404,
    );

    admin
        .delete_environment(&account.uuid, "staging1")
        .await
        .unwrap();
    api_error(
        admin.delete_environment(&account.uuid, "staging1").await,
        404,
    );
    let api = client.list_environments(None, None).await.unwrap();
    assert_eq!(api.total_count, 2);
    assert!(api.environments.iter().all(|e| e.id != "staging1"));
}

#[tokio::test]
async fn reset_removes_users_and_groups_but_keeps_clients_and_environments() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let other = app.new_account().await;
    let client = app.client(&account, &ALL_SCOPES).await;
    let other_client = app.client(&other, &ALL_SCOPES).await;
    let group = client
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    client
        .create_user(&user_request(
            "ann@example.com",
            "Ann",
            "Smith",
            Some(vec![group.group_id.clone()]),
        ))
        .await
        .unwrap();
    client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let untouched = other_client
        .create_user(&user_request("ann@example.com", "Other", "Ann", None))
        .await
        .unwrap();
    let token = client.token().await.unwrap();

    app.admin().reset_account(&account.uuid).await.unwrap();

    // The same client (and even its existing token) keeps working, and sees an empty account.
    let users = client.list_users(None, None).await.unwrap();
    assert_eq!((users.total_count, users.items.len()), (0, 0));
    let groups = client.list_groups(None, None).await.unwrap();
    assert_eq!((groups.total_count, groups.items.len()), (0, 0));
    assert!(
        client
            .list_permissions()
            .await
            .unwrap()
            .permissions
            .is_empty()
    );
    api_error(client.get_group(&group.group_id).await, 404);
    let response = app
        .http()
        .get(app.url(&format!("/iam/v1/accounts/{}/users", account.uuid)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        client
            .list_environments(None, None)
            .await
            .unwrap()
            .total_count,
        1,
        "environments stay"
    );
    assert_eq!(
        app.admin()
            .list_clients(&account.uuid)
            .await
            .unwrap()
            .clients
            .len(),
        1,
        "clients stay"
    );
    // Emails and names are free again.
    client
        .create_user(&user_request("ann@example.com", "Ann", "Again", None))
        .await
        .unwrap();
    client
        .create_group(&group_request("G", None))
        .await
        .unwrap();
    // Other accounts are untouched.
    assert_eq!(
        other_client.list_users(None, None).await.unwrap().items,
        vec![untouched]
    );

    api_error(
        app.admin()
            .reset_account("0d3e5f7a-9b1c-4d2e-8f3a-5b6c7d8e9f03")
            .await,
        404,
    );
}
