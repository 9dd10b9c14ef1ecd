//! Group permissions (real API): `GET|POST|PUT|DELETE .../groups/{groupId}/permissions`, their
//! validation, how seed 000's listPermissions reflects them, and who may change them.

use accountd_client::Client;
use accountd_proto::{GroupPermission, Permission, PermissionScopeType};
use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    ENV_WRITE, IDM_READ, IDM_WRITE, api_error, assert_empty_success, envelope, group_request, iam,
    json, message, send, setup, timestamp,
};

fn permission(name: &str, scope: &str, scope_type: &str) -> GroupPermission {
    GroupPermission {
        permission_name: name.to_owned(),
        scope: scope.to_owned(),
        scope_type: scope_type.to_owned(),
    }
}

async fn new_group(client: &Client, name: &str) -> String {
    client
        .create_group(&group_request(name, Some("described")))
        .await
        .unwrap()
        .group_id
}

/// A group's permissions as sorted `(name, scope, scopeType)` triples.
async fn triples(client: &Client, group: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = client
        .group_permissions(group)
        .await
        .unwrap()
        .permissions
        .into_iter()
        .map(|p| (p.permission_name, p.scope, p.scope_type))
        .collect();
    out.sort();
    out
}

fn triple(name: &str, scope: &str, scope_type: &str) -> (String, String, String) {
    (name.to_owned(), scope.to_owned(), scope_type.to_owned())
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn permissions_url(app: &TestApp, account: &TestAccount, group: &str) -> String {
    iam(app, &account.uuid, &format!("/groups/{group}/permissions"))
}

#[tokio::test]
async fn get_group_permissions_has_the_real_shape_with_lower_case_scope_types() {
    let (app, account, client) = setup().await;
    let group = client
        .create_group(&group_request("Viewers", Some("Read only")))
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = permissions_url(&app, &account, &group.group_id);

    let response = send(&app, Method::GET, &url, Some(&token), None).await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    assert_eq!(body["uuid"], Value::from(group.group_id.clone()));
    assert_eq!(body["name"], "Viewers");
    assert_eq!(body["description"], "Read only");
    assert_eq!(body["owner"], "LOCAL");
    assert_eq!(
        timestamp(body["createdAt"].as_str().unwrap()),
        timestamp(&group.created_at)
    );
    timestamp(body["updatedAt"].as_str().unwrap());
    assert_eq!(body["permissions"], json!([]));

    let response = send(
        &app,
        Method::POST,
        &url,
        Some(&token),
        Some(json!([
            {"permissionName": "account-viewer", "scope": account.uuid, "scopeType": "account"},
            {"permissionName": "tenant-viewer", "scope": account.environment, "scopeType": "tenant"},
        ])),
    )
    .await;
    assert_empty_success(response, 201).await;

    let body = json(send(&app, Method::GET, &url, Some(&token), None).await).await;
    let mut items = body["permissions"].as_array().unwrap().clone();
    items.sort_by_key(|p| p["permissionName"].as_str().unwrap().to_owned());
    assert_eq!(
        items,
        vec![
            json!({"permissionName": "account-viewer", "scope": account.uuid, "scopeType": "account"}),
            json!({"permissionName": "tenant-viewer", "scope": account.environment, "scopeType": "tenant"}),
        ]
    );
}

#[tokio::test]
async fn post_adds_put_replaces_and_an_empty_put_clears() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let other = new_group(&client, "Other").await;
    let env = account.environment.clone();
    let mz = format!("{env}:mz-1");
    client
        .add_group_permissions(&other, &[permission("tenant-viewer", &env, "tenant")])
        .await
        .unwrap();

    client
        .add_group_permissions(&group, &[permission("tenant-viewer", &env, "tenant")])
        .await
        .unwrap();
    // POST adds to what is there; a repeat is not an error and not a duplicate.
    client
        .add_group_permissions(
            &group,
            &[
                permission("tenant-viewer", &env, "tenant"),
                permission("tenant-logviewer", &mz, "management-zone"),
                permission("account-user-management", &account.uuid, "account"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        triples(&client, &group).await,
        sorted(vec![
            triple("tenant-viewer", &env, "tenant"),
            triple("tenant-logviewer", &mz, "management-zone"),
            triple("account-user-management", &account.uuid, "account"),
        ])
    );

    // PUT replaces (200).
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = permissions_url(&app, &account, &group);
    let response = send(
        &app,
        Method::PUT,
        &url,
        Some(&token),
        Some(json!([
            {"permissionName": "tenant-admin", "scope": env, "scopeType": "tenant"},
            {"permissionName": "tenant-operator", "scope": env, "scopeType": "tenant"},
        ])),
    )
    .await;
    assert_empty_success(response, 200).await;
    assert_eq!(
        triples(&client, &group).await,
        vec![
            triple("tenant-admin", &env, "tenant"),
            triple("tenant-operator", &env, "tenant"),
        ]
    );

    // PUT [] clears.
    let response = send(&app, Method::PUT, &url, Some(&token), Some(json!([]))).await;
    assert_empty_success(response, 200).await;
    assert!(triples(&client, &group).await.is_empty());
    // The other group was never touched.
    assert_eq!(
        triples(&client, &other).await,
        vec![triple("tenant-viewer", &env, "tenant")]
    );
}

#[tokio::test]
async fn delete_removes_one_permission_named_by_the_query() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let env = account.environment.clone();
    client
        .add_group_permissions(
            &group,
            &[
                permission("tenant-viewer", &env, "tenant"),
                permission("tenant-logviewer", &env, "tenant"),
                permission("account-viewer", &account.uuid, "account"),
            ],
        )
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = permissions_url(&app, &account, &group);
    let delete = |query: String| {
        let (app, url, token) = (&app, &url, &token);
        async move {
            send(
                app,
                Method::DELETE,
                &format!("{url}?{query}"),
                Some(token),
                None,
            )
            .await
        }
    };

    let response = delete(format!(
        "permission-name=tenant-viewer&scope={env}&scope-type=tenant"
    ))
    .await;
    assert_empty_success(response, 200).await;
    assert_eq!(
        triples(&client, &group).await,
        sorted(vec![
            triple("tenant-logviewer", &env, "tenant"),
            triple("account-viewer", &account.uuid, "account"),
        ])
    );

    // Not granted (any more): 404.
    let body = envelope(
        delete(format!(
            "permission-name=tenant-viewer&scope={env}&scope-type=tenant"
        ))
        .await,
        404,
    )
    .await;
    assert!(message(&body).contains("tenant-viewer"), "{body}");
    // Granted, but on another scope type: 404 too.
    envelope(
        delete(format!(
            "permission-name=tenant-logviewer&scope={env}:mz&scope-type=management-zone"
        ))
        .await,
        404,
    )
    .await;

    // A missing parameter: 400 naming it.
    for (query, missing) in [
        (format!("scope={env}&scope-type=tenant"), "permission-name"),
        (
            "permission-name=tenant-logviewer&scope-type=tenant".to_owned(),
            "scope",
        ),
        (
            format!("permission-name=tenant-logviewer&scope={env}"),
            "scope-type",
        ),
        (String::new(), "permission-name"),
    ] {
        let body = envelope(delete(query.clone()).await, 400).await;
        assert!(message(&body).contains(missing), "{query}: {body}");
    }

    // The scope type in any case, through the typed client.
    client
        .remove_group_permission(
            &group,
            &permission("account-viewer", &account.uuid, "ACCOUNT"),
        )
        .await
        .unwrap();
    assert_eq!(
        triples(&client, &group).await,
        vec![triple("tenant-logviewer", &env, "tenant")]
    );
    // An unknown group: 404.
    api_error(
        client
            .remove_group_permission(
                &uuid::Uuid::new_v4().to_string(),
                &permission("tenant-logviewer", &env, "tenant"),
            )
            .await,
        404,
    );
}

#[tokio::test]
async fn invalid_permissions_are_400_and_nothing_is_applied() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let env = account.environment.clone();
    let other_account = app.new_account().await;
    client
        .add_group_permissions(&group, &[permission("tenant-viewer", &env, "tenant")])
        .await
        .unwrap();
    let before = triples(&client, &group).await;

    let cases = [
        (permission("tenant-wizard", &env, "tenant"), "tenant-wizard"),
        (permission("tenant-viewer", &env, "planet"), "planet"),
        (permission("tenant-viewer", &env, ""), "scope"),
        (
            permission("tenant-viewer", &other_account.environment, "tenant"),
            other_account.environment.as_str(),
        ),
        (
            permission("tenant-viewer", "nosuchenv", "tenant"),
            "nosuchenv",
        ),
        (
            permission("account-viewer", &other_account.uuid, "account"),
            other_account.uuid.as_str(),
        ),
        (
            permission("account-viewer", "not-a-uuid", "account"),
            "not-a-uuid",
        ),
        (permission("account-viewer", &env, "account"), env.as_str()),
        (
            permission("tenant-viewer", "nope:mz", "management-zone"),
            "nope",
        ),
        (
            permission("tenant-viewer", &format!("{env}:"), "management-zone"),
            "management-zone",
        ),
        (
            permission("tenant-viewer", &env, "management-zone"),
            "management-zone",
        ),
    ];
    for (bad, named) in &cases {
        // Alone, and after a valid one (all or nothing), through POST and PUT.
        for list in [
            vec![bad.clone()],
            vec![permission("tenant-logviewer", &env, "tenant"), bad.clone()],
        ] {
            let message = api_error(client.add_group_permissions(&group, &list).await, 400);
            assert!(message.contains(named), "{bad:?}: {message}");
            api_error(client.replace_group_permissions(&group, &list).await, 400);
        }
    }
    assert_eq!(triples(&client, &group).await, before, "nothing changed");

    // A management-zone scope of an environment of the account is fine.
    client
        .add_group_permissions(
            &group,
            &[permission(
                "tenant-viewer",
                &format!("{env}:mz"),
                "management-zone",
            )],
        )
        .await
        .unwrap();

    // Bodies that are not arrays of permissions.
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = permissions_url(&app, &account, &group);
    for body in [
        json!({"permissionName": "tenant-viewer", "scope": env, "scopeType": "tenant"}),
        json!(["tenant-viewer"]),
        json!([{"permissionName": "tenant-viewer", "scope": env}]),
    ] {
        envelope(
            send(&app, Method::POST, &url, Some(&token), Some(body.clone())).await,
            400,
        )
        .await;
        envelope(
            send(&app, Method::PUT, &url, Some(&token), Some(body)).await,
            400,
        )
        .await;
    }
    // An unknown group: 404.
    let unknown = uuid::Uuid::new_v4().to_string();
    api_error(client.group_permissions(&unknown).await, 404);
    api_error(
        client
            .add_group_permissions(&unknown, &[permission("tenant-viewer", &env, "tenant")])
            .await,
        404,
    );
}

#[tokio::test]
async fn scope_types_are_accepted_in_any_case_and_shown_in_lower_case() {
    let (_app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let env = account.environment.clone();
    client
        .add_group_permissions(
            &group,
            &[
                permission("tenant-viewer", &env, "TENANT"),
                permission("account-viewer", &account.uuid, "Account"),
                permission("tenant-logviewer", &format!("{env}:z1"), "MANAGEMENT-ZONE"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        triples(&client, &group).await,
        sorted(vec![
            triple("tenant-viewer", &env, "tenant"),
            triple("account-viewer", &account.uuid, "account"),
            triple("tenant-logviewer", &format!("{env}:z1"), "management-zone"),
        ])
    );
    // The same permission in another case is the same permission.
    client
        .add_group_permissions(&group, &[permission("tenant-viewer", &env, "tenant")])
        .await
        .unwrap();
    assert_eq!(triples(&client, &group).await.len(), 3);
}

#[tokio::test]
async fn list_permissions_shows_group_permission_changes_at_once() {
    let (_app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let env = account.environment.clone();
    assert!(
        client
            .list_permissions()
            .await
            .unwrap()
            .permissions
            .is_empty()
    );

    client
        .add_group_permissions(
            &group,
            &[
                permission("account-viewer", &account.uuid, "account"),
                permission("tenant-viewer", &env, "tenant"),
                permission("tenant-logviewer", &format!("{env}:mz"), "management-zone"),
            ],
        )
        .await
        .unwrap();
    let listed = |permissions: Vec<Permission>| {
        let mut permissions = permissions;
        permissions.sort_by(|a, b| a.permission_name.cmp(&b.permission_name));
        permissions
    };
    let seed = |name: &str, scope: &str, scope_type: PermissionScopeType| Permission {
        permission_name: name.to_owned(),
        scope: scope.to_owned(),
        scope_type,
        group_id: group.clone(),
    };
    assert_eq!(
        listed(client.list_permissions().await.unwrap().permissions),
        vec![
            seed(
                "account-viewer",
                &account.uuid,
                PermissionScopeType::Account
            ),
            seed(
                "tenant-logviewer",
                &format!("{env}:mz"),
                PermissionScopeType::Tenant
            ),
            seed("tenant-viewer", &env, PermissionScopeType::Tenant),
        ],
        "management-zone permissions show as TENANT with the scope env:mz"
    );

    client
        .remove_group_permission(&group, &permission("tenant-viewer", &env, "tenant"))
        .await
        .unwrap();
    assert_eq!(
        listed(client.list_permissions().await.unwrap().permissions),
        vec![
            seed(
                "account-viewer",
                &account.uuid,
                PermissionScopeType::Account
            ),
            seed(
                "tenant-logviewer",
                &format!("{env}:mz"),
                PermissionScopeType::Tenant
            ),
        ]
    );
    client.replace_group_permissions(&group, &[]).await.unwrap();
    assert!(
        client
            .list_permissions()
            .await
            .unwrap()
            .permissions
            .is_empty()
    );
}

#[tokio::test]
async fn env_write_may_change_tenant_scoped_permissions_only() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let env = account.environment.clone();
    let mz = format!("{env}:mz");
    client
        .add_group_permissions(
            &group,
            &[permission("account-viewer", &account.uuid, "account")],
        )
        .await
        .unwrap();
    let env_writer = app.client(&account, &[ENV_WRITE]).await;

    env_writer
        .add_group_permissions(
            &group,
            &[
                permission("tenant-viewer", &env, "tenant"),
                permission("tenant-logviewer", &mz, "management-zone"),
            ],
        )
        .await
        .unwrap();
    env_writer
        .remove_group_permission(
            &group,
            &permission("tenant-logviewer", &mz, "management-zone"),
        )
        .await
        .unwrap();
    assert_eq!(
        triples(&client, &group).await,
        sorted(vec![
            triple("account-viewer", &account.uuid, "account"),
            triple("tenant-viewer", &env, "tenant"),
        ])
    );

    // Account-scoped (alone or mixed in), and any PUT: 403.
    let account_scoped = permission("account-user-management", &account.uuid, "account");
    let message = api_error(
        env_writer
            .add_group_permissions(&group, std::slice::from_ref(&account_scoped))
            .await,
        403,
    );
    assert!(message.contains(IDM_WRITE), "{message}");
    api_error(
        env_writer
            .add_group_permissions(
                &group,
                &[
                    permission("tenant-admin", &env, "tenant"),
                    account_scoped.clone(),
                ],
            )
            .await,
        403,
    );
    api_error(
        env_writer
            .remove_group_permission(
                &group,
                &permission("account-viewer", &account.uuid, "account"),
            )
            .await,
        403,
    );
    api_error(
        env_writer
            .replace_group_permissions(&group, &[permission("tenant-viewer", &env, "tenant")])
            .await,
        403,
    );
    api_error(env_writer.replace_group_permissions(&group, &[]).await, 403);
    // Reading needs account-idm-read.
    let message = api_error(env_writer.group_permissions(&group).await, 403);
    assert!(message.contains(IDM_READ), "{message}");
    assert_eq!(
        triples(&client, &group).await,
        sorted(vec![
            triple("account-viewer", &account.uuid, "account"),
            triple("tenant-viewer", &env, "tenant"),
        ]),
        "nothing changed"
    );
}

#[tokio::test]
async fn group_permission_reads_need_idm_read_and_other_accounts_are_403() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let env = account.environment.clone();
    client
        .add_group_permissions(&group, &[permission("tenant-viewer", &env, "tenant")])
        .await
        .unwrap();

    let reader = app.client(&account, &[IDM_READ]).await;
    assert_eq!(
        triples(&reader, &group).await,
        vec![triple("tenant-viewer", &env, "tenant")]
    );
    api_error(
        reader
            .add_group_permissions(&group, &[permission("tenant-admin", &env, "tenant")])
            .await,
        403,
    );
    api_error(reader.replace_group_permissions(&group, &[]).await, 403);
    api_error(
        reader
            .remove_group_permission(&group, &permission("tenant-viewer", &env, "tenant"))
            .await,
        403,
    );

    let other_account = app.new_account().await;
    let token = app.token(&other_account, &ALL_SCOPES).await;
    let url = permissions_url(&app, &account, &group);
    let body = json!([{"permissionName": "tenant-admin", "scope": env, "scopeType": "tenant"}]);
    for (method, url, body) in [
        (Method::GET, url.clone(), None),
        (Method::POST, url.clone(), Some(body.clone())),
        (Method::PUT, url.clone(), Some(body)),
        (
            Method::DELETE,
            format!("{url}?permission-name=tenant-viewer&scope={env}&scope-type=tenant"),
            None,
        ),
    ] {
        envelope(send(&app, method, &url, Some(&token), body).await, 403).await;
    }
    assert_eq!(
        triples(&client, &group).await,
        vec![triple("tenant-viewer", &env, "tenant")],
        "nothing changed"
    );
}
