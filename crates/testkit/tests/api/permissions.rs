//! Seed 000 listPermissions, with permissions declared in a bootstrap file.

use accountd_proto::{Permission, PermissionScopeType};
use accountd_testkit::TestApp;
use serde_json::json;

use crate::common::{api_error, iam, json, setup};

const ACCOUNT: &str = "8c5d2b1a-0f9e-4d3c-b2a1-9e8d7c6b5a41";
const ENV: &str = "tenant01";
const CLIENT_ID: &str = "dt0s02.PERMISSIONS";
const CLIENT_SECRET: &str = "dt0s02.PERMISSIONS.SECRET";

fn bootstrap() -> String {
    format!(
        r#"
accounts:
  - uuid: {ACCOUNT}
    name: Permission tests
    environments:
      - {{id: {ENV}, name: Production, status: ACTIVE, trial: false}}
    oauthClients:
      - clientId: {CLIENT_ID}
        clientSecret: {CLIENT_SECRET}
        scopes: [account-idm-read, account-idm-write, account-env-read]
    groups:
      - name: Viewers
        description: Read-only
        permissions:
          - {{permissionName: account-viewer, scope: {ACCOUNT}, scopeType: account}}
          - {{permissionName: tenant-viewer, scope: {ENV}, scopeType: tenant}}
      - name: Nobody
        description: No permissions
"#
    )
}

#[tokio::test]
async fn list_permissions_shows_every_assignment_with_upper_case_scope_types() {
    let app = TestApp::builder().bootstrap(bootstrap()).spawn().await;
    let client = app.client_with(ACCOUNT, CLIENT_ID.into(), CLIENT_SECRET.into());
    let groups = client.list_groups(None, None).await.unwrap().items;
    let viewers = groups
        .iter()
        .find(|g| g.name == "Viewers")
        .expect("the Viewers group")
        .group_id
        .clone();

    let mut permissions = client.list_permissions().await.unwrap().permissions;
    permissions.sort_by(|a, b| a.permission_name.cmp(&b.permission_name));
    assert_eq!(
        permissions,
        vec![
            Permission {
                permission_name: "account-viewer".into(),
                scope: ACCOUNT.into(),
                scope_type: PermissionScopeType::Account,
                group_id: viewers.clone(),
            },
            Permission {
                permission_name: "tenant-viewer".into(),
                scope: ENV.into(),
                scope_type: PermissionScopeType::Tenant,
                group_id: viewers.clone(),
            },
        ]
    );

    // The wire shape, byte for byte: `{"permissions":[{permissionName, scope, scopeType, groupId}]}`.
    let token = client.token().await.unwrap();
    let response = app
        .http()
        .get(iam(&app, ACCOUNT, "/permissions"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    let object = body.as_object().unwrap();
    assert_eq!(object.keys().collect::<Vec<_>>(), vec!["permissions"]);
    let mut wire = body["permissions"].as_array().unwrap().clone();
    wire.sort_by_key(|p| p["permissionName"].as_str().unwrap_or_default().to_owned());
    assert_eq!(
        serde_json::Value::Array(wire),
        json!([
            {"permissionName": "account-viewer", "scope": ACCOUNT, "scopeType": "ACCOUNT", "groupId": viewers},
            {"permissionName": "tenant-viewer", "scope": ENV, "scopeType": "TENANT", "groupId": viewers},
        ])
    );
}

#[tokio::test]
async fn list_permissions_of_an_account_without_any_is_empty() {
    let (app, account, client) = setup().await;
    assert!(
        client
            .list_permissions()
            .await
            .unwrap()
            .permissions
            .is_empty()
    );
    let token = client.token().await.unwrap();
    let response = app
        .http()
        .get(iam(&app, &account.uuid, "/permissions"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(json(response).await, json!({"permissions": []}));
}

#[tokio::test]
async fn list_permissions_needs_idm_read() {
    let app = TestApp::builder().bootstrap(bootstrap()).spawn().await;
    let account = accountd_testkit::TestAccount {
        uuid: ACCOUNT.into(),
        environment: ENV.into(),
    };
    let env_only = app.client(&account, &["account-env-read"]).await;
    api_error(env_only.list_permissions().await, 403);
    let reader = app.client(&account, &["account-idm-read"]).await;
    assert_eq!(
        reader.list_permissions().await.unwrap().permissions.len(),
        2
    );
}
